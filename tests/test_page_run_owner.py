"""A training belongs to the browser that started it (issue 27, part 2).

The run token in the address bar is bound to a secret the browser keeps in a cookie (ui/owner.py,
core.runtime.sessions.owns): opened in another browser, a copied address gives exactly the page that no
token gives, with no sign that a training exists. Sharing on purpose is a separate `?watch=` link: the
progress and the loss curves, no buttons, no samples, not the name of the text.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.gpt.training_job import JobSettings, build_job
from core.runtime.sessions import LEASES, new_secret, new_token
from tests.apptest import APP, errors, in_browser

MARKER = "QX7-owner-marker"  # in the uploaded text and its file name, which the owner's page shows
TEXT = f"the cat sat on the mat. {MARKER} the dog sat on the log.\n" * 40
TRAIN, HELD = TEXT[: int(len(TEXT) * 0.9)], TEXT[int(len(TEXT) * 0.9):]
OWNER = new_secret()


def page_text(at: AppTest) -> str:
    """Everything the page sent to the browser, as text (every element's message)."""
    out, todo = [], [at._tree]  # the whole tree, not one element kind
    while todo:
        node = todo.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        todo.extend(getattr(node, "children", {}).values())
    return "\n".join(out)


def shape(at: AppTest) -> list:
    """What a reader sees of the page, token aside: texts of the messages, buttons and their states."""
    return [[m.value for m in at.markdown], [i.value for i in at.info], [w.value for w in at.warning],
            [(b.key, b.label, b.disabled) for b in at.button], len(at.get("progress")), len(at.get("plotly_chart"))]


def open_train(run: str | None = None, watch: str | None = None, secret: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if secret is not None:
        in_browser(at, secret)
    for k, v in (("run", run), ("watch", watch)):
        if v is not None:
            at.query_params[k] = v
    at.run()
    at.switch_page("views/gpt_train/page.py").run()
    assert not at.exception, errors(at)
    return at


@pytest.fixture
def owners_run():
    """A's training (finished, 3 steps) on a text with MARKER, held by A's session, as after A pressed Start."""
    token = new_token(OWNER)
    job = build_job(JobSettings(preset="tiny", max_iters=3, batch_size=4, eval_interval=0, eval_iters=1,
                                sample_interval=1), TRAIN, HELD, "cpu", f"{MARKER}.txt")
    job.threads = 1
    LEASES.attach(token, "a-session").replace(job)
    job.start()
    assert job.wait(60)
    yield token, job
    LEASES.detach(token, "a-session")
    LEASES.get(token).replace(None)


def test_the_owner_reattaches_and_sees_the_run(owners_run):
    token, job = owners_run
    at = open_train(run=token, secret=OWNER)  # A's reload: the same URL, the cookie's secret
    assert at.query_params["run"] == token and at.get("progress")
    assert MARKER in page_text(at)  # the name of A's upload, on A's page


@pytest.mark.parametrize("secret", [None, "other"])
def test_a_strangers_copy_of_the_address_gives_the_page_of_no_token(owners_run, secret):
    token, job = owners_run
    stranger = open_train(run=token, secret=new_secret() if secret else None)
    fresh = open_train(secret=new_secret() if secret else None)
    assert stranger.query_params["run"] != token  # a new token of its own, as with no token at all
    assert not stranger.get("progress") and MARKER not in page_text(stranger)
    assert shape(stranger) == shape(fresh)
    assert stranger.button(key="gpt_stop").disabled and stranger.button(key="gpt_reset").disabled
    assert LEASES.get(token).job is job  # A's run untouched
    assert LEASES.get(stranger.query_params["run"]) is None or LEASES.get(stranger.query_params["run"]).job is None


def test_a_hand_written_token_is_no_token():
    at = open_train(run="A" * 16, secret=OWNER)
    assert at.query_params["run"] != "A" * 16 and not at.get("progress")


def test_a_read_only_share_shows_progress_and_curves_only(owners_run):
    token, job = owners_run
    owner = open_train(run=token, secret=OWNER)
    owner.toggle(key="gpt_share").set_value(True).run()
    assert not owner.exception, errors(owner)
    links = [c.value for c in owner.code if "watch=" in c.value]
    assert len(links) == 1 and token not in links[0]
    link = links[0]
    share = link.split("watch=")[1].split("&")[0]
    viewer = open_train(watch=share, secret=new_secret())
    assert viewer.get("progress") and viewer.get("plotly_chart") and viewer.info
    assert not viewer.button and not viewer.get("download_button") and not viewer.text_input  # no Stop, Reset, samples
    assert MARKER not in page_text(viewer)  # neither the samples nor the text's name
    assert "run" not in viewer.query_params  # a watcher takes no run of its own
    assert LEASES.get(token).job is job
