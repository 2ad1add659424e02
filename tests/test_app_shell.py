"""app.py, the home page and the shared shell: both languages, the language kept in the URL."""
from __future__ import annotations

import pytest

from core.i18n import CATALOGS
from tests.apptest import open_page
from tests.conftest import ROOT
from ui.registry import PAGES, SECTIONS


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_home_renders_in_both_languages(lang):
    at = open_page(lang=lang)
    text = " ".join(m.value for m in at.markdown)
    assert ("言語モデル" in text) == (lang == "ja")
    assert "Transformer Atlas" in at.title[0].value


def test_home_links_every_page_at_its_old_address():
    """A page is views/<name>/page.py and is served at /<name>, the address it had as views/<name>.py."""
    at = open_page(lang="en")
    linked = [e.proto.page for e in at.get("page_link")]
    assert linked == [p.name for p in PAGES[1:]]
    assert "lm_chain_rule" in linked and "tf_encoder_decoder" in linked and "page" not in linked


def test_language_switch_changes_text():
    at = open_page(lang="en")
    at.session_state["lang"] = "ja"
    at.run()
    assert not at.exception
    assert any("言語モデル" in h.value for h in at.subheader)


def test_every_registered_page_exists_and_is_in_the_navigation():
    """A registered page whose file is missing fails here: app.py's navigation and every test that walks the
    registry take the list as it is, with nothing filtered out."""
    missing = [p.path for p in PAGES if not p.exists()]
    assert not missing, f"registered in ui/registry.py but not on disk: {missing}"
    assert PAGES[0].path == "views/home/page.py"
    assert len({p.path for p in PAGES}) == len(PAGES)
    assert {p.section for p in PAGES} <= set(SECTIONS)


def test_catalogs_are_complete():
    import importlib
    import pkgutil

    import ui.texts

    for mod in pkgutil.iter_modules(ui.texts.__path__):
        importlib.import_module(f"ui.texts.{mod.name}")
    # each page's own catalog: views/<page>/texts.py, or texts/ with a module per section
    for path in sorted([*ROOT.glob("views/*/texts.py"), *ROOT.glob("views/*/texts/*.py")]):
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
    assert CATALOGS
    for cat in CATALOGS.values():
        for key, (en, ja) in cat.entries.items():
            assert (en == "") == (ja == ""), f"{cat.name}.{key}: one language is missing"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sidebar_device_line_and_running_badge_follow_the_language(lang):
    """Japanese mode said "2 threads" in the sidebar; the running badge's label is ours, in the UI language."""
    at = open_page("views/gpt_gelu/page.py", lang=lang)
    device = " ".join(c.value for c in at.sidebar.caption)
    if "CPU" in device:
        assert ("スレッド" in device) == (lang == "ja") and ("thread" in device) == (lang == "en")  # 1 or 2
    css = " ".join(h.proto.body for h in at.get("html") if "<style>" in h.proto.body)
    assert ('content: "計算中…"' in css) == (lang == "ja") and ('content: "Running…"' in css) == (lang == "en")


def test_the_device_is_named_in_the_page_language_with_a_singular_thread():
    from core.runtime.device import DeviceInfo
    from ui.shell import device_text

    one, two = DeviceInfo("cpu", "cpu", 1), DeviceInfo("cpu", "cpu", 2)
    assert device_text(one, "en") == "CPU · 1 thread" and device_text(two, "en") == "CPU · 2 threads"
    assert device_text(one, "ja") == "CPU · 1 スレッド" and device_text(two, "ja") == "CPU · 2 スレッド"
