"""A stream that drops mid-call reconnects with fresh credentials to the same session."""

from __future__ import annotations

import pytest
from playwright.sync_api import Request, WebSocketRoute

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_reconnects_a_dropped_stream_to_the_same_call(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    sockets: list[WebSocketRoute] = []

    def pass_through(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        sockets.append(socket)

    console.page.route_web_socket(lambda url: "/sandbox/" in url, pass_through)
    refreshes: list[Request] = []
    console.page.on(
        "request", lambda request: refreshes.append(request) if "/stream" in request.url else None
    )
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]
    console.final_caption("agent")

    sockets[0].close(code=1011, reason="network trouble")  # the page sees its stream drop
    console.wait_for_state("connecting", timeout=2)
    assert "reconnecting" in console.page.locator("#state-detail").inner_text()
    console.wait_for_state("live")

    assert len(sockets) == 2
    assert [r.url.removeprefix(console.server.url) for r in refreshes] == [
        f"/api/sessions/{session_id}/stream"
    ]
    assert console.stats()["sessionId"] == session_id
    sent = console.stats()["framesSent"]
    console.wait_until(lambda s: s["framesSent"] >= sent + 5, "audio after reconnecting")
    console.page.wait_for_selector("#captions li[data-speaker=agent][data-final=true] >> nth=1")
    assert len(upstream.sessions()) == 1
