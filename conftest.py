"""Root pytest setup, for tests/ and the doctests under core/ alike: CPU only, caches in a temp folder."""
import os
import tempfile

os.environ.setdefault("ATLAS_FORCE_CPU", "1")
# Anything cached on disk during a test run (tokenizers, trained models) goes to a fresh temp folder,
# never into the working tree.
os.environ["ATLAS_CACHE_DIR"] = tempfile.mkdtemp(prefix="atlas-test-cache-")
