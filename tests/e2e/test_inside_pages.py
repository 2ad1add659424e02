"""Issue 24's panels driven in a real browser, checked by what a person sees change on screen: the sampler's
settings redraw the next-token bars and the kept count, "One more token" adds the likeliest token at
temperature 0, the logit lens's last layer agrees with the next-token panel, knocking out a head moves the
loss, the chain rule's side by side moves only the n-gram's number with n, the residual page's numbers
follow the chosen layer and sub-layer, a new context redraws the entropy page's q (H(p, q) = H(p) + KL on the
numbers shown), and the neuron view follows its query slider."""
from __future__ import annotations

import re
import time
import urllib.parse

import pytest

from core.i18n import LANG_NAMES
from tests.e2e.conftest import exceptions, wait_idle
from views.gpt_inside.texts import T as INSIDE
from views.gpt_residual.texts import T as RESIDUAL
from views.lm_chain_rule.texts import T as CHAIN

WAIT_S = 120  # a rerun on 2 shared cores; the importance and residual jobs get longer (below)


def until(check, timeout_s: float = WAIT_S, what: str = ""):
    """Poll `check()` until it returns something truthy; return it (fail with `what` after `timeout_s`)."""
    end = time.time() + timeout_s
    while True:
        got = check()
        if got:
            return got
        if time.time() > end:
            raise AssertionError(f"not seen within {timeout_s:.0f} s: {what}")
        time.sleep(0.3)


def open_page(context, server, path: str, lang: str):
    page = context.new_page()
    page.goto(f"{server.url}/{path}?lang={urllib.parse.quote(LANG_NAMES[lang])}")
    wait_idle(page)
    assert exceptions(page) == []
    return page


def texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


def metrics(page) -> list[tuple[str, str, str]]:
    """(label, value, delta) of every metric on screen, top to bottom."""
    return page.eval_on_selector_all('[data-testid="stMetric"]', """els => els.map(m => [
        m.querySelector('[data-testid="stMetricLabel"]')?.textContent ?? '',
        m.querySelector('[data-testid="stMetricValue"]')?.textContent ?? '',
        m.querySelector('[data-testid="stMetricDelta"]')?.textContent ?? ''])""")


def table(page, header: str) -> list[list[str]]:
    """The cells of the st.dataframe whose column `header` is shown (the grid's accessible table: the rows
    the grid has drawn), header row first."""
    return page.evaluate("""h => {
      const t = [...document.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"]')]
        .find(t => [...t.querySelectorAll('th')].some(th => th.textContent === h));
      return t ? [...t.querySelectorAll('tr')].map(r => [...r.children].map(c => c.textContent)) : null;
    }""", header) or []


def rows_total(page, header: str) -> int:
    """How many data rows the table with column `header` has (drawn or not)."""
    return page.evaluate("""h => {
      const t = [...document.querySelectorAll('[data-testid="stDataFrame"] table[role="grid"]')]
        .find(t => [...t.querySelectorAll('th')].some(th => th.textContent === h));
      return t ? Number(t.getAttribute('aria-rowcount')) - 1 : -1;
    }""", header)


def choose(page, key: str, label: str) -> None:
    """Click the option `label` of the radio (or toggle) with widget key `key`."""
    page.locator(f".st-key-{key}").get_by_text(label, exact=True).click()


def type_number(page, key: str, value) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(str(value))
    box.press("Enter")


def press_slider(page, key: str, key_name: str) -> None:
    thumb = page.locator(f'.st-key-{key} input[type="range"]').first
    thumb.focus()
    thumb.press(key_name)


# ---- Inside the prediction: next token -----------------------------------------------------------------
KEPT = {"en": r"Kept: (?P<n>\d+) of (?P<V>\d+) tokens, holding (?P<mass>[\d.]+)%",
        "ja": r"(?P<V>\d+) 個中 (?P<n>\d+) 個、確率の (?P<mass>[\d.]+)%"}
GREY = "rgb(187, 187, 187)"  # a bar cut by top-k / top-p (core.charts.inside.next_token_figure)


def kept(page, lang: str) -> dict | None:
    for c in texts(page, '[data-testid="stCaptionContainer"]'):
        m = re.search(KEPT[lang], c)
        if m:
            return {k: float(v) for k, v in m.groupdict().items()}
    return None


def bars(page) -> dict:
    """The next-token chart as drawn: its token labels (top first), how many of the pale bars are grey (cut),
    and how many renormalised (dark) bars have a width."""
    return page.evaluate(f"""() => {{
      const c = document.querySelector('.st-key-nt_chart');
      if (!c) return null;
      const traces = [...c.querySelectorAll('.trace.bars')];
      const paths = i => traces[i] ? [...traces[i].querySelectorAll('.point path')] : [];
      const width = p => p.getBBox().width;
      return {{labels: [...c.querySelectorAll('.ytick text')].map(t => t.textContent),
               grey: paths(0).filter(p => getComputedStyle(p).fill === '{GREY}').length,
               wide: paths(1).filter(p => width(p) > 0.5).length}};
    }}""")


