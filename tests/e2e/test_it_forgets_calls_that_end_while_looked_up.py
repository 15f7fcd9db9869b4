"""A call the board is still looking up when it ends never shows up on the board: a slow
answer about the call ("created") must not outlive the call's end."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import SandboxControl
from tests.e2e.pages import BoardPage, ConsolePage, poll

pytestmark = pytest.mark.e2e


def test_it_forgets_calls_that_end_while_looked_up(
    board: BoardPage, console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    lookups: list[Route] = []
    board.page.route("**/api/sessions/*", lambda route: lookups.append(route))
    console.page.click("#start")
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]
    poll(lambda: board.page.evaluate("() => true") and lookups, "the board to look the call up")
    answer = lookups[0].fetch()  # the call as it is now, before it ends
    assert answer.json()["status"] != "ended"

    console.page.click("#end")
    console.wait_for_state("ended")
    poll(lambda: board.received("session.ended", session_id), "session.ended on the board")
    for lookup in lookups:
        lookup.fulfill(response=answer)

    with pytest.raises(PlaywrightTimeoutError):
        board.row(session_id).wait_for(timeout=1000)
    assert board.page.locator("#board-empty").is_visible()
    assert board.errors == []
