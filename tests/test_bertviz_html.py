"""bertviz HTML: no live script from a hostile token, the vendored scripts only (never a CDN), small size."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import torch

from core.transformer.bertviz_html import build_view, encode_params, escape_script_body
from core.transformer.vendor import FILES, script_sources

HOSTILE = "</script><script>alert(1)</script>"
HOSTILE_TOKENS = ["[CLS]", HOSTILE, "<!--", "<script>", "<img src=x onerror=alert(2)>", "猫🐈‍⬛", "[SEP]"]


class _Scripts(HTMLParser):
    """Count <script> elements the way a browser's tokenizer would, and collect their bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.tags: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append({"attrs": dict(attrs), "body": ""})
            self._in = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1]["body"] += data


def _attn(layers=2, heads=3, t=len(HOSTILE_TOKENS), seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.softmax(torch.randn(layers, heads, t, t, generator=g), dim=-1)


def _bertviz_script_count(view: str) -> int:
    from bertviz import head_view, model_view

    fn = head_view if view == "head" else model_view
    html = fn([a.unsqueeze(0) for a in _attn(t=3)], ["a", "b", "c"], html_action="return").data
    p = _Scripts()
    p.feed(html)
    return len(p.scripts)


@pytest.mark.parametrize("view", ["head", "model"])
def test_hostile_tokens_never_become_live_script(view):
    out = build_view(_attn(), HOSTILE_TOKENS, view=view)
    p = _Scripts()
    p.feed(out.html)
    # Exactly bertviz's own scripts: the loader and the inline view, and no element a token opened.
    assert len(p.scripts) == _bertviz_script_count(view) == 2
    assert "img" not in p.tags
    assert p.scripts[0]["attrs"]["src"] == "/app/static/vendor/require.js"  # served by the app, never a CDN
    assert "cdnjs" not in out.html
    body = p.scripts[1]["body"]
    assert "</" not in body and "<!--" not in body
    # The hostile string appears only escaped.
    assert HOSTILE not in out.html and "<img" not in out.html
    # ...and the tokens still come through intact once the JS/JSON is decoded.
    start = body.index("const params = ") + len("const params = ")
    end = body.index("; // parameters inlined")
    params = json.loads(body[start:end].replace("<\\/", "</"))
    assert params["attention"][0]["left_text"] == HOSTILE_TOKENS


def test_escape_leaves_bertviz_js_unchanged():
    import bertviz

    folder = Path(bertviz.__file__).parent
    for name in ("head_view.js", "model_view.js"):
        js = (folder / name).read_text(encoding="utf-8")
        assert escape_script_body(js) == js, f"{name} contains '</' or '<!--': escaping would change it"


def test_encode_params_is_json_without_markup():
    text = encode_params({"t": ["</script>&", 0.0, 1.0, 0.125]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": ["</script>&", 0, 1, 0.125]}
    assert text.endswith("[\"\\u003c/script\\u003e\\u0026\",0,1,0.125]}")


def test_vendored_paths_replace_the_cdn(tmp_path):
    for f, _ in FILES.values():
        (tmp_path / f).write_text("// stub\n")
    src = script_sources(vendor_dir=tmp_path)
    assert src.vendored and src.require == "/app/static/vendor/require.js"
    out = build_view(_attn(t=3), ["a", "b", "c"], sources=src)
    assert out.vendored and "cdnjs" not in out.html
    assert "/app/static/vendor/d3.min'" in out.html and "/app/static/vendor/jquery.min'" in out.html
    assert '<script src="/app/static/vendor/require.js">' in out.html


def test_missing_vendor_files_never_fall_back_to_the_cdn(tmp_path):
    (tmp_path / "d3.min.js").write_text("// only one of three\n")
    src = script_sources(vendor_dir=tmp_path)
    assert not src.vendored and set(src.missing) == {"require.js", "jquery.min.js"}
    out = build_view(_attn(t=3), ["a", "b", "c"], sources=src)
    assert not out.vendored and "cdnjs" not in out.html
    # The only URL left is a source reference inside a JS comment (tensor2tensor on GitHub): never loaded.
    assert all(u.startswith("https://github.com/") for u in re.findall(r"https?://\S+", out.html))


@pytest.mark.parametrize("view", ["head", "model"])
def test_size_6_layers_12_heads_64_tokens_under_2mb(view):
    t = 64
    attn = torch.softmax(torch.randn(6, 12, t, t, generator=torch.Generator().manual_seed(1)) * 2, -1)
    out = build_view(attn, [f"tok{i}" for i in range(t)], view=view)
    assert out.n_bytes <= 2_000_000, out.n_bytes
    assert out.tokens_shown == 64 and not out.truncated


def test_weights_rounded_once_and_length_capped():
    t = 100
    attn = torch.softmax(torch.randn(1, 2, t, t, generator=torch.Generator().manual_seed(2)), -1)
    out = build_view(attn, [f"w{i}" for i in range(t)], max_tokens=10, decimals=3)
    assert out.truncated and out.tokens_shown == 10 and out.tokens_total == 100
    body = out.html[out.html.index("const params = "):]
    params = json.loads(body[len("const params = "):body.index("; // parameters inlined")])
    weights = torch.tensor(params["attention"][0]["attn"])
    assert weights.shape == (1, 2, 10, 10)
    torch.testing.assert_close(weights, attn[..., :10, :10], atol=5e-4, rtol=0)
    assert out.html.count("w9") >= 1 and '"w10"' not in out.html
    # One copy of the parameters, not bertviz's two.
    assert out.html.count('"left_text"') == 1


def test_html_is_stable_for_the_same_input():
    a = _attn(t=3)
    assert build_view(a, ["x", "y", "z"]).html == build_view(a, ["x", "y", "z"]).html


def test_bad_shapes_and_token_counts_are_refused():
    with pytest.raises(ValueError, match="one token per position"):
        build_view(_attn(t=3), ["a", "b"])
    with pytest.raises(ValueError, match="layers, heads, T, T"):
        build_view(torch.rand(3, 3), ["a", "b", "c"])
    with pytest.raises(ValueError, match="view"):
        build_view(_attn(t=3), ["a", "b", "c"], view="neuron")


def test_accepts_transformers_style_list():
    a = _attn(layers=3, heads=2, t=4)
    out = build_view([layer.unsqueeze(0) for layer in a], list("abcd"), view="model")
    assert out.view == "model" and out.tokens_shown == 4
