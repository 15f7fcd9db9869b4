"""A call a supervisor ends is shown as ended, and no new call replaces it by itself."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Request

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, post_as

pytestmark = pytest.mark.e2e


def test_it_shows_a_call_ended_by_a_supervisor(
    console: ConsolePage, upstream: SandboxControl, charlie: object
) -> None:
    creates: list[Request] = []
    console.page.on(
        "request",
        lambda request: creates.append(request) if request.url.endswith("/api/sessions") else None,
    )
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]

    response = post_as(charlie, console.server, f"/api/sessions/{session_id}/end")
    assert response.status_code == 200

    console.wait_for_state("ended")
    assert console.page.locator("#state-label").inner_text() == "Call ended"
    assert console.page.is_disabled("#end")
    assert console.page.get_by_role("button", name="Start a new call").is_enabled()
    time.sleep(1)  # long enough for any automatic reconnect or restart to show itself
    assert console.state() == "ended"
    assert len(creates) == 1
    assert len(upstream.sessions()) == 1
