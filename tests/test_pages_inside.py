"""Pages of issue 24 in both languages: the chain rule side by side (n-gram and GPT on the GPT's tokens, ranks
and alternatives) and the "Inside the prediction" page (next token, logit lens, knocking out heads)."""
from __future__ import annotations

import json

import pytest

from tests.apptest import open_page, specs

PAGE = "views/gpt_inside.py"


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def table(at, key: str) -> list[dict]:
    """The rows of the dataframe with `key` (AppTest gives them as a pandas DataFrame)."""
    found = [d for d in at.dataframe if d.proto.id and key in d.proto.id] or list(at.dataframe)
    return found[0].value.to_dict("records")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_chain_rule_side_by_side_scores_the_same_tokens(lang):
    at = open_page("views/lm_chain_rule.py", lang=lang)
    at.radio(key="chain_model").set_value("both").run()
    assert not at.exception
    gltr = [s for s in specs(at) if '"heatmap"' in s]
    assert gltr, "the GLTR rows are drawn"
    z = json.loads(gltr[0])["data"][0]["z"]
    assert len(z) == 2 and len(z[0]) == len(z[1]) == int(metrics(at)[0])  # same tokens, every one scored
    rows = table(at, "chain_cmp_table")
    assert len(rows) == int(metrics(at)[0]) and all(r[k] >= 1 for r in rows for k in r if "rank" in k or "順位" in k)
    before = metrics(at)
    at.slider(key="chain_n").set_value(1).run()
    assert not at.exception and metrics(at)[1] != before[1] and metrics(at)[2] == before[2]  # only the n-gram moved
    at.text_area(key="chain_text").set_value("<script>alert(1)</script> 🐈‍⬛ ꙮ").run()
    assert not at.exception and all(v not in ("nan", "inf") for v in metrics(at))
    at.text_area(key="chain_text").set_value("").run()
    assert not at.exception and at.warning


def test_chain_rule_old_links_still_open_the_single_model_views():
    at = open_page("views/lm_chain_rule.py", lang="en")
    at.radio(key="chain_model").set_value("gpt").run()
    assert not at.exception and at.slider(key="chain_n").disabled
    at.radio(key="chain_model").set_value("ngram").run()
    assert not at.exception and not at.radio(key="chain_level").disabled
