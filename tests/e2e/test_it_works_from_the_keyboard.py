"""A whole call from the keyboard alone, with the focus always visible and never lost."""

from __future__ import annotations

import pytest

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { id: el.id, text: el.textContent.trim(), outline: style.outlineStyle };
}"""


def tab_to(console: ConsolePage, element_id: str, limit: int = 20) -> dict[str, str]:
    for _ in range(limit):
        console.page.keyboard.press("Tab")
        focused = console.page.evaluate(FOCUSED)
        if focused["id"] == element_id:
            return focused
    raise AssertionError(f"Tab never reached #{element_id}")


def focused(console: ConsolePage) -> dict[str, str]:
    return console.page.evaluate(FOCUSED)


def test_it_runs_a_call_from_the_keyboard(console: ConsolePage, upstream: SandboxControl) -> None:
    start = tab_to(console, "start")
    assert start["text"] == "Start call"
    assert start["outline"] == "solid"  # :focus-visible

    console.page.keyboard.press("Enter")
    console.wait_for_state("live")
    assert focused(console)["id"] == "mute"  # Start went disabled; the focus moved on

    console.page.keyboard.press("Space")
    assert console.page.get_attribute("#mute", "aria-pressed") == "true"
    console.page.keyboard.press("Space")
    assert console.page.get_attribute("#mute", "aria-pressed") == "false"

    assert tab_to(console, "end", limit=1)["text"] == "End call"
    console.page.keyboard.press("Enter")
    console.wait_for_state("ended")
    assert focused(console) == {"id": "start", "text": "Start a new call", "outline": "solid"}
