"""The agent's desk on a console page, as a test sees it: the agent's state, the call that
rings (its panel, tone and title), the wrap-up form; and what a supervisor's board was sent."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator

from tests.e2e.pages import BoardPage, ConsolePage, poll

TITLE = "Console · Kallglot"


def agent_state(console: ConsolePage) -> str:
    return console.page.locator("#agent-state").inner_text()


def wait_for_agent_state(console: ConsolePage, label: str, timeout: float = 15) -> None:
    poll(lambda: agent_state(console) == label, f"{label}: {console.describe()}", timeout)


def wait_at_desk(console: ConsolePage) -> None:
    """The page holds its agent socket (the queues count it present)."""
    console.page.locator("#desk[data-socket=open]").wait_for()


def ring_panel(console: ConsolePage) -> Locator:
    return console.page.get_by_role("alertdialog", name="Incoming call")


def notice(console: ConsolePage) -> str:
    return console.page.locator("#desk-notice").inner_text()


def focused_id(console: ConsolePage) -> str:
    return console.page.evaluate("() => document.activeElement.id")


def ringing(console: ConsolePage) -> str:
    return console.stats()["ringing"]


def board_sent(board: BoardPage, wanted: Any) -> bool:
    """Whether a `queues` message the board's socket received passes `wanted`."""
    board.page.evaluate("() => null")  # pumps the page's events
    return any(wanted(m) for m in board.messages if m.get("type") == "queues")


def queue_row(message: dict, label: str) -> dict:
    return next((row for row in message["queues"] if row["label"] == label), {})


def agent_row(message: dict, name: str) -> dict:
    return next((row for row in message["agents"] if row["name"] == name), {})
