"""A stream token that expired before the page connected is renewed, and the call goes on."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Request, Route

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_refreshes_a_token_that_expired_before_connecting(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    upstream.config(token_lifetime_s=1)

    def deliver_late(route: Route) -> None:
        response = route.fetch()
        time.sleep(1.5)  # the token in this response is stale by the time the page uses it
        route.fulfill(response=response)

    console.page.route(lambda url: url.endswith("/api/sessions"), deliver_late)
    refreshes: list[Request] = []
    console.page.on(
        "request", lambda request: refreshes.append(request) if "/stream" in request.url else None
    )

    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]

    assert [(r.method, r.url.removeprefix(console.server.url)) for r in refreshes] == [
        ("POST", f"/api/sessions/{session_id}/stream")
    ]
    assert console.stats()["reconnects"] == 1
    assert console.final_caption("agent")["translation"]
    assert len(upstream.sessions()) == 1