def top_label(drawn: dict) -> str:
    """The likeliest token's label as the chart shows it ("1. ▁c"; the DOM lists the ticks bottom first)."""
    return next(label for label in drawn["labels"] if label.startswith("1. "))


def so_far(page, lang: str) -> str:
    head = INSIDE.t("so_far", lang)
    return next((t for t in texts(page, '[data-testid="stMarkdownContainer"]') if t.startswith(head)), "")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sampler_settings_redraw_the_bars_and_one_more_token_adds_the_top_one(server, context, lang):
    page = open_page(context, server, "gpt_inside", lang)
    first = until(lambda: kept(page, lang), what="the kept-tokens caption")
    drawn = until(lambda: bars(page), what="the next-token chart")
    assert len(drawn["labels"]) == 15 and drawn["grey"] == 0, drawn  # top-p 0.9 keeps far more than 15 tokens
    assert first["n"] > 15 and first["mass"] == pytest.approx(90, abs=1.5), first

    type_number(page, "nt_topk", 3)  # top-k 3: three dark bars left, the twelve others greyed out
    until(lambda: (kept(page, lang) or {}).get("n") == 3, what="Kept: 3")
    drawn = until(lambda: (b := bars(page)) and b["grey"] == 12 and b,
                  what="twelve grey bars after top-k 3")
    assert drawn["wide"] == 3, drawn
    assert kept(page, lang)["mass"] < first["mass"]
    top = top_label(drawn)  # "1. ▁c": the likeliest token, as labelled on screen

    type_number(page, "nt_temp", 0)  # greedy: said so, one token kept
    page.get_by_text(INSIDE.t("greedy", lang)[:30]).wait_for(timeout=WAIT_S * 1000)
    until(lambda: (kept(page, lang) or {}).get("n") == 1, what="Kept: 1 at temperature 0")
    assert top_label(bars(page)) == top  # temperature only rescales: the same token on top

    assert "⟨" not in so_far(page, lang)
    page.locator(".st-key-nt_more button").click()  # one more token: at temperature 0, the top one
    added = until(lambda: re.search(r"⟨(.*)⟩", so_far(page, lang)), what="the added token")
    piece = top.split(". ", 1)[1].replace("▁", " ")
    assert added.group(1).strip() == piece.strip(), (added.group(0), top)
    page.wait_for_function("() => location.search.includes('nt_added=1')")  # the URL reopens this view
    assert exceptions(page) == []
    page.close()


# ---- Inside the prediction: logit lens -----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_logit_lens_last_layer_agrees_with_the_next_token_panel_and_follows_the_position(server, context, lang):
    page = open_page(context, server, "gpt_inside", lang)
    top = until(lambda: (b := bars(page)) and top_label(b).split(". ", 1)[1], what="the next-token chart")
    choose(page, "inside_view", INSIDE.t("view_lens", lang))
    layer_col, rank_col, top_col = (INSIDE.t(k, lang) for k in ("lens_col_layer", "lens_col_rank", "lens_col_top"))
    rows = until(lambda: table(page, rank_col), what="the lens table")
    names = texts(page, ".st-key-lens_chart .ytick text")
    assert names[-1] == INSIDE.t("lens_embed", lang) and len(names) >= 2, names  # bottom to top in the DOM
    assert [r[0] for r in rows[1:]] == names[::-1]  # the table lists the chart's rows, embeddings first
    assert rows[0] == [layer_col, rank_col, top_col]
    last = rows[-1]  # the last block at the last position: the model's own prediction
    assert last[1] == "1" and last[2].split(" ")[0] == top, (last, top)  # the next-token panel's top bar

    n = int(page.locator('.st-key-lens_pos input[type="range"]').get_attribute("max"))
    press_slider(page, "lens_pos", "Home")  # position 1: the lens of the first token read
    page.locator(".st-key-lens_pos [data-testid='stSliderThumbValue']").get_by_text("1", exact=True).wait_for()
    moved = until(lambda: (r := table(page, rank_col)) and r != rows and r, what="the table of position 1")
    assert n > 1 and moved[-1][1] == "1" and len(moved) == len(rows)  # every position ends on its own guess
    assert exceptions(page) == []
    page.close()


