"""Pages offer their downloads: a PNG config (file name from the chart key, 2x scale) on every chart, CSV
buttons under the per-token tables and the bertviz file button, labelled in the reader's language."""
from __future__ import annotations

import json

import pytest

from tests.apptest import open_page
from ui.texts.export import T


def configs(at) -> list[dict]:
    return [json.loads(c.proto.config) for c in at.get("plotly_chart")]


def buttons(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize("page, lang, csv_count", [
    ("views/lm_chain_rule/page.py", "ja", 1),
    ("views/lm_ngram/page.py", "en", 1),
    ("views/tf_attention/page.py", "ja", 1),
    ("views/tok_compare/page.py", "en", 1),
    ("views/tf_encoder_decoder/page.py", "en", 1),
])
def test_per_token_tables_offer_a_csv_in_the_readers_language(page, lang, csv_count):
    at = open_page(page, lang=lang, timeout=300)
    assert buttons(at).count(T.t("csv", lang)) == csv_count, buttons(at)
    for cfg in configs(at):
        opts = cfg["toImageButtonOptions"]
        assert opts["format"] == "png" and opts["scale"] == 2 and opts["filename"].startswith("atlas-"), cfg
        assert all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in opts["filename"]), opts


def test_every_chart_gets_a_file_name_from_its_key():
    at = open_page("views/tf_positional/page.py", lang="ja")
    names = [c["toImageButtonOptions"]["filename"] for c in configs(at)]
    assert "atlas-pe_fig_heat" in names and len(names) >= 4, names


def test_multihead_page_offers_the_bertviz_file_and_the_head_matrix():
    at = open_page("views/tf_multihead/page.py", lang="ja", timeout=300)
    labels = buttons(at)
    assert T.t("html", "ja") in labels and T.t("csv", "ja") in labels, labels


def test_a_callers_own_chart_config_wins_key_by_key():
    from ui.export import _merged, png_config

    got = _merged(png_config("x"), {"toImageButtonOptions": {"scale": 4}, "scrollZoom": False})
    assert got["toImageButtonOptions"] == {"format": "png", "filename": "atlas-x", "scale": 4}
    assert got["scrollZoom"] is False and got["displaylogo"] is False
