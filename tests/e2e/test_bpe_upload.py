"""An uploaded corpus on the BPE page trains in a background job (AppTest cannot drive an upload): the page
draws at once, then shows the learned merges when the job ends, with no exception and nothing fetched."""
from __future__ import annotations

import re
import time

from tests.e2e.conftest import EXTERNAL, exceptions, leaked, wait_idle

CORPUS = "".join(f"the lowest newest widest tokenizer number {i} learns {i * 7} merges\n" for i in range(1500))


def test_upload_trains_in_the_background_then_shows_its_merges(server, context, tmp_path):
    corpus = tmp_path / "my corpus.txt"
    corpus.write_text(CORPUS, encoding="utf-8")
    before = len(EXTERNAL)
    page = context.new_page()
    page.goto(f"{server.url}/tok_bpe")
    wait_idle(page)
    page.locator(".st-key-bpe_corpus").get_by_text("Upload a .txt file").click()
    wait_idle(page)
    page.locator(".st-key-bpe_upload input[type=file]").set_input_files(str(corpus))
    learned = re.compile(r"Learned [1-9][\d,]* merges")
    end = time.time() + 180
    while time.time() < end and not learned.search(page.inner_text('[data-testid="stMainBlockContainer"]')):
        page.wait_for_timeout(500)
    main = page.inner_text('[data-testid="stMainBlockContainer"]')
    assert learned.search(main), main[:2000]
    assert exceptions(page) == []
    assert leaked(EXTERNAL[before:]) == []
