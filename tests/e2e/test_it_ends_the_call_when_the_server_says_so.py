"""The status socket is the server's truth: a call ended elsewhere ends on the page even when
its stream never says so (the stream's goodbye is lost here on purpose)."""

from __future__ import annotations

import pytest
from playwright.sync_api import WebSocketRoute

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, post_as

pytestmark = pytest.mark.e2e


def deaf_to_goodbyes(page_side: WebSocketRoute) -> None:
    """A stream whose session.ended message and close never reach the page."""
    server_side = page_side.connect_to_server()
    server_side.on_message(
        lambda message: None if '"session.ended"' in str(message) else page_side.send(message)
    )
    server_side.on_close(lambda code, reason: None)


def test_it_ends_the_call_when_the_server_says_so(
    console: ConsolePage, upstream: SandboxControl, charlie: object
) -> None:
    console.page.route_web_socket(lambda url: "/sandbox/" in url, deaf_to_goodbyes)
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]

    assert post_as(charlie, console.server, f"/api/sessions/{session_id}/end").status_code == 200

    console.wait_for_state("ended")
    assert console.page.locator("#state-detail").inner_text() == "by supervisor charlie"
    assert console.page.is_visible("#call-timeline li[data-kind='session.ended']")
    assert console.page.get_by_role("button", name="Start a new call").is_enabled()
    assert len(upstream.sessions()) == 1
