"""Downloads in a real browser with every request off 127.0.0.1 refused: a chart's camera gives a real PNG
(named from the chart, 2x its size on screen), a table's button a CSV that Python reads back in Japanese,
and the bertviz button one HTML file that draws with no network at all, a hostile sentence inert in it."""
from __future__ import annotations

import csv
import io
import struct
import urllib.parse

import pytest

from tests.e2e.conftest import EXTERNAL, VIEWPORT, _local, exceptions, wait_idle

HOSTILE = "</script><script>alert(1)</script> <img src=x onerror=alert(2)> cat"


@pytest.fixture
def offline(browser):
    """A context whose requests for anything but the app are aborted (not only recorded)."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", accept_downloads=True)
    refused: list[str] = []

    def gate(route):
        if _local(route.request.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            EXTERNAL.append(route.request.url)  # the suite's check (no_outbound_requests) sees it too
            route.abort()

    ctx.route("**/*", gate)
    ctx.set_default_timeout(60_000)
    yield ctx, refused
    ctx.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return struct.unpack(">II", data[16:24])  # IHDR: width, height


def test_chart_camera_saves_a_named_png_at_twice_the_size_offline(server, offline):
    ctx, refused = offline
    page = ctx.new_page()
    page.goto(f"{server.url}/lm_chain_rule")
    wait_idle(page)
    chart = page.locator(".st-key-chain_chart, [data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    chart.hover()
    camera = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    camera.wait_for(state="visible")
    with page.expect_download() as got:
        camera.click()
    dl = got.value
    assert dl.suggested_filename == "atlas-chain_chart.png"
    width, height = png_size(open(dl.path(), "rb").read())
    assert abs(width - 2 * box["width"]) <= 4 and height >= 400, (width, height, box)
    assert refused == [] and exceptions(page) == []


def test_table_csv_downloads_and_reads_back_in_japanese(server, offline):
    ctx, _ = offline
    page = ctx.new_page()
    sentence = "吾輩は猫である。"
    page.goto(f"{server.url}/lm_chain_rule?lang={urllib.parse.quote('日本語')}&chain_text={urllib.parse.quote(sentence)}")
    wait_idle(page)
    with page.expect_download() as got:
        page.locator(".st-key-chain_csv button").first.click()
    dl = got.value
    assert dl.suggested_filename == "atlas-chain_rule_tokens.csv"
    data = open(dl.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "トークン" and "".join(r[0] for r in rows[1:]).startswith("吾輩は猫"), rows[:4]


def test_bertviz_file_draws_offline_and_keeps_a_hostile_sentence_inert(server, offline, browser, tmp_path):
    ctx, refused = offline
    page = ctx.new_page()
    page.goto(f"{server.url}/tf_multihead?mha_text={urllib.parse.quote(HOSTILE)}")
    wait_idle(page)
    button = page.locator(".st-key-mha_bv_html button").first
    button.scroll_into_view_if_needed()
    with page.expect_download() as got:
        button.click()
    dl = got.value
    assert dl.suggested_filename == "atlas-bertviz_head.html"
    saved = tmp_path / dl.suggested_filename  # the browser keeps downloads under a random name, no ".html"
    dl.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "<img" not in html and "<script>alert" not in html

    # Open the file as a reader would, from disk, in a context where no request at all may leave.
    reader = browser.new_context(viewport=VIEWPORT)
    fetched: list[str] = []
    reader.route("**/*", lambda r: (fetched.append(r.request.url), r.abort()) if not r.request.url.startswith("file:")
                 else r.continue_())
    dialogs: list[str] = []
    try:
        view = reader.new_page()
        view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        view.goto(saved.as_uri())
        view.wait_for_selector("#vis svg text", state="attached", timeout=30_000)  # bertviz drew its tokens
        assert view.locator("#vis svg text").count() >= 3  # the sentence's tokens, drawn as text
        assert view.locator("img").count() == 0 and dialogs == [] and fetched == []
    finally:
        reader.close()
    assert refused == [] and exceptions(page) == []
