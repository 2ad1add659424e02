"""The notes' checks and additions on their pages: no exception in either language, and the number shown
equals a core recomputation."""
import pytest

from core.corpus import load_shipped
from core.tokenizers import sudachi
from tests.apptest import errors, open_page


def _table(at, column: str):
    """The dataframe or table that has `column` (AppTest finds them by position, not by key)."""
    found = [d.value for d in list(at.dataframe) + list(at.table) if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _text(at) -> str:
    return "\n".join(str(x.value) for x in list(at.markdown) + list(at.caption) + list(at.info))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_tok_compare_sudachi_section(lang):
    at = open_page("views/tok_compare/page.py", lang=lang)
    at.selectbox(key="tokc_preset").select("p_giants").run()
    assert not at.exception, errors(at)
    shown = _text(at)
    assert ">読売巨人軍<" in shown and ">巨人軍<" in shown  # modes C and B drawn as chips
    c = sudachi.split_counts(load_shipped("ja"))
    assert f"{c['A'][0]:,}" in shown and f"{c['C'][1]:,}" in shown
    # the Sudachi modes table, wherever the page puts it among its tables (the production rows added two)
    tables = [d.value.to_string() for d in at.dataframe]
    assert any("外国 | 人 | 参政 | 権" in t and "外国人参政権" in t for t in tables)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_encdec_page_states_the_measured_rate(lang):
    from core.transformer.cross_alignment import alignment_rates
    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer.encoder_decoder_train import cached, heldout_numbers

    at = open_page("views/tf_encoder_decoder/page.py", lang=lang)
    cfg = Seq2SeqConfig(lang=lang)  # the page's source language follows the UI language
    r = alignment_rates(cached(cfg)[0], heldout_numbers(cfg))
    shown = _text(at)
    assert f"{r.mean_heads[-1]:.0%}" in shown and f"{r.mean_heads[0]:.0%}" in shown
    tables = [d.value.to_string() for d in at.dataframe]
    assert any(("cross-attention" if lang == "en" else "クロスアテンション") in t for t in tables)
    assert any("三百二十一" in t or "three hundred twenty one" in t for t in tables)
    assert not at.exception, errors(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_normalization_page_judges_each_step_from_the_numbers(lang):
    from core.corpus import load_shipped, split_train_heldout
    from core.lm.normalize import compare_forms, steps

    at = open_page("views/lm_normalization/page.py", lang=lang)
    at.radio(key="norm_level").set_value("word").run()
    if not at.checkbox(key="norm_fold").value:
        at.checkbox(key="norm_fold").set_value(True).run()
    assert not at.exception, errors(at)
    train, held = split_train_heldout(load_shipped(lang))
    rows = compare_forms(train, held, "word", lang, n=3)
    shown = _text(at)
    for s in steps(rows):
        assert f"{s.bpc_before:.3f} → {s.bpc_after:.3f}" in shown
    table = at.dataframe[0].value
    assert list(table.iloc[:, 1]) == [r.chars for r in rows]
    if lang == "ja":  # kana folding raises bits per character on the Japanese corpus, and the page says so
        assert "4.42" in shown or "4.421" in shown
        assert "カタカナを畳むと悪くなる理由" in shown


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_attention_page_dicts_and_position_counts(lang):
    from core.corpus import load_shipped
    from core.shipped.models import load_gpt
    from core.lm.position_pairs import corpus_sparsity
    from core.transformer.dict_lookup import prefix_keys
    from ui.texts.notes_checks import T

    at = open_page("views/tf_attention/page.py", lang=lang)
    at.selectbox(key="att_nd_head").select(1).run()
    assert not at.exception, errors(at)
    sh = load_gpt(lang)  # no live training in this session: the page shows the shipped GPT
    pre = prefix_keys(sh.model, sh.tokenizer, T.t("nd_query_text", lang),
                      [T.t(f"nd_prefix_{i}", lang) for i in range(5)], head=1)
    table = [d.value for d in at.dataframe if T.t("nd_col_score", lang) in d.value.columns][1]  # many texts, prefixes
    assert list(table.iloc[:, 0]) == [e.key for e in pre]
    assert list(table.iloc[:, 2]) == [round(e.weight, 3) for e in pre]
    s = corpus_sparsity(load_shipped(lang), lang)
    pp = _table(at, T.t("pp_col_keys", lang))
    assert list(pp.iloc[:, 1]) == [s.absolute_keys, s.relative_keys]
    assert f"{s.example_cells}" in _text(at) and s.absolute_singleton_share > s.relative_singleton_share


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_page_composition_and_minilm_japanese(lang):
    from core.shipped.models import load_gpt
    from core.transformer.composition import composition
    from core.transformer.pretrained import gpt_attention, minilm_folder
    from views.tf_multihead.sections import MAX_TOKENS
    from views.tf_multihead.texts import T as MH

    at = open_page("views/tf_multihead/page.py", lang=lang)
    sh = load_gpt(lang)
    c = composition(gpt_attention(sh.model, sh.tokenizer, MH.t("default_text", lang), MAX_TOKENS).attn)
    shown = _text(at)
    assert f"{c.disagree[0]:.0%}" in shown and f"{c.rollout_reach[-1]:.1f}" in shown
    assert c.rollout_reach[-1] > c.rollout_reach[0]
    if minilm_folder() is None:
        return
    at.radio(key="mha_model").set_value("minilm").run()
    assert not at.exception, errors(at)
    from ui.texts.notes_checks import T

    table = _table(at, T.t("mini_col_reads", lang))
    assert "カラスのコッフ" in list(table.iloc[:, 2])
    assert any("が→か" in x for x in table.iloc[:, 3])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_finetune_page_background_shows_the_stored_measurement(lang):
    import json

    from core.gpt.timing.step_time import from_dict
    from views.gpt_finetune.notes_finetune import MEASURED

    at = open_page("views/gpt_finetune/page.py", lang=lang)
    s = from_dict(json.loads(MEASURED.read_text(encoding="utf-8")))
    shown = _text(at)
    assert f"{s.ratio:.2f}" in shown and "ELMo" in shown
    from ui.texts.notes_checks import T

    table = _table(at, T.t("bg_col_ms", lang))
    assert list(table.iloc[:, 3]) == [round(s.gpt_ms_per_token, 3), round(s.lstm_ms_per_token, 3)]
    assert list(table.iloc[:, 2]) == [s.gpt_chain, s.lstm_chain]
