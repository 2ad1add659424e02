"""AppTest of the task-formats page: both languages render; the task and example widgets change the token
rows drawn (with the notes' 東京/大阪 pair); a tiny experiment starts, finishes and shows Table 5 with its
noise and both Figure 2 panels."""
from __future__ import annotations

import json

import pytest

from core.gpt import finetune as ft
from core.gpt.finetune import job as ft_job
from core.gpt.finetune.settings import FitConfig
import time

from tests.apptest import errors, open_page, progress_text, spec_with

PAGE = "views/gpt_tasks/page.py"
TINY = ft.Budget(pretrain_steps=6, pretrain_batch=4, n_layer=1, n_head=2, n_embd=32, block_size=64, lstm_hidden=32)


@pytest.fixture(autouse=True)
def tiny(monkeypatch):
    monkeypatch.setitem(ft.BUDGETS, "quick", TINY)
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "fit", FitConfig(max_steps=3, batch=8))
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "max_train", 16)
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "max_heldout", 8)


def wait_for(at, word: str, timeout: float = 900) -> None:
    """Rerun the page every few seconds until the progress line says `word` (AppTest never ticks the
    polling fragment; rerunning every 0.3 s would take the CPU from the job on a busy 2-core machine)."""
    end = time.time() + timeout
    while word not in progress_text(at):
        assert time.time() < end, progress_text(at)
        time.sleep(3)
        at.run()
        assert not at.exception, errors(at)


def sequence_text(at) -> str:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return "".join(t for tr in spec["data"] for t in tr.get("text", []))


@pytest.mark.parametrize("lang,title", [("en", "Task formats"), ("ja", "タスク形式")])
def test_renders_and_widgets_change_the_rows_drawn(lang, title):
    at = open_page(PAGE, lang=lang)
    assert title in at.title[0].value and not at.get("progress")
    first = sequence_text(at)
    at.radio(key="tasks_task").set_value("similarity").run()
    at.radio(key="tasks_lang").set_value("ja").run()
    assert not at.exception, errors(at)
    pair = sequence_text(at)
    assert pair != first and "東京" in pair and "大阪" in pair  # the notes' pair, both orderings
    spec = spec_with(at, "東")  # the pieces of 東京 (one piece or two, as the shipped tokenizer cuts it)
    assert ("開始" if lang == "ja" else "start") in spec and ("抽出" if lang == "ja" else "extract") in spec
    at.slider(key="tasks_example").set_value(2).run()
    assert sequence_text(at) != pair and not at.exception
    at.radio(key="tasks_task").set_value("multiple_choice").run()
    names = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis"]["ticktext"],
                       ensure_ascii=False)
    assert ("選択肢 4" if lang == "ja" else "answer 4") in names


