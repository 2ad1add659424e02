"""Hardening outside the pages: no request off the machine, uploads, escaping, stale temp files, shutdown."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time

import pytest

from core import corpus
from core.errors import UserInputError
from core.textcheck import check_text, strip_controls
from tests.conftest import ROOT
from ui.safe import inert, plain

SOURCES = sorted([ROOT / "app.py", *(ROOT / "views").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
                  *(ROOT / "core").rglob("*.py")])
# URLs that appear in the sources but are never loaded by a browser or the server: bertviz's own CDN
# addresses, kept only as the strings core.transformer.bertviz_html replaces.
NEVER_LOADED = {ROOT / "core" / "transformer" / "bertviz_html.py": ("https://cdnjs.cloudflare.com/",)}


# --- nothing reaches outside ----------------------------------------------------------------------

def test_page_icon_is_a_local_file_not_a_font_from_a_public_host():
    """A ':material/…:' page icon (set_page_config, or an st.Page icon that becomes the favicon when no
    page icon is set) makes the browser fetch an SVG from fonts.gstatic.com on every load."""
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    m = re.search(r"set_page_config\((.*?)\)\n", app, re.S)
    assert m and "page_icon=str(ICON)" in m.group(1)
    assert (ROOT / "static" / "atlas-icon.png").is_file()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for call in re.findall(r"set_page_config\([^)]*\)", text):
            assert ":material/" not in call and "http" not in call, (path, call)


def test_in_page_material_icons_use_streamlits_bundled_font():
    """Other ':material/…:' icons (st.warning(icon=…), nav entries) draw with the font Streamlit serves
    itself; only the favicon path builds a fonts.gstatic.com URL. If Streamlit stops bundling the font,
    every ':material/' in our sources would reach outside: this test then fails and lists them."""
    import streamlit

    media = os.path.join(os.path.dirname(streamlit.__file__), "static", "static", "media")
    bundled = any(f.startswith("MaterialSymbols") for f in os.listdir(media))
    users = [str(p.relative_to(ROOT)) for p in SOURCES if ":material/" in p.read_text(encoding="utf-8")]
    assert bundled or not users, users


def test_no_url_the_app_could_load_is_in_the_sources():
    found = []
    for path in SOURCES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for url in re.findall(r"https?://[^\s\"'`)>]+", line):
                if any(url.startswith(ok) for ok in NEVER_LOADED.get(path, ())):
                    continue
                if re.match(r"https?://[^/]*\.(invalid|example|test)(/|$)", url):  # reserved: never resolves
                    continue
                found.append(f"{path.relative_to(ROOT)}:{n}: {url}")
    assert not found, "\n".join(found)


def test_bertviz_without_vendored_scripts_points_nowhere_outside(tmp_path):
    import torch

    from core.transformer.bertviz_html import build_view
    from core.transformer.vendor import script_sources

    out = build_view(torch.softmax(torch.randn(1, 2, 3, 3), -1), ["a", "b", "c"],
                     sources=script_sources(vendor_dir=tmp_path))
    assert not out.vendored
    loaded = re.findall(r"""(?:src=|paths:\s*\{[^}]*?:\s*)["']([^"']+)""", out.html)
    loaded += re.findall(r"'(/app/[^']+)'", out.html)
    assert loaded and all(u.startswith("/app/static/vendor/") for u in loaded), loaded


def test_hugging_face_is_offline_before_transformers_loads():
    code = "import core.transformer.pretrained, os; print(os.environ.get('HF_HUB_OFFLINE'))"
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "1", out.stderr


# --- uploads and typed text -----------------------------------------------------------------------

def test_nul_bytes_anywhere_in_an_upload_are_refused():
    data = ("a" * 20_000).encode() + b"\x00" + b"tail"
    with pytest.raises(UserInputError) as e:
        corpus.decode_upload(data, "late-nul.txt")
    assert "NUL" in e.value.en and e.value.ja != e.value.en


def test_size_is_checked_before_decoding(monkeypatch):
    class Huge(bytes):
        def decode(self, *a, **k):  # would be slow and large: must not be reached
            raise AssertionError("decoded before the size check")

    with pytest.raises(UserInputError, match="too large"):
        corpus.decode_upload(Huge(b"x" * 101), "big.txt", max_bytes=100)


def test_control_characters_are_removed_or_refused():
    text = corpus.decode_upload("line one\x1b[31m red\x07\nline two\u202e".encode(), "ok.txt")
    assert text == "line one[31m red\nline two"
    with pytest.raises(UserInputError, match="control characters"):
        corpus.decode_upload(("ab\x01" * 200).encode(), "binaryish.txt")


def test_a_hostile_file_name_is_quoted_cut_and_without_controls():
    name = "![b](http://beacon.example/b.png)\x1b[2J" + "x" * 300 + ".pdf"
    with pytest.raises(UserInputError) as e:
        corpus.decode_upload(b"x", name)
    assert "\x1b" not in e.value.en and len(e.value.en) < 200
    assert "!\\[" in inert(e.value.en) and "![" not in inert(e.value.ja)


def test_check_text_drops_invisible_format_characters_but_keeps_emoji_joiners():
    family = "👨\u200d👩\u200d👧"
    c = check_text(f"a\u202eb\u200bc {family} \ufeff")
    assert c.text == f"abc {family} " and c.removed_controls == 3
    assert strip_controls("ﾊﾟ\u200cی")[0] == "ﾊﾟ\u200cی"


@pytest.mark.parametrize("text", ["![b](http://x/b.png)", "<img src=x onerror=alert(1)>", "[a](javascript:x)",
                                  "$\\href{http://x}{y}$", "`code` **bold** _i_ ~s~ | # h", "a\n# heading\n- item",
                                  "<script>alert(1)</script>", "&lt;img&gt;"])
def test_plain_leaves_no_markup(text):
    out = plain(text)
    assert "![" not in out and "<" not in out and "](" not in out.replace("\\](", "")
    assert "\n" not in out
    # Unescaping gives the text back (newlines as spaces): it is shown, not interpreted.
    back = re.sub(r"\\(.)", r"\1", out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert back == text.replace("\n", " ")


def test_plain_caps_length_and_removes_controls():
    assert plain("a" * 1000).endswith("…") and len(plain("a" * 1000)) == 200
    assert plain("a\x00b\u202ec") == "abc"


# --- faults ---------------------------------------------------------------------------------------

def test_stale_temp_files_are_removed_once_at_server_start(tmp_path, monkeypatch):
    from ui import guard

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    (tmp_path / "tokenizers").mkdir()
    stale, fresh = tmp_path / "tokenizers" / ".tmp-dead", tmp_path / "tokenizers" / ".tmp-live"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"writing")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    guard.start_process.clear()
    assert guard.start_process() == 1
    assert not stale.exists() and fresh.exists()
    stale.write_bytes(b"again")
    os.utime(stale, (old, old))
    assert guard.start_process() == 1 and stale.exists()  # cached: once per process, not per rerun
    guard.start_process.clear()


def test_shutdown_runs_every_callback_once_newest_first_despite_failures():
    from core.runtime import shutdown

    ran = []
    others = shutdown.pending()  # e.g. app.py's own hook, when an AppTest ran it earlier in this process
    un = shutdown.register(lambda: ran.append("first"))
    shutdown.register(lambda: 1 / 0)
    shutdown.register(lambda: ran.append("last"))
    gone = shutdown.register(lambda: ran.append("unregistered"))
    gone()
    assert shutdown.run_all() == others + 3 and ran == ["last", "first"]
    assert shutdown.run_all() == 0 and ran == ["last", "first"]
    un()  # unregistering after the run is harmless


SIGTERM_CHILD = textwrap.dedent("""
    import os, signal, sys, threading, time
    sys.path.insert(0, {root!r})
    from core.runtime import shutdown

    stop = threading.Event()
    def job():  # a training thread: runs until its stop event is set
        while not stop.wait(0.05):
            pass
        print("job stopped", flush=True)
    threading.Thread(target=job).start()  # not a daemon: it would keep the process alive
    shutdown.register(stop.set)
    signal.signal(signal.SIGTERM, lambda *a: print("previous handler ran", flush=True))
    assert shutdown.install() is True and shutdown.install() is False
    print("ready", flush=True)
    time.sleep(30)
""")


def test_sigterm_stops_registered_jobs_and_chains_the_previous_handler():
    proc = subprocess.Popen([sys.executable, "-c", SIGTERM_CHILD.format(root=str(ROOT))], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.terminate()
        out = proc.stdout.readline().strip() + " | " + proc.stdout.readline().strip()
        assert "job stopped" in out and "previous handler ran" in out
    finally:
        proc.kill()
        proc.communicate(timeout=30)


EXIT_CHILD = textwrap.dedent("""
    import sys, threading
    sys.path.insert(0, {root!r})
    from core.runtime import shutdown

    stop = threading.Event()
    def job():
        stop.wait()
        print("job stopped", flush=True)

    def script_thread():  # app.py runs in Streamlit's script thread: no signal handlers from there
        assert shutdown.install() is False
        threading.Thread(target=job).start()
        shutdown.register(stop.set)
    t = threading.Thread(target=script_thread)
    t.start(); t.join()
    print("main returns", flush=True)  # as Streamlit's main does after its SIGTERM handler stops the server
""")


def test_exit_stops_non_daemon_jobs_before_the_interpreter_waits_for_them():
    out = subprocess.run([sys.executable, "-c", EXIT_CHILD.format(root=str(ROOT))], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["main returns", "job stopped"]


def test_generating_from_a_diverged_model_is_a_clear_error():
    import torch

    from core.gpt.model import GPT, DivergedError, GPTConfig
    from core.gpt.pretrain import generate_text
    from core.tokenizers.char import CharTokenizer

    tok = CharTokenizer.train("abcd")
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=1, n_embd=8, block_size=4)).eval()
    with torch.no_grad():
        model.wte.weight[0, 0] = float("nan")
        model.wte.weight[:, 0] = float("nan")
    with pytest.raises(DivergedError):  # the model says what happened in plain words...
        model.generate(torch.zeros(1, 2, dtype=torch.long), 3)
    with pytest.raises(UserInputError) as e:  # ...and the text generator explains it in both languages
        generate_text(model, tok, "ab", 3)
    assert "diverged" in e.value.en and "発散" in e.value.ja


def test_ui_safe_doctests():
    import doctest

    import ui.safe

    assert doctest.testmod(ui.safe).failed == 0


@pytest.mark.parametrize("name", ["/etc", "/root/.ssh", "../x", "x" * 300, "a/b/c", "~"])
def test_tokenizer_names_are_ids_not_paths(name, tmp_path):
    from core.tokenizers.hf import load_hf

    with pytest.raises(UserInputError) as e:
        load_hf(name)
    assert "not a model id" in e.value.en and name not in e.value.en + e.value.ja


def test_tokenizer_folder_under_the_models_directory(tmp_path, monkeypatch):
    """A folder in $ATLAS_MODELS_DIR is found by its name; the message never shows the server path."""
    from core.tokenizers.hf import load_hf, minilm_folder

    folder = minilm_folder()
    if folder is None:
        pytest.skip("all-MiniLM-L6-v2 is not installed")
    monkeypatch.setenv("ATLAS_MODELS_DIR", str(folder.parent))
    tok = load_hf(folder.name)
    assert tok.encode("hello world") and tok.name == folder.name
    (tmp_path / "junk").mkdir()
    monkeypatch.setenv("ATLAS_MODELS_DIR", str(tmp_path))
    with pytest.raises(UserInputError) as e:
        load_hf("junk")
    assert str(tmp_path) not in e.value.en + e.value.ja
