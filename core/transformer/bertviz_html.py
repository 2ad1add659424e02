"""bertviz's head view and model view as one safe, small, offline HTML string (for `st.iframe`).

bertviz 1.4.1 (`head_view(..., html_action="return")`) has three defects we repair on its output:

1. It loads require.js, d3 and jquery from cdnjs, so it is blank without internet. We point the
   `<script src>` and the `require.config` paths at our vendored copies (core.transformer.vendor), never
   at the CDN; when those are missing `BertvizHTML.vendored` is False and the page says so instead.
2. Token strings go into an inline `<script>` through `json.dumps`, which escapes neither `<` nor `/`:
   a token `</script><script>alert(1)</script>` ends bertviz's script and runs as code, in an iframe
   that shares the app's origin. We re-encode the parameters with `<` as `\\u003c`, and escape the
   whole script body (`</` -> `<\\/`, `<!--` -> `<\\!--`), so any token stays text.
3. The attention JSON is embedded twice (the template marker also sits in a comment) with ~18 digits
   per value: 105 MB for 12 layers x 12 heads x 128 tokens. We keep one copy, round to `decimals`,
   write 0.0 and 1.0 as 0 and 1, drop the spaces, and show at most `max_tokens` tokens.

>>> import torch
>>> attn = torch.softmax(torch.randn(2, 3, 5, 5), dim=-1)  # (layers, heads, T, T)
>>> out = build_view(attn, ["a", "b", "</script>", "d", "e"], view="head")
>>> out.html.count("<script"), "</script><" in out.html.replace("</script>\\n", "")
(2, False)
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Sequence

import torch

from core.transformer.vendor import ScriptSources, script_sources

VIEWS = ("head", "model")
DEFAULT_MAX_TOKENS = 64  # 6 layers x 12 heads x 64 tokens stays under 2 MB; more is unreadable anyway
DEFAULT_DECIMALS = 3

# bertviz's own CDN URLs: the strings we replace (never loaded by this app).
_CDN_REQUIRE = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js"
_CDN_D3 = "https://cdnjs.cloudflare.com/ajax/libs/d3/5.7.0/d3.min"
_CDN_JQUERY = "https://cdnjs.cloudflare.com/ajax/libs/jquery/2.0.0/jquery.min"
_INLINE_OPEN = '\n<script type="text/javascript">\n'
_PARAMS_START = "const params = "
_PARAMS_END = "; // HACK: "


@dataclass(frozen=True)
class BertvizHTML:
    html: str
    view: str  # "head" | "model"
    tokens_total: int
    tokens_shown: int  # the first `tokens_shown` tokens (and their attention among themselves)
    decimals: int
    vendored: bool  # the scripts are in static/vendor/ (False: the view cannot draw; say so, don't show it)

    @property
    def truncated(self) -> bool:
        return self.tokens_shown < self.tokens_total

    @property
    def n_bytes(self) -> int:
        return len(self.html.encode("utf-8"))


def escape_script_body(js: str) -> str:
    """Make text safe inside `<script>...</script>`: nothing in it can close the element.

    `</` becomes `<\\/` (in a JS string `\\/` is `/`), `<!--` becomes `<\\!--` (no HTML comment
    state, which would let `<script` nest). Valid JS stays the same program.

    >>> escape_script_body('var s = "</script><!--";')
    'var s = "<\\\\/script><\\\\!--";'
    """
    return js.replace("</", "<\\/").replace("<!--", "<\\!--")


def _compact(x: object) -> object:
    """Floats that are whole numbers as ints (0.0 -> 0): 3 characters fewer for each zero weight."""
    if isinstance(x, float):
        return int(x) if x.is_integer() else x
    if isinstance(x, list):
        return [_compact(v) for v in x]
    if isinstance(x, dict):
        return {k: _compact(v) for k, v in x.items()}
    return x


def encode_params(params: object) -> str:
    """JSON for an inline script: compact, and `<` `>` `&` as \\u escapes (valid JSON, never markup)."""
    text = json.dumps(_compact(params), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _stack(attn: torch.Tensor | Sequence[torch.Tensor]) -> torch.Tensor:
    """(layers, heads, T, T) from a tensor of that shape or a list of (1, heads, T, T) per layer."""
    if not isinstance(attn, torch.Tensor):
        if len(attn) == 0:
            raise ValueError("attention is empty: pass one (1, heads, T, T) tensor per layer")
        attn = torch.stack([a.reshape(a.shape[-3:]) for a in attn])
    if attn.dim() == 5 and attn.shape[1] == 1:
        attn = attn[:, 0]
    if attn.dim() != 4 or attn.shape[-1] != attn.shape[-2]:
        raise ValueError(f"attention must be (layers, heads, T, T); got {tuple(attn.shape)}")
    return attn.detach().float().cpu()


def _rewrite_script(js: str, src: ScriptSources) -> str:
    """Keep one copy of the parameters (re-encoded), point require.config at `src`, escape the body."""
    start = js.find(_PARAMS_START)
    end = js.find(_PARAMS_END, start)
    if start < 0 or end < 0:
        raise RuntimeError("bertviz's script has changed: 'const params = ...; // HACK:' not found")
    raw = js[start + len(_PARAMS_START):end]
    comment_end = js.find("\n", end)
    params = json.loads(raw)
    js = (js[:start] + _PARAMS_START + encode_params(params) + "; // parameters inlined by Transformer Atlas"
          + js[comment_end:])
    for old, new in ((_CDN_D3, src.d3), (_CDN_JQUERY, src.jquery)):
        if old not in js:
            raise RuntimeError(f"bertviz's script has changed: {old} not found in require.config")
        js = js.replace(old, new)
    return escape_script_body(js)


def build_view(
    attn: torch.Tensor | Sequence[torch.Tensor],
    tokens: Sequence[str],
    view: str = "head",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    decimals: int = DEFAULT_DECIMALS,
    sources: ScriptSources | None = None,
) -> BertvizHTML:
    """bertviz `view` ("head" or "model") of `attn` for `tokens`, as HTML safe to put in an iframe.

    attn: (layers, heads, T, T), or a list (one per layer) of (1, heads, T, T) as transformers returns.
    Only the first `max_tokens` tokens are shown (rows and columns cut: a sub-matrix of the weights).
    """
    from bertviz import head_view, model_view  # imports IPython: only when a view is built

    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    a = _stack(attn)
    total = a.shape[-1]
    if len(tokens) != total:
        raise ValueError(f"{len(tokens)} tokens for attention over {total} positions: pass one token per position")
    if total == 0:
        raise ValueError("no tokens: bertviz needs at least one")
    n = max(1, min(int(max_tokens), total))
    a = a[..., :n, :n].double().round(decimals=decimals)
    shown = [str(t) for t in tokens[:n]]
    src = sources if sources is not None else script_sources()

    fn = head_view if view == "head" else model_view
    html = fn([layer.unsqueeze(0) for layer in a], shown, html_action="return").data

    cut = html.find(_INLINE_OPEN)
    if cut < 0 or not html.rstrip().endswith("</script>"):
        raise RuntimeError("bertviz's HTML has changed: its inline <script> was not found")
    head, js = html[:cut], html[cut + len(_INLINE_OPEN):html.rstrip().rfind("</script>")]
    if _CDN_REQUIRE not in head:
        raise RuntimeError("bertviz's HTML has changed: the require.js <script src> was not found")
    head = head.replace(_CDN_REQUIRE, src.require)
    js = _rewrite_script(js, src)
    out = head + _INLINE_OPEN + js + "\n</script>\n"
    # bertviz names its root div with a random uuid: a stable name keeps identical views identical,
    # so Streamlit does not reload the iframe on every rerun.
    out = re.sub(r"bertviz-[0-9a-f]{32}", "bertviz-atlas", out)
    digest = hashlib.sha1(out.encode("utf-8")).hexdigest()[:16]
    out = out.replace("bertviz-atlas", f"bertviz-{digest}")
    return BertvizHTML(out, view, total, n, decimals, src.vendored)