@pytest.mark.parametrize("lang,done", [("en", "Finished"), ("ja", "完了")])
def test_a_tiny_experiment_runs_and_shows_table5_and_figure2(lang, done, monkeypatch):
    # the tiny "quick" budget pre-trains its own backbone (the fallback path) instead of loading the shipped GPT
    at = open_page(PAGE, lang=lang)
    at.radio(key="tasks_task").set_value("entailment").run()
    at.select_slider(key="tasks_seeds").set_value(2).run()
    at.multiselect(key="tasks_variants").set_value(["full", "no_pretrain"]).run()
    at.button(key="tasks_start").click().run()
    assert not at.exception, errors(at)
    wait_for(at, done)
    at.run()
    assert not at.exception, errors(at)
    table = at.dataframe[-1].value  # the run's Table 5 (the shipped measurement's table comes first)
    assert len(table) == 2 and all("±" in str(x) for x in table.iloc[:, 1])
    md = " ".join(m.value for m in at.markdown)
    assert ("standard error" if lang == "en" else "標準誤差") in md  # the gaps come with their noise
    captions = " ".join(c.value for c in at.caption)
    assert ("cross entropy" if lang == "en" else "交差エントロピー") in captions
    assert ("pre-trained here" if lang == "en" else "ここで話題コーパスで事前学習") in captions  # which backbone
    assert len(at.get("plotly_chart")) == 4  # rows, Table 5, layers, zero-shot
    zs = spec_with(at, "LSTM")
    assert "Transformer" in zs


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_zero_shot_panel_is_drawn_on_open_from_the_shipped_curves(lang):
    """No job, no model built: Figure 2 (right) comes from assets/models/zeroshot-<lang>.json, with a sentence
    computed from its numbers; the layer panel says it needs a run."""
    at = open_page(PAGE, lang=lang)
    at.radio(key="tasks_task").set_value("similarity").run()
    assert not at.exception, errors(at)
    zs = spec_with(at, "LSTM")
    assert "Transformer" in zs
    captions = " ".join(c.value for c in at.caption)
    assert ("chance is" if lang == "en" else "当て推量は") in captions
    at.radio(key="tasks_task").set_value("classification").run()
    assert not at.exception  # classification has no zero-shot heuristic: no curve, a note instead
    assert not any("Zero-shot" in c.proto.spec or "ゼロショット" in c.proto.spec for c in at.get("plotly_chart"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_shipped_measurement_shows_all_four_formats_and_a_computed_comparison_on_open(lang, tmp_path, monkeypatch):
    """A current transfer-<lang>.json (its hashes match today's models, data and settings): the page shows its
    four tasks, a paragraph whose numbers are computed from it, and Figure 2 (left) from its layer sweep;
    once a hash no longer matches, it says the measurement is stale instead of showing old numbers."""
    from core.gpt.finetune import suite
    from views.gpt_tasks import shipped as gpt_tasks_shipped

    path = tmp_path / f"transfer-{lang}.json"
    monkeypatch.setattr(suite, "shipped_path", lambda lang_, root=None: path)
    gpt_tasks_shipped.suite.clear()
    tasks = {t: {"accuracy": a, "baseline": 0.5, "majority": 0.3, "n_heldout": 200, "beats_baseline": a > 0.5,
                 "beats_no_pretrain": True, "seeds": [a], "no_pretrain_seeds": [a - 0.1]}
             for t, a in zip(suite.TASKS, (0.61, 0.642, 0.58, 0.45))}
    result = {"tasks": tasks, "no_pretrain": {t: r["accuracy"] - 0.1 for t, r in tasks.items()},
              "layers_transferred": {"task": "classification", "layers": [0, 1, 2, 3, 4],
                                     "accuracy": [0.2, 0.3, 0.4, 0.5, 0.61]}, "wall_s": 150.0}
    card = {"command": f"python scripts/build_models.py --only transfer --lang {lang}", "seeds": 1, "wall_s": 150.0,
            "layers_task": "classification", "load_avg_1m": [1.0, 1.0], "cpus": 2, "models": suite.model_hashes(lang),
            "data": suite.data_hashes(lang), "settings": suite.settings_hash(1, "classification")}
    path.write_text(json.dumps({"card": card, "result": result}), encoding="utf-8")
    at = open_page(PAGE, lang=lang)
    at.radio(key="tasks_lang").set_value(lang).run()
    assert not at.exception, errors(at)
    table = at.dataframe[0].value
    assert len(table) == 4 and "64.2" in table.to_string()
    md = " ".join(m.value for m in at.markdown)
    assert card["command"] in md and "+10.0" in md  # the mean gain, computed from the file
    assert ("Not above its baseline" if lang == "en" else "上回らないもの") in md  # multiple choice at 45%
    assert len(at.get("plotly_chart")) >= 2  # the token rows and the layer sweep, before any run
    path.write_text(json.dumps({"card": {**card, "settings": "stale"}, "result": result}), encoding="utf-8")
    gpt_tasks_shipped.suite.clear()
    at.run()
    assert not at.exception and not any("64.2" in d.value.to_string() for d in at.dataframe)
    assert any("build_models.py --only transfer" in i.value for i in at.info)


def test_a_task_is_above_its_baseline_only_by_more_than_the_noise():
    """The shipped paragraph's count: similarity's 50.15 % over three seeds against 50 % is noise, not a win."""
    from views.gpt_tasks.shipped import above_baseline

    row = {"baseline": 0.5, "n_heldout": 224}
    assert not above_baseline({**row, "seeds": [0.5, 0.5, 0.5045]})  # the shipped en similarity
    assert above_baseline({**row, "seeds": [0.30, 0.28, 0.28], "baseline": 0.127})  # classification
    assert above_baseline({**row, "seeds": [0.60]}) and not above_baseline({**row, "seeds": [0.55]})  # SE 0.047
    assert not above_baseline({**row, "seeds": [0.40, 0.42, 0.41]})  # below it


def test_table5_gap_lines_state_the_gap_its_standard_error_and_whether_it_is_noise():
    """The lines under Table 5 on the fine-tuning page (views.gpt_finetune.table5_noise): Welch SE over seeds, else
    binomial."""
    from views.gpt_finetune.table5_noise import gap_lines

    names = {"full": "full", "no_pretrain": "w/o pre-training", "no_aux": "w/o aux"}
    seeds = gap_lines({"full": [0.80, 0.84, 0.82], "no_pretrain": [0.70, 0.74, 0.72]}, names, 100, "en")
    assert len(seeds) == 1 and "+10.0" in seeds[0] and "1.6" in seeds[0] and "larger than the noise" in seeds[0]
    one = gap_lines({"full": [0.60], "no_aux": [0.55]}, names, 100, "ja")
    assert "+5.0" in one[0] and "7.0" in one[0] and "雑音の範囲内" in one[0]  # sqrt(.6*.4/100 + .55*.45/100) = 0.0698
    assert gap_lines({"no_aux": [0.5]}, names, 100, "en") == []


def test_the_example_slider_comes_back_into_range_when_the_task_has_fewer_examples():
    """Similarity shows 10 examples (its curated pairs, then held-out ones), the others 8: after the last similarity
    example, another task's slider kept 10 above its maximum of 8 (the neuron view's slider raised in that state:
    tests/test_pages_gpt_inside.py); shell.in_range pulls it back to 8."""
    at = open_page("views/gpt_tasks/page.py")
    at.radio(key="tasks_task").set_value("similarity").run()
    top = at.slider(key="tasks_example").max
    at.slider(key="tasks_example").set_value(top).run()
    at.radio(key="tasks_task").set_value("classification").run()
    assert not at.exception, errors(at)
    assert not [e for e in at.error if "Something went wrong" in e.value]
    assert at.slider(key="tasks_example").value == at.slider(key="tasks_example").max < top
