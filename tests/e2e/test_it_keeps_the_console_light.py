"""The console stays within its weight budget: HTML + JS + CSS ≤ 38 KB compressed (gzip, as
a server or proxy sends it), counted from what Chromium actually loads, plus the worklet.

The design's target is 30 KB, missed since issue 23 (calls taken back, reasons in words,
per-call context, the side panel, readable captions, hotkeys: ~7 KB); bench/README.md says
what the 37 KB are made of and what would win them back. This guard keeps it from growing."""

from __future__ import annotations

import gzip

import httpx
import pytest
from playwright.sync_api import Response

from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e

BUDGET_BYTES = 38 * 1024


def test_it_loads_under_38_kb_compressed_without_a_framework(console: ConsolePage) -> None:
    loaded: dict[str, int] = {}

    def count(response: Response) -> None:
        if response.request.resource_type in ("document", "script", "stylesheet"):
            loaded[response.url] = len(gzip.compress(response.body(), compresslevel=9))

    console.page.on("response", count)
    console.page.reload()
    console.wait_for_state("idle")
    worklet = f"{console.server.url}/static/js/mulaw-worklet.js"
    loaded[worklet] = len(gzip.compress(httpx.get(worklet, timeout=10).content, compresslevel=9))

    paths = {url.removeprefix(console.server.url) for url in loaded}
    assert {"/", "/static/js/console.js", "/static/js/stream.js", "/static/css/app.css"} <= paths
    assert sum(loaded.values()) <= BUDGET_BYTES, loaded
