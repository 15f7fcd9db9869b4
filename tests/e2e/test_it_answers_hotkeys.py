"""The console's keyboard shortcuts, documented on the page and on each button for screen
readers: Alt+Shift+A accepts a ringing call, Alt+Shift+M mutes, Alt+Shift+E ends the call as
the End button does, Alt+Shift+D declines; none of them fires while the agent types in a
text field."""

from __future__ import annotations

import pytest

from tests.e2e.desks import ring_panel, wait_at_desk
from tests.e2e.pages import ConsolePage, poll
from tests.telephony.inbound import at_desk, make_queue, ring

pytestmark = pytest.mark.e2e

SHORTCUTS = {
    "accept": "Alt+Shift+A",
    "decline": "Alt+Shift+D",
    "mute": "Alt+Shift+M",
    "end": "Alt+Shift+E",
}


def test_it_runs_an_inbound_call_by_hotkeys(console: ConsolePage, alice, upstream) -> None:
    page = console.page
    for button, keys in SHORTCUTS.items():
        assert page.get_attribute(f"#{button}", "aria-keyshortcuts") == keys
    page.get_by_text("Keyboard shortcuts").click()
    help_text = page.locator(".shortcuts").inner_text()
    assert all(keys in help_text for keys in SHORTCUTS.values())

    make_queue(ring_seconds=30)
    at_desk(alice)
    page.reload()
    console.wait_for_state("idle")
    wait_at_desk(console)
    ring(console.server)
    ring_panel(console).wait_for()

    page.get_by_text("Call reference (optional)").click()
    page.get_by_label("Customer ID").click()  # typing: the shortcut is the field's
    page.keyboard.press("Alt+Shift+KeyA")
    page.wait_for_timeout(300)
    assert console.state() == "idle"
    assert ring_panel(console).is_visible()

    page.locator("#captions-title").click()  # out of the field
    page.keyboard.press("Alt+Shift+KeyA")
    console.wait_for_state("live")

    page.keyboard.press("Alt+Shift+KeyM")
    assert page.get_attribute("#mute", "aria-pressed") == "true"
    page.keyboard.press("Alt+Shift+KeyM")
    assert page.get_attribute("#mute", "aria-pressed") == "false"

    page.keyboard.press("Alt+Shift+KeyE")
    console.wait_for_state("ended")
    assert page.locator("#state-detail").inner_text() == "by you"  # as End's own click
    assert console.errors == []


def test_it_declines_by_hotkey(console: ConsolePage, alice, upstream) -> None:
    make_queue(ring_seconds=30)
    at_desk(alice)
    page = console.page
    page.reload()
    console.wait_for_state("idle")
    wait_at_desk(console)
    ring(console.server)
    ring_panel(console).wait_for()

    page.keyboard.press("Alt+Shift+KeyD")
    ring_panel(console).wait_for(state="hidden")
    poll(lambda: console.state() == "idle", "the console to stay idle")
    page.keyboard.press("Alt+Shift+KeyE")  # no call: End is disabled, nothing happens
    assert console.state() == "idle"