# ---- Inside the prediction: knocking out heads ---------------------------------------------------------
def test_knocking_out_heads_moves_the_loss_and_the_importance_table_arrives(server, context):
    lang = "en"  # the importance job runs once per model: one language keeps the suite's CPU for the others
    page = open_page(context, server, "gpt_inside", lang)
    choose(page, "inside_view", INSIDE.t("view_knockout", lang))
    start = until(lambda: len(m := metrics(page)) == 3 and m, what="the three knockout metrics")
    assert start[0][1] == start[1][1] and start[1][2].strip() in ("", "+0.000"), start  # nothing off yet

    page.locator(".st-key-ko_heads input").click()
    page.get_by_role("option", name="L1H1", exact=True).click()
    page.keyboard.press("Escape")
    one = until(lambda: (m := metrics(page)) and m[1][1] != start[1][1] and m, what="the loss with L1H1 off")
    assert one[1][0] == INSIDE.t("ko_off", lang, n=1) and one[0][1] == start[0][1]
    assert float(one[1][2]) == pytest.approx(float(one[1][1]) - float(one[0][1]), abs=2e-3)  # the delta shown

    choose(page, "ko_all", INSIDE.t("ko_all", lang))
    page.get_by_text(INSIDE.t("ko_every", lang)[:40]).wait_for(timeout=WAIT_S * 1000)
    every = until(lambda: (m := metrics(page)) and m[1][0] != one[1][0] and m, what="every head off")
    heads = int(re.search(r"\d+", every[1][0]).group())
    assert heads > 1 and every[1][1] not in ("nan", "inf") and float(every[1][1]) > float(one[0][1])

    # The table of every head's importance: a background job, once per model, then drawn by the page.
    page.locator(".st-key-ko_importance").wait_for(timeout=600_000)
    inc, off = INSIDE.t("ko_col_inc", lang), INSIDE.t("ko_col_loss", lang)
    rows = until(lambda: table(page, inc), what="the importance table")
    assert rows_total(page, inc) == heads
    head_col, inc_col, off_col = (rows[0].index(c) for c in (INSIDE.t("ko_col_head", lang), inc, off))
    shown = [float(r[inc_col]) for r in rows[1:]]
    assert shown == sorted(shown, reverse=True)  # most important first
    l1h1 = [r for r in rows[1:] if r[head_col] == "L1H1"]
    if l1h1:  # drawn among the first rows: its loss is the metric's with L1H1 alone off
        assert float(l1h1[0][off_col]) == pytest.approx(float(one[1][1]), abs=1e-3)
    assert exceptions(page) == []
    page.close()


# ---- Chain rule: the n-gram and the GPT side by side ---------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_chain_rule_side_by_side_moves_only_the_ngram_with_n(server, context, lang):
    page = open_page(context, server, "lm_chain_rule", lang)
    choose(page, "chain_model", CHAIN.t("model_both", lang))
    page.locator(".st-key-chain_cmp_gltr .main-svg").first.wait_for(timeout=WAIT_S * 1000)
    h_ngram, h_gpt = CHAIN.t("cmp_h", lang, model=CHAIN.t("cmp_ngram", lang, n=3)), CHAIN.t("cmp_h", lang, model="GPT")
    before = until(lambda: (m := metrics(page)) and [x[0] for x in m] == [CHAIN.t("m_tokens", lang), h_ngram, h_gpt]
                   and m, what="the side-by-side metrics")
    tokens = int(before[0][1])
    rows = [CHAIN.t("cmp_ngram", lang, n=3), "GPT"]
    assert set(texts(page, ".st-key-chain_cmp_gltr .ytick text")) == set(rows)  # one GLTR row per model
    token_col = CHAIN.t("col_token", lang)
    until(lambda: rows_total(page, token_col) >= 0, what="the side-by-side table")
    assert rows_total(page, token_col) == tokens  # one table row per scored token, both models
    cells = table(page, token_col)
    ranks = [i for i, h in enumerate(cells[0]) if h in (CHAIN.t("cmp_col_rank", lang, m=m) for m in ("n-gram", "GPT"))]
    assert len(ranks) == 2 and all(int(r[i]) >= 1 for r in cells[1:] for i in ranks)

    press_slider(page, "chain_n", "ArrowLeft")  # n = 3 -> 2: only the n-gram's H may move
    h_ngram2 = CHAIN.t("cmp_h", lang, model=CHAIN.t("cmp_ngram", lang, n=2))
    after = until(lambda: (m := metrics(page)) and m[1][0] == h_ngram2 and m, what="the bigram's H")
    assert after[1][1] != before[1][1] and after[2] == before[2] and after[0] == before[0], (before, after)
    assert set(texts(page, ".st-key-chain_cmp_gltr .ytick text")) == {CHAIN.t("cmp_ngram", lang, n=2), "GPT"}
    assert exceptions(page) == []
    page.close()


