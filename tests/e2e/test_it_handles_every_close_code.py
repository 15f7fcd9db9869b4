"""Each close code of the stream socket leads where it should: a refused token to fresh
credentials and the same call, an ended session to "ended", an unknown one to "ended" too,
once the server has closed it."""

from __future__ import annotations

import pytest
from playwright.sync_api import WebSocketRoute

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_call(console: ConsolePage) -> tuple[ConsolePage, list[WebSocketRoute]]:
    """A live call whose stream sockets pass through the test, which can close them."""
    sockets: list[WebSocketRoute] = []

    def pass_through(socket: WebSocketRoute) -> None:
        socket.connect_to_server()
        sockets.append(socket)

    console.page.route_web_socket(lambda url: "/sandbox/" in url, pass_through)
    console.page.click("#start")
    console.wait_for_state("live")
    return console, sockets


@pytest.mark.parametrize(("code", "reason"), [(4001, "invalid_token"), (4002, "expired_token")])
def test_it_renews_a_refused_token_and_goes_on(
    live_call: tuple[ConsolePage, list[WebSocketRoute]],
    upstream: SandboxControl,
    code: int,
    reason: str,
) -> None:
    console, sockets = live_call
    sockets[0].close(code=code, reason=reason)
    console.wait_until(lambda s: s["reconnects"] == 1, "a reconnect")
    console.wait_for_state("live")
    assert len(sockets) == 2
    assert len(upstream.sessions()) == 1
    sent = console.stats()["framesSent"]
    console.wait_until(lambda s: s["framesSent"] > sent, "audio on the new socket")


def test_it_shows_a_session_ended_upstream_as_ended(
    live_call: tuple[ConsolePage, list[WebSocketRoute]],
) -> None:
    console, sockets = live_call
    sockets[0].close(code=4409, reason="session_ended")
    console.wait_for_state("ended")
    assert console.stats()["reconnects"] == 0
    assert "elsewhere" in console.page.locator("#state-detail").inner_text()
    assert console.page.get_by_role("button", name="Start a new call").is_enabled()


def test_it_closes_a_session_unknown_upstream(
    live_call: tuple[ConsolePage, list[WebSocketRoute]],
) -> None:
    console, sockets = live_call
    sockets[0].close(code=4404, reason="session_not_found")
    console.wait_for_state("ended")
    assert console.alert().startswith("Kallglot no longer knew this call")
    assert console.stats()["reconnects"] == 0
    assert console.page.is_disabled("#end")
    assert console.page.get_by_role("button", name="Start a new call").is_enabled()
    call = CallSession.objects.get(public_id=console.stats()["sessionId"])
    assert call.status == "ended"  # the server was asked to end it: not open any more
