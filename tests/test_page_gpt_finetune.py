"""AppTest of the fine-tuning page: renders in both languages, a tiny run starts and finishes, hostile input."""
from __future__ import annotations

import json

import pytest

from core.gpt import finetune as ft
from tests.apptest import errors, open_page, progress_text, run_until

PAGE = "views/gpt_finetune/page.py"
TINY = ft.Budget(pretrain_steps=5, pretrain_batch=4, epochs=1, batch=16, evals=2, n_layer=1, n_head=2, n_embd=32,
                 block_size=32, lstm_hidden=32, max_train=32, max_heldout=16)


@pytest.fixture(autouse=True)
def tiny_budgets(monkeypatch):
    monkeypatch.setitem(ft.BUDGETS, "quick", TINY)
    monkeypatch.setitem(ft.BUDGETS, "standard", TINY)




@pytest.mark.parametrize("lang,done,title", [("en", "Finished", "Fine-tuning"), ("ja", "完了", "ファインチューニング")])
def test_run_finishes_and_shows_results(lang, done, title):
    at = open_page(PAGE, lang=lang)
    assert title in at.title[0].value
    assert len(at.get("latex")) >= 2 and not at.get("progress")
    at.button(key="ft_run").click().run()
    assert not at.exception, errors(at)
    run_until(at, (done,))
    at.run()
    assert not at.exception, errors(at)
    charts = at.get("plotly_chart")
    assert len(charts) >= 6  # balance, loss, accuracy, results, confusion, probabilities
    names = [t.get("name") for t in json.loads(charts[2].proto.spec)["data"]]  # accuracy curves
    assert len([n for n in names if n]) == 5  # four variants + the majority line
    table = at.dataframe[0].value
    assert len(table) == 4
    # The typed-sentence box: hostile input gives a message, not a traceback.
    at.text_area(key="ft_sentence").set_value("   \x00 ")
    at.button(key="ft_classify").click().run()
    assert not at.exception and at.warning, errors(at)
    at.text_area(key="ft_sentence").set_value("<script>alert(1)</script> 👩‍👩‍👧 é" * 200)
    at.button(key="ft_classify").click().run()
    assert not at.exception, errors(at)
    assert any("<script>" not in c.value for c in at.caption)
    at.button(key="ft_reset").click().run()
    assert not at.exception and not at.get("progress")


def test_second_run_with_the_same_settings_comes_from_the_cache():
    at = open_page(PAGE, lang="en")
    at.multiselect(key="ft_variants").set_value(["full"]).run()
    at.button(key="ft_run").click().run()
    run_until(at, ("Finished",))
    at.button(key="ft_reset").click().run()
    at.button(key="ft_run").click().run()
    assert "Finished" in progress_text(at)  # no thread needed: read from disk at once
    assert not at.exception, errors(at)


def test_no_model_chosen_disables_run_and_stop_works():
    at = open_page(PAGE, lang="ja")
    at.multiselect(key="ft_variants").set_value([]).run()
    assert at.button(key="ft_run").disabled
    at.multiselect(key="ft_variants").set_value(["no_pretrain", "no_aux"]).run()
    at.slider(key="ft_lam").set_value(1.5).run()
    at.button(key="ft_run").click().run()
    assert not at.exception, errors(at)
    if at.button(key="ft_stop").disabled is False:
        at.button(key="ft_stop").click().run()
    run_until(at, ("停止", "完了"))


SHIPPED = ft.Budget(backbone="shipped", epochs=1, batch=16, evals=1, max_train=32, max_heldout=16, pretrain_steps=4,
                    pretrain_batch=4, n_layer=1, n_head=2, n_embd=32, block_size=32, lstm_hidden=32)


@pytest.mark.parametrize("lang,done,says", [("en", "Finished", "the shipped model, pre-trained for {steps} steps"),
                                            ("ja", "完了", "同梱モデル（{steps} ステップ事前学習済み")])
def test_quick_budget_says_the_backbone_is_the_shipped_model(lang, done, says, monkeypatch):
    from core.shipped import models as shipped

    monkeypatch.setitem(ft.BUDGETS, "quick", SHIPPED)
    monkeypatch.setattr("core.gpt.finetune.backbones.pretrain", lambda *a, **k: pytest.fail("pre-training ran"))
    at = open_page(PAGE, lang=lang)
    at.multiselect(key="ft_variants").set_value(["full"]).run()
    at.button(key="ft_run").click().run()
    run_until(at, (done,))
    at.run()
    assert not at.exception, errors(at)
    captions = " ".join(c.value for c in at.caption)
    assert says.format(steps=shipped.load_gpt(lang).steps) in captions, captions  # the corpus follows the UI language
    assert any("assets/models" in i.value for i in at.info)  # the results say what the backbone read
    said = " ".join(i.value for i in at.info)  # the overlap, measured: the shipped backbones never read held-out text
    assert ("0% of the held-out passages" in said and "never read" in said) if lang == "en" else (
        "0%（いま測定）" in said and "読んだことのない" in said), said


def test_missing_shipped_files_show_a_note_and_still_run(tmp_path, monkeypatch):
    from core.shipped import models as shipped

    monkeypatch.setattr(shipped, "MODELS_DIR", tmp_path)
    monkeypatch.setitem(ft.BUDGETS, "quick", SHIPPED)
    at = open_page(PAGE, lang="ja")
    at.multiselect(key="ft_variants").set_value(["no_aux"]).run()
    at.button(key="ft_run").click().run()
    run_until(at, ("完了",))
    at.run()
    assert not at.exception, errors(at)
    assert any("同梱" in w.value and "make models" in w.value for w in at.warning), [w.value for w in at.warning]