# ---- The residual stream -------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_residual_page_numbers_follow_the_layer_and_the_sub_layer(server, context, lang):
    page = open_page(context, server, "gpt_residual", lang)
    cut_label = lambda layer, part: RESIDUAL.t("m_cut", lang, layer=layer, part=RESIDUAL.t(f"part_{part}", lang))
    n = int(page.locator('.st-key-res_layer input[type="range"]').get_attribute("max"))
    first = until(lambda: len(m := metrics(page)) == 2 and m, timeout_s=600, what="the residual study")
    assert first[0][0] == RESIDUAL.t("m_base", lang) and first[1][0] == cut_label(n, "attn"), first
    page.locator(".st-key-res_cut_chart .main-svg").first.wait_for()

    press_slider(page, "res_layer", "Home")  # layer 1
    at1 = until(lambda: (m := metrics(page)) and m[1][0] == cut_label(1, "attn") and m, what="layer 1")
    assert at1[1][1] != first[1][1] and at1[0] == first[0], (first, at1)
    choose(page, "res_part", RESIDUAL.t("part_mlp", lang))
    mlp = until(lambda: (m := metrics(page)) and m[1][0] == cut_label(1, "mlp") and m, what="layer 1, the MLP")
    assert mlp[1][1] != at1[1][1] and mlp[0] == first[0]
    base, cut = (float(re.match(r"[\d.]+", v[1]).group()) for v in mlp)
    assert float(mlp[1][2]) == pytest.approx(cut - base, abs=2e-3)  # the delta shown is the difference shown
    page.wait_for_function("() => location.search.includes('res_layer=1')")
    assert exceptions(page) == []
    page.close()


# ---- Cross-entropy and KL on the entropy page; the neuron view on the multi-head page --------------------
def _kl_numbers(page, lang: str) -> dict | None:
    """H(p), H(p, q), KL as the KL section's three metrics show them (bits), or None before they are drawn."""
    from views.lm_entropy.texts import T as ENT

    m = metrics(page)
    labels = [x[0] for x in m]
    if ENT.t("m_hpq", lang) not in labels:
        return None
    i = labels.index(ENT.t("m_hpq", lang))
    num = lambda v: float("inf") if v.startswith("∞") else float(v.split()[0])
    return {"h": num(m[i - 1][1]), "hpq": num(m[i][1]), "kl": num(m[i + 1][1])}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_new_context_redraws_q_and_the_shown_numbers_keep_h_pq_equal_h_plus_kl(server, context, lang):
    from views.lm_entropy.texts import T as ENT

    page = open_page(context, server, "lm_entropy", lang)
    page.locator(".st-key-ent_kl_chart .main-svg").first.wait_for(timeout=WAIT_S * 1000)
    first = until(lambda: _kl_numbers(page, lang), what="the KL metrics")
    assert first["hpq"] == pytest.approx(first["h"] + first["kl"], abs=2e-3) and first["kl"] >= 0, first
    used = ENT.t("kl_used", lang, ctx="")[:8]  # "The model's context" / "モデルが使った文脈"
    before = [c for c in texts(page, '[data-testid="stCaptionContainer"]') if c.startswith(used)]

    box = page.locator(".st-key-ent_ctx input")
    box.fill("the q" if lang == "en" else "日本の")
    box.press("Enter")
    after = until(lambda: (n := _kl_numbers(page, lang)) and n["hpq"] != first["hpq"] and n, what="q after the context")
    assert after["h"] == first["h"]  # p is the page's sliders: unchanged; only q moved
    if after["hpq"] != float("inf"):
        assert after["hpq"] == pytest.approx(after["h"] + after["kl"], abs=2e-3), after
    now = [c for c in texts(page, '[data-testid="stCaptionContainer"]') if c.startswith(used)]
    assert now != before and now, (before, now)  # the context the trigram read, as shown
    assert exceptions(page) == []
    page.close()


def test_neuron_view_follows_the_query_slider(server, context):
    from views.tf_multihead.texts import T as MHA

    lang = "en"
    page = open_page(context, server, "tf_multihead", lang)
    chart = page.locator(".st-key-mha_nv_chart")
    chart.locator(".main-svg").first.wait_for(timeout=WAIT_S * 1000)
    title = lambda: " ".join(texts(page, ".st-key-mha_nv_chart .gtitle"))
    n = int(page.locator('.st-key-mha_nv_query input[type="range"]').get_attribute("max"))
    assert f"looks at tokens 0…{n}" in title(), title()
    press_slider(page, "mha_nv_query", "Home")  # the first token: it may look only at itself
    until(lambda: "token 0 " in title() and "tokens 0…0" in title(), what="the neuron view of token 0")
    check = MHA.t("nv_check", lang, d=0.0, w=1.0, j=0, tok="x").split("(")[0]  # "Check: the softmax of these scores..."
    caption = next(c for c in texts(page, '[data-testid="stCaptionContainer"]') if c.startswith(check))
    assert "the strongest weight, 1.00, goes to token 0" in caption, caption  # one token: all the weight on itself
    assert exceptions(page) == []
    page.close()
