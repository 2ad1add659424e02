"""The notes' numbers shipped in assets/models/notes/ (build_models --only notes) and the store that reads them.

Fresh = the note the page would build today (corpus hash, the loaded models' weight digests, settings,
library versions) has the inputs hash of the shipped file; equal = a fresh computation gives the shipped
value. A stale note fails here with the command to run; on a page it would be computed in a background job.
"""
from __future__ import annotations

import json
import math
import time

import pytest

from core import notes_specs as N
from core import notes_store as S
from core.corpus import corpus_id, load_shipped
from core.runtime.jobs import LIMITER
from tests.test_shipped_models import B  # scripts/build_models.py as a module

REBUILD = "stale or missing: run `python scripts/build_models.py --only notes --lang {lang}`"


def _page_notes(lang: str) -> list[S.Note]:
    """The notes as the pages build them: on the models the pages load (core.shipped.models, the encdec cache)."""
    from core.shipped.models import load_gpt
    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer.encoder_decoder_job import cached
    from ui.texts.notes_checks import T

    gpt = load_gpt(lang)
    cfg = Seq2SeqConfig(lang=lang)
    encdec, _ = cached(cfg)
    notes = [N.position_pairs(lang), N.dict_lookup(lang, gpt.model, gpt.tokenizer, N.dict_strings(T, lang)),
             N.encdec_alignment(encdec, cfg), N.attention_scaling(0), N.ngram_page(lang),
             N.normalization_page(lang)]
    return notes + ([N.sudachi_counts(lang)] if lang == "ja" else [])


def _close(a, b, path="value") -> None:
    """Same structure, same strings and ints, floats within 1e-5 (fp32 sums in another order or thread count
    differ in the 7th digit; the pages show 3-4)."""
    assert type(a) is type(b) or {type(a), type(b)} <= {int, float}, f"{path}: {type(a)} vs {type(b)}"
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6), f"{path}: {a} vs {b}"
    else:
        assert a == b, path


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_notes_are_fresh_and_equal_a_fresh_computation(lang):
    card_path = S.NOTES_DIR / f"notes-{lang}.json"
    assert card_path.is_file(), REBUILD.format(lang=lang)
    card = json.loads(card_path.read_text(encoding="utf-8"))
    assert card["corpus_id"] == corpus_id(load_shipped(lang)), REBUILD.format(lang=lang)
    for note in _page_notes(lang):
        value = S.shipped(note)
        assert value is not None, f"{note.name}: " + REBUILD.format(lang=lang)
        assert card["files"][f"{note.name}.json"]["inputs_hash"] == note.inputs_hash
        _close(json.loads(json.dumps(note.compute(), ensure_ascii=False)), value, note.name)


def test_build_notes_writes_what_the_store_reads(tmp_path):
    """build_notes into another folder: every note it lists is readable there, with its card and the command."""
    import shutil

    models = tmp_path / "models"
    shutil.copytree(S.NOTES_DIR.parent, models,
                    ignore=shutil.ignore_patterns("snapshots", "sweep", "tokenizers", "notes", "lstm-*"))
    card = B.build_notes("en", models)
    assert card["command"] == "python scripts/build_models.py --only notes --lang en"
    for note in B.notes_for("en", models):
        rec = S.shipped_record(note.name, models / "notes")
        assert rec["inputs_hash"] == note.inputs_hash and rec["command"] == card["command"]
        assert S.shipped(note, models / "notes") == rec["value"]
        _close(rec["value"], S.shipped(note))  # the same numbers as the shipped copy


def test_notes_folder_stays_small():
    total = sum(p.stat().st_size for p in S.NOTES_DIR.glob("*.json"))
    assert total < 200_000, f"assets/models/notes is {total} bytes: a note keeps the numbers a page shows, not data"


