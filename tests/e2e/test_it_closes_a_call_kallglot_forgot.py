"""A call Kallglot forgot (a restart that lost its state) is closed here by the agent's End:
the console says why, the call stops counting as open, and the board lists it as ended."""

from __future__ import annotations

import pytest
from playwright.sync_api import WebSocketRoute

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import BoardPage, ConsolePage, poll

pytestmark = pytest.mark.e2e


def test_the_agents_end_closes_a_call_kallglot_forgot(
    console: ConsolePage, board: BoardPage, upstream: SandboxControl
) -> None:
    def hide_upstream_closes(socket: WebSocketRoute) -> None:
        # The page keeps its stream "open" when the sandbox drops it, so that its End (not a
        # reconnect) meets Kallglot's 404 first.
        server = socket.connect_to_server()
        server.on_close(lambda code, reason: None)

    console.page.route_web_socket(lambda url: "/sandbox/" in url, hide_upstream_closes)
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]
    board.row(session_id).wait_for()
    call = CallSession.objects.get(public_id=session_id)

    upstream.call("POST", f"_control/sessions/{call.kallglot_id}/forget")
    console.page.click("#end")

    console.wait_for_state("ended")
    detail = console.page.locator("#state-detail")
    poll(lambda: "Kallglot no longer knew it" in detail.inner_text(), "the reason, in words")
    call.refresh_from_db()
    assert (call.status, call.end_reason) == ("ended", "upstream_lost")
    board.row(session_id).wait_for(state="detached")
    ended = board.page.locator(f"#ended-calls li[data-session='{session_id}']")
    ended.wait_for()
    assert ended.inner_text().endswith("alice: Kallglot no longer knew this call")
    assert console.alert() == ""
