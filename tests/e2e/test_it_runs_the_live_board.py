"""A supervisor's live board in real Chromium: an agent's call appears on it, turns live when
audio flows, shows its captions when watched, and is ended from it; the agent's console then
shows the call ended."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import BoardPage, ConsolePage, poll

pytestmark = pytest.mark.e2e


def test_it_runs_the_live_board(
    board: BoardPage, console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    console.page.goto(f"{console.server.url}/?source_language=en&target_language=es&ticket_id=T-9")
    console.wait_for_state("idle")
    console.page.click("#start")
    console.page.click("#mute")  # while the call connects: no audio reaches Kallglot yet
    console.wait_for_state("live")
    session_id = console.stats()["sessionId"]

    row = board.row(session_id)
    row.wait_for()
    assert cells(row) == [
        "alice",
        "created",
        "Browser",
        "en → es",
        "ticket_id: T-9",
        "not live yet",
    ]
    assert console.stats()["framesSent"] == 0

    row.get_by_role("button", name="Watch captions").click()
    assert board.page.locator("#watch-name").inner_text() == "(alice)"
    console.page.click("#mute")  # unmuted: audio flows, Kallglot reports the call started
    poll(lambda: row.get_attribute("data-status") == "active", "the call to turn live")
    assert cells(row)[1] == "live"
    assert_the_clock_runs(row)

    for speaker, spoken, translated in (("agent", "en", "es"), ("customer", "es", "en")):
        heard = console.final_caption(speaker)
        caption = (f"{speaker} ({spoken})", heard["text"], f"{translated}: {heard['translation']}")
        assert board_caption(board.page, speaker) == caption

    row.get_by_role("button", name="End call").click()
    board.page.get_by_role("button", name="End the call").click()  # asked first
    row.wait_for(state="detached")
    console.wait_for_state("ended")
    kallglot_id = CallSession.objects.get(public_id=session_id).kallglot_id
    assert app_webhooks.session(kallglot_id)["status"] == "ended"
    assert CallSession.objects.get(public_id=session_id).status == "ended"
    assert board.page.locator("#board-empty").is_visible()
    assert console.errors == []
    assert board.errors == []


def cells(row: Locator) -> list[str]:
    return row.locator("td").all_inner_texts()[:6]


def assert_the_clock_runs(row: Locator) -> None:
    duration = row.locator(".board__duration")
    first = duration.inner_text()
    assert re.fullmatch(r"\d+:\d\d", first)
    poll(lambda: duration.inner_text() != first, "the call's duration to tick")


def board_caption(board: Page, speaker: str) -> tuple[str, str, str]:
    """The first caption of `speaker` among the watched call's captions on the board."""
    caption = board.locator(f"#watch-captions .turn--{speaker}").first
    caption.locator(".turn__translation").wait_for()
    parts = (".turn__who", ".turn__text", ".turn__translation")
    return tuple(caption.locator(part).inner_text() for part in parts)
