"""With the server stopped mid-call, the console stops reconnecting after
CONSOLE_RECONNECT_LIMIT, says so, stops its timer and offers Reconnect and End. Once the server
is back (a restart whose sandbox forgot the call), Reconnect closes the call with that reason."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from sessions_app.models import CallSession
from tests.conftest import LiveServer, start_daphne
from tests.e2e.pages import ConsolePage, open_console

pytestmark = pytest.mark.e2e

LIMIT_S = 4


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[list[LiveServer]]:
    """A server of this test's own, which it stops and starts again (the last one stays up)."""
    servers = [start_daphne(tmp_path, CONSOLE_RECONNECT_LIMIT=str(LIMIT_S))]
    yield servers
    servers[-1].stop()


def test_it_gives_up_on_a_lost_server_and_closes_a_forgotten_call(
    browser: Browser, own_server: list[LiveServer], alice: object
) -> None:
    server = own_server[0]
    with open_console(browser, server, alice) as console:
        console.page.click("#start")
        console.wait_for_state("live")
        session_id = console.stats()["sessionId"]
        time.sleep(1.2)  # the timer shows a second or two

        server.kill()
        console.wait_for_state("connecting", timeout=5)
        lost_at = time.monotonic()
        console.wait_for_state("error", timeout=LIMIT_S + 8)

        assert time.monotonic() - lost_at < LIMIT_S + 8
        assert console.alert() == (
            f"The connection has been lost for {LIMIT_S} s. The call may still be open:"
            " press Reconnect to try again, or End call."
        )
        assert console.page.get_by_role("button", name="Reconnect").is_enabled()
        assert console.page.is_enabled("#end")
        assert_the_timer_stopped(console)

        own_server.append(start_daphne(server.log_path.parent, port=server.port))
        console.page.get_by_role("button", name="Reconnect").click()

        console.wait_for_state("ended")
        detail = console.page.locator("#state-detail")
        poll_text(detail, "because Kallglot no longer knew it")
        call = CallSession.objects.get(public_id=session_id)
        assert (call.status, call.end_reason) == ("ended", "upstream_lost")


def assert_the_timer_stopped(console: ConsolePage) -> None:
    shown = console.page.locator("#call-timer").inner_text()
    assert shown not in ("", "00:00")
    time.sleep(1.5)
    assert console.page.locator("#call-timer").inner_text() == shown


def poll_text(locator: object, text: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while text not in locator.inner_text():
        assert time.monotonic() < deadline, f"never {text!r}: {locator.inner_text()!r}"
        time.sleep(0.1)
