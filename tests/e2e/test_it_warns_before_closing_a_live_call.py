"""Closing the tab during a call asks first; once the call has ended it does not."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Dialog

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def test_it_warns_before_closing_the_tab_during_a_call(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    console.page.on("dialog", stay)
    console.page.click("#start")
    console.wait_for_state("live")

    console.page.close(run_before_unload=True)
    deadline = time.monotonic() + 5
    while not dialogs and time.monotonic() < deadline:
        console.page.wait_for_timeout(50)
    assert dialogs == ["beforeunload"]
    assert console.state() == "live"

    console.page.click("#end")
    console.wait_for_state("ended")
    with console.page.expect_event("close", timeout=5000):
        console.page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]
