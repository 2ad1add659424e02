"""The layering rules of docs/ARCHITECTURE.md, read from the source (no import needed).

pages -> ui -> core; core never imports streamlit, ui or pages; core.runtime knows no model; no import
cycle inside core or inside ui (a module-level or function-level import alike counts). A page is a folder,
views/<name>/, that imports no other page's folder; ui/ holds only what several pages (or the shell) share.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
UI = ROOT / "ui"
VIEWS = ROOT / "views"


def _module_name(path: Path) -> str:
    rel = (path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path("core", path.name)).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@functools.lru_cache(maxsize=None)
def _imports(path: Path) -> frozenset[str]:
    """Every module named by an import statement in `path`, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    me = _module_name(path)
    pkg = me if path.name == "__init__.py" else me.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join(up + ([base] if base else []))
            out.add(base)
            # `from core.gpt import finetune` imports the module core.gpt.finetune
            out.update(f"{base}.{a.name}" for a in node.names)
    return frozenset(out)


def _core_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in CORE.rglob("*.py")}


def test_core_never_imports_streamlit_ui_or_pages():
    bad = []
    for name, path in _core_modules().items():
        for imp in _imports(path):
            top = imp.split(".")[0]
            if top in ("streamlit", "ui", "views"):
                bad.append(f"{name} imports {imp}")
    assert not bad, "\n".join(bad)


def test_nothing_imports_a_page():
    """views/ are leaves: app.py names them by path (ui/registry.py, which also names a page's warm-up for
    ui.preload); app.py, ui, core, scripts and bench never import one."""
    files = [ROOT / "app.py", *(p for d in ("ui", "core", "scripts", "bench") for p in (ROOT / d).rglob("*.py"))]
    bad = [f"{path.relative_to(ROOT)} imports {imp}"
           for path in files for imp in _imports(path) if imp.split(".")[0] == "views"]
    assert not bad, "\n".join(bad)


def test_runtime_knows_no_model():
    """core.runtime runs and caches work; it must not know GPT, tokenizers or any page's concept."""
    bad = []
    for name, path in _core_modules().items():
        if not name.startswith("core.runtime"):
            continue
        for imp in _imports(path):
            if imp.startswith("core.") and not imp.startswith(("core.runtime", "core.errors")):
                bad.append(f"{name} imports {imp}")
    assert not bad, "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of `graph` (module -> the modules it imports) runs into."""
    seen: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(n: str) -> None:
        seen[n] = 1
        stack.append(n)
        for d in sorted(graph[n]):
            if seen.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in seen:
                visit(d)
        stack.pop()
        seen[n] = 2

    for n in sorted(graph):
        if n not in seen:
            visit(n)
    return cycles


def _graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of `mods` it names in an import, anywhere in the file (a late import counts).
    A package's __init__ is run by importing any module below it, but that is not a dependency of the module
    on its siblings, so only named imports count."""
    return {name: {imp for imp in _imports(path) if imp in mods and imp != name} for name, path in mods.items()}


def test_no_import_cycle_inside_core():
    cycles = _cycles(_graph(_core_modules()))
    assert not cycles, "import cycles in core:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _ui_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in UI.rglob("*.py")}


def _page_folders() -> dict[str, Path]:
    return {d.name: d for d in sorted(VIEWS.iterdir()) if d.is_dir() and d.name != "__pycache__"}


def test_no_import_cycle_inside_ui():
    """A cycle dodged by a function-level import is still a cycle: the late import counts like any other."""
    cycles = _cycles(_graph(_ui_modules()))
    assert not cycles, "import cycles in ui:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_a_page_folder_imports_no_other_page():
    """views/<name>/ holds one page: what two pages share belongs in ui/, not in one of them."""
    bad = [f"{path.relative_to(ROOT)} imports {imp}"
           for name, folder in _page_folders().items() for path in folder.rglob("*.py")
           for imp in _imports(path)
           if imp.split(".")[0] == "views" and imp not in ("views", f"views.{name}")
           and not imp.startswith(f"views.{name}.")]
    assert not bad, "\n".join(bad)


def test_every_page_is_a_folder_named_by_its_url():
    """Registry, folder and URL agree: views/<name>/page.py, served at /<name> (the old file stem: old links
    still open), and every folder in views/ is a registered page."""
    from ui.registry import PAGES

    for entry in PAGES:
        assert entry.path == f"views/{entry.name}/page.py", entry.path
        assert (ROOT / entry.path).is_file(), entry.path
    assert set(_page_folders()) == {e.name for e in PAGES}, "a folder in views/ that is not a registered page"
    assert not list(VIEWS.glob("*.py")), "a page is a folder: views/<name>/page.py"


def test_a_pages_text_catalog_carries_its_name():
    """views/<name>/texts.py (or texts/__init__.py) is the Catalog "<name>": one name per page."""
    for name, folder in _page_folders().items():
        texts = folder / "texts.py" if (folder / "texts.py").is_file() else folder / "texts" / "__init__.py"
        if not texts.is_file():
            continue
        calls = [n for n in ast.walk(ast.parse(texts.read_text(encoding="utf-8")))
                 if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "Catalog"]
        assert calls and calls[0].args[0].value == name, f"{texts.relative_to(ROOT)}: Catalog({name!r}, ...)"


# ui modules that serve neither two pages nor the app, each with the reason it still belongs in ui/
UI_ALLOWED_ALONE = {
    "ui.preload": "what a server imports and warms before its first visitor (scripts/serve.py, bench/)",
    "ui.websocket_limits": "Streamlit glue every session's websocket goes through, installed by scripts/serve.py",
}


def _reached(starts: list[Path], ui: dict[str, Path], graph: dict[str, set[str]]) -> set[str]:
    """The ui modules that `starts` import, directly or through other ui modules (late imports count)."""
    todo = [imp for p in starts for imp in _imports(p) if imp in ui]
    seen: set[str] = set()
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph[m])
    return seen


def test_every_ui_module_is_shared():
    """A module in ui/ is used by at least two pages, or by the app itself (the shell, the guard, the
    lesson...); one that serves a single page moves into that page's folder."""
    ui = {n: p for n, p in _ui_modules().items() if p.name != "__init__.py"}
    graph = _graph(ui)
    by_app = _reached([ROOT / "app.py"], ui, graph)
    pages_of: dict[str, set[str]] = {m: set() for m in ui}
    for name, folder in _page_folders().items():
        for m in _reached(sorted(folder.rglob("*.py")), ui, graph):
            pages_of[m].add(name)
    lonely = {m: sorted(pages) for m, pages in pages_of.items()
              if len(pages) < 2 and m not in by_app and m not in UI_ALLOWED_ALONE}
    assert not lonely, f"ui modules serving one page or none (move them into views/<page>/): {lonely}"
    assert all(m in ui for m in UI_ALLOWED_ALONE), "an allowed module no longer exists: drop it from the list"