def test_stale_note_is_computed_once_in_a_shared_job(monkeypatch, tmp_path):
    """Inputs the shipped file was not made from: not used; a job computes it (two askers share it), the disk
    cache keeps it, and the next ask (or another process) gets it at once."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return {"n": [1, 2.5]}

    shipped_name = "position-pairs-en"
    note = S.Note(shipped_name, {"corpus": "not-today's"}, compute)
    assert S.shipped_record(shipped_name) is not None and S.shipped(note) is None  # a file exists, but stale
    job = S.note_or_job(note)
    assert isinstance(job, S.NoteJob)
    assert S.note_or_job(note) is job  # a second session watches the same run
    assert job.wait(30) and job.state().status == "finished"
    assert S.note_or_job(note) == {"n": [1, 2.5]} and calls == [1]
    assert LIMITER.active() == 0
    S._MEMORY.clear()
    S.REGISTRY.clear()
    assert S.ready(note) == {"n": [1, 2.5]} and calls == [1]  # from the disk cache
    assert S.note_or_job(S.Note(shipped_name, {"corpus": "not-today's"}, compute), start=False) == {"n": [1, 2.5]}


def test_unwritable_cache_still_gives_the_value_and_says_so(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocker))  # a file where the folder should be: nothing can be written
    note = S.Note("test-unwritable", {"x": 1}, lambda: [3])
    job = S.note_or_job(note)
    assert job.wait(30)
    assert job.result == [3]
    msg = job.state().message
    assert msg is not None and "disk" in msg.en and "保存" in msg.ja


def test_inputs_hash_follows_every_input():
    a = N.position_pairs("en")
    assert a.inputs_hash == N.position_pairs("en").inputs_hash
    assert a.inputs_hash != N.position_pairs("ja").inputs_hash
    assert N.attention_scaling(0).inputs_hash != N.attention_scaling(1).inputs_hash
    b = S.Note(a.name, {**a.inputs, "max_offset": 5}, a.compute)
    assert S.shipped(b) is None  # another setting: the shipped numbers are not these


def test_model_digest_sees_a_changed_weight():
    import torch

    lin = torch.nn.Linear(3, 2)
    before = S.model_digest(lin)
    assert S.model_digest(lin) == before
    with torch.no_grad():
        lin.weight[0, 0] += 1e-3
    assert S.model_digest(lin) != before


def test_json_helpers_rebuild_the_page_objects():
    pairs = N.pairs_from_json(S.shipped(N.position_pairs("en")))
    assert isinstance(pairs.example, tuple) and pairs.occurrences >= pairs.relative_keys > 0
    from core.transformer.attention_study import STUDY_D_KS

    points = N.scaling_from_json(S.shipped(N.attention_scaling(0)))
    assert {p.d_k for p in points} == set(STUDY_D_KS) and all(0 < p.max_weight <= 1 for p in points)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ngram_page_first_open_runs_no_mecab_and_shows_the_shipped_numbers(monkeypatch, lang):
    """The n-gram page on the shipped corpus reads its curves and distant-repeat example from the note:
    no MeCab pass over the corpus (what made the Japanese first open slow), the same numbers on screen."""
    from core.tokenizers import mecab
    from tests.apptest import open_page, spec_with
    from views.lm_ngram.texts import T

    def refuse(text):
        raise AssertionError("MeCab ran over the corpus on the n-gram page's first open")

    monkeypatch.setattr(mecab, "split", refuse)
    at = open_page("views/lm_ngram/page.py", lang=lang)
    note = S.shipped(N.ngram_page(lang))
    held = note["curves"]["char|kn|0.1"]["heldout"]
    fig = json.loads(spec_with(at, T.t("heldout", lang)))
    drawn = [_ys(tr) for tr in fig["data"]]
    want = [p["ppl"] for p in held]
    assert any(len(y) == len(want) and all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(y, want)) for y in drawn)
    d = note["distant"]
    assert d is not None and any(d["tokens"][d["second"]] in m.value for m in at.markdown)


def _ys(trace: dict) -> list[float]:
    """A trace's y values, whether plotly wrote them as a list or as base64 typed-array data."""
    import base64

    import numpy as np

    y = trace.get("y", [])
    if isinstance(y, dict) and "bdata" in y:
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
    return list(y)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_attention_page_without_shipped_notes_computes_them_in_a_job(monkeypatch, tmp_path, lang):
    """No usable shipped note (here: none at all): the page still opens, says the numbers are being computed
    (with the command that ships them), and shows them once the background job ends."""
    from tests.apptest import open_page
    from ui.texts.notes_checks import T

    real = S.NOTES_DIR
    monkeypatch.setattr(S, "NOTES_DIR", tmp_path / "no-notes")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    S._MEMORY.clear()
    S.REGISTRY.clear()
    try:
        at = open_page("views/tf_attention/page.py", lang=lang)
        if at.get("progress"):  # the usual case: the jobs outlast the page's first run
            assert any("--only notes" in i.value for i in at.info)
            # no shipped file at all: the message says so (not "made from other inputs")
            assert any(("has no shipped copy" if lang == "en" else "同梱の値がありません") in i.value for i in at.info)
            assert not any(("other inputs" if lang == "en" else "別の入力") in i.value for i in at.info)
        end = time.time() + 180
        while at.get("progress") and time.time() < end:
            time.sleep(0.3)
            at.run()
        assert not at.exception and not at.get("progress")
        columns = [set(d.value.columns) for d in at.dataframe]
        assert sum(T.t("nd_col_score", lang) in c for c in columns) == 2  # the two dicts, from the job's value
        assert any(T.t("pp_col_keys", lang) in c for c in columns)  # the position counts, from the other job
        S._MEMORY.clear()
        got = S.ready(N.position_pairs(lang))  # kept in the disk cache for the next process
        assert got is not None
        _close(got, S.shipped_record(f"position-pairs-{lang}", real)["value"])  # the numbers that ship
    finally:
        S._MEMORY.clear()
        S.REGISTRY.clear()
