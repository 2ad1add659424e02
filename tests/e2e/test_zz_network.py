"""Last test of the e2e suite (files run in name order): no request left 127.0.0.1 during the whole suite.

Every browser context the suite opened recorded requests for any other host (conftest.new_context).
"""
from __future__ import annotations

import json

from tests.e2e.conftest import EXTERNAL, SLOW, leaked


def test_no_request_left_localhost_during_the_suite(browser):
    print("e2e page seconds:", json.dumps(dict(sorted(SLOW.items(), key=lambda kv: -kv[1]))))
    bad = leaked(EXTERNAL)
    assert bad == [], sorted(set(bad))[:20]