def test_detector_sees_a_cycle(tmp_path):
    """The cycle check can fail: two modules that import each other are found, a late import included."""
    a = tmp_path / "a.py"
    a.write_text("from core.x import b\n")
    assert "core.x.b" in _imports(a) and "core.x" in _imports(a)
    late = tmp_path / "late.py"
    late.write_text("def f():\n    from ui import shell\n")
    assert "ui.shell" in _imports(late)
    ring = {"ui.a": {"ui.b"}, "ui.b": {"ui.c"}, "ui.c": {"ui.a"}, "ui.d": set()}
    assert _cycles(ring) == [["ui.a", "ui.b", "ui.c", "ui.a"]]
    assert _cycles({"ui.a": {"ui.b"}, "ui.b": set()}) == []


def test_core_modules_are_small():
    """No module in core over about 300 lines (docs/ARCHITECTURE.md): split by what it holds."""
    big = {name: n for name, p in _core_modules().items()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 320}
    assert not big, f"core modules over ~300 lines: {big}"


def test_every_core_package_says_what_lives_there():
    for init in CORE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(ROOT)} needs a docstring saying what lives there"


def _stopped_classes(root: Path) -> list[str]:
    """Every class in `root`'s modules whose name ends in "Stopped", as 'module.Class'."""
    return [f"{_module_name(p)}.{node.name}" for p in sorted(root.rglob("*.py"))
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))) if isinstance(node, ast.ClassDef)
            and node.name.endswith("Stopped")]


def test_one_stopped_exception():
    """A job's 'the gate said stop' is core.runtime.jobs.Stopped, everywhere: one class to raise and to catch."""
    assert _stopped_classes(CORE) == ["core.runtime.jobs.Stopped"]


def test_second_stopped_is_seen(tmp_path):
    (tmp_path / "a.py").write_text("class Stopped(Exception):\n    pass\n\n\n"
                                   "class SweepStopped(Exception):\n    pass\n")
    assert [c.rpartition(".")[2] for c in _stopped_classes(tmp_path)] == ["Stopped", "SweepStopped"]


def _only_reexports(path: Path) -> bool:
    """A module whose body is imports, `__all__` and an `if __name__ == "__main__"` at most: a shim."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    kinds = [n for n in body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]  # docstring
    imports = [n for n in kinds if isinstance(n, (ast.Import, ast.ImportFrom))
               and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")]
    rest = [n for n in kinds if n not in imports and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")
            and not (isinstance(n, ast.Assign) and [getattr(t, "id", "") for t in n.targets] == ["__all__"])
            and not isinstance(n, ast.If)]
    return bool(imports) and not rest


def test_no_reexport_modules_in_gpt():
    """core/gpt/ has no module that only re-exports other modules' names (a package's __init__ may be its index)."""
    shims = [_module_name(p) for p in (CORE / "gpt").rglob("*.py") if p.name != "__init__.py" and _only_reexports(p)]
    assert not shims, f"modules that only re-export: {shims}"


def test_reexport_module_is_seen(tmp_path):
    shim = tmp_path / "train.py"
    shim.write_text('"""Old names."""\nfrom core.gpt.cli import main\n__all__ = ["main"]\n'
                    'if __name__ == "__main__":\n    main()\n')
    real = tmp_path / "real.py"
    real.write_text("from math import pi\n\n\ndef area(r):\n    return pi * r * r\n")
    assert _only_reexports(shim) and not _only_reexports(real)
