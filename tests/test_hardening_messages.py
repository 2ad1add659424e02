"""No raw exception text in a Japanese message: every `UserInputError(en, ja)` built in core is scanned.

A Japanese reader must not meet an English sentence from Python, an OS or a C++ library in the middle
of their message ("学習に失敗しました：RuntimeError: mat1 and mat2 shapes cannot be multiplied"). The
exception goes to the server log instead. The scan follows an exception's text through assignments
and into the parameters of functions of the same module it is passed to (`_explain(str(e), ...)`).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGE_BUILDERS = {"UserInputError", "not_a_checkpoint", "_not_a_checkpoint"}  # (en, ja) as the first two args
# What may come from an exception into a Japanese message: numbers (a byte offset, a line), a class name,
# and another message's own Japanese side.
SAFE_ATTRS = {"ja", "start", "end", "lineno", "errno", "__name__"}


def _names(node: ast.AST) -> set[str]:
    """Names `node` reads, leaving out those read only through a SAFE_ATTRS attribute."""
    if isinstance(node, ast.Attribute) and node.attr in SAFE_ATTRS:
        return set()
    if isinstance(node, ast.Name):
        return {node.id}
    return set().union(*(_names(c) for c in ast.iter_child_nodes(node)))


def _tainted_params(tree: ast.Module) -> dict[str, set[str]]:
    """function name -> its parameters that some call in the module fills with exception-derived text."""
    funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    params: dict[str, set[str]] = {name: set() for name in funcs}
    for _ in range(4):  # a fixed point over short call chains
        for f in funcs.values():
            tainted = _tainted_in(f, params.get(f.name, set()))
            for call in (c for c in ast.walk(f) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)):
                callee = funcs.get(call.func.id)
                if callee is None:
                    continue
                names = [a.arg for a in callee.args.args]
                for i, arg in enumerate(call.args[: len(names)]):
                    if _names(arg) & tainted:
                        params[callee.name].add(names[i])
    return params


def _bound_names(target: ast.AST) -> set[str]:
    """The plain names an assignment target binds: `a, (b, *c)` binds a, b, c; `self.x, y[0]` binds nothing
    (`self.status, self.message = "failed", e` must not taint `self`)."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(_bound_names(e) for e in target.elts))
    return set()  # an attribute or a subscript


def _tainted_in(f: ast.AST, seeds: set[str]) -> set[str]:
    """Names in `f` holding exception text: `except ... as e`, tainted parameters, and what they flow into."""
    tainted = set(seeds) | {h.name for h in ast.walk(f) if isinstance(h, ast.ExceptHandler) and h.name}
    for _ in range(4):
        for a in (n for n in ast.walk(f) if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None):
            if _names(a.value) & tainted:
                targets = a.targets if isinstance(a, ast.Assign) else [a.target]
                for t in targets:  # plain names and tuples of them: `self.x = ...` does not taint `self`
                    tainted |= _bound_names(t)
    return tainted


def offending_messages(source: str) -> list[int]:
    """Line numbers of message builders whose Japanese argument interpolates exception-derived text."""
    tree = ast.parse(source)
    params = _tainted_params(tree)
    bad = []
    for f in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        tainted = _tainted_in(f, params.get(f.name, set()))
        for call in (c for c in ast.walk(f) if isinstance(c, ast.Call)):
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if name in MESSAGE_BUILDERS and len(call.args) >= 2 and _names(call.args[1]) & tainted:
                bad.append(call.lineno)
    return sorted(set(bad))


def test_the_scan_finds_what_it_should():
    leaks = '''
def _explain(msg):
    detail = msg.split("]")[-1]
    return UserInputError(f"failed: {detail}", f"失敗：{detail}")

def train():
    try:
        pass
    except RuntimeError as e:
        raise _explain(str(e))
    except OSError as e:
        raise UserInputError(f"x {e.strerror}", f"x {e.strerror}")
'''
    clean = '''
def run(self):
    try:
        pass
    except ValueError as e:
        self.status, self.message = "failed", e
        en, ja = self.what
        raise UserInputError(f"{en} failed: {e}", f"{ja}に失敗しました")

def train():
    try:
        pass
    except OSError as e:
        log.warning("x %s", e)
        raise UserInputError(f"x {e.strerror}", f"{type(e).__name__}：{e.start} バイト目が読めません")
'''
    assert offending_messages(leaks) == [4, 12]
    assert offending_messages(clean) == []


def test_no_japanese_message_in_core_carries_exception_text():
    found = {}
    for path in sorted((ROOT / "core").rglob("*.py")):
        lines = offending_messages(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert not found, f"Japanese messages built from exception text (log it instead): {found}"
