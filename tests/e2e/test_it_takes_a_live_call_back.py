"""A live call outlives its page: a reload takes the same call back (its captions so far, its
clock, the tone still reaching Kallglot), a second tab takes it over and the first can take it
back, and a call whose every page has gone away is ended by the server after CALL_PAGE_GRACE."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Dialog, Page

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.conftest import BURST_S, TONE_HZ
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e


def leave(dialog: Dialog) -> None:
    dialog.accept()  # "Leave page" / "Reload"


def captions(page: Page) -> list[str]:
    return page.locator("#captions li[data-final=true] .caption__text").all_inner_texts()


def clock_seconds(page: Page) -> int:
    minutes, seconds = page.locator("#call-timer").inner_text().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def start_call(console: ConsolePage) -> CallSession:
    console.page.on("dialog", leave)
    console.page.click("#start")
    console.wait_for_state("live")
    console.final_caption("customer")  # a whole exchange, stored as segments too
    return CallSession.objects.get(public_id=console.stats()["sessionId"])


def test_a_reload_takes_the_same_call_back(
    console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    call = start_call(console)
    said = captions(console.page)
    time.sleep(2)  # the clock is past 00:02 when the page goes
    heard = app_webhooks.audio(call.kallglot_id)

    console.page.reload()

    console.wait_for_state("live")
    assert console.stats()["sessionId"] == str(call.public_id)
    assert CallSession.objects.count() == 1
    assert CallSession.objects.get(pk=call.pk).status == "active"
    poll(lambda: set(said) <= set(captions(console.page)), "the earlier captions back")
    assert clock_seconds(console.page) >= 2  # from the call's start, not the reload
    # The microphone streams into the same call again: more of the tone reaches Kallglot.
    poll(
        lambda: (
            app_webhooks.audio(call.kallglot_id)["voiced_seconds"]
            >= heard["voiced_seconds"] + BURST_S * 0.8
        ),
        "a tone burst after the reload",
    )
    audio = app_webhooks.audio(call.kallglot_id)
    assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)
    assert audio["invalid_frames"] == 0
    assert console.errors == []


def test_a_second_tab_takes_the_call_over_and_the_first_takes_it_back(
    console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    call = start_call(console)
    second = ConsolePage(console.page.context.new_page(), console.server)
    second.page.goto(f"{console.server.url}/")

    second.wait_for_state("live")
    console.wait_for_state("moved")
    assert second.stats()["sessionId"] == str(call.public_id)
    assert "another tab" in console.page.locator(".callstate").inner_text()
    sent = console.stats()["framesSent"]
    second.wait_until(lambda s: s["framesSent"] >= 5, "the second tab streaming")
    assert console.stats()["framesSent"] == sent  # the first tab stopped streaming

    take_back = console.page.get_by_role("button", name="Take the call back")
    take_back.click()
    console.wait_for_state("live")
    second.wait_for_state("moved")
    assert CallSession.objects.get(pk=call.pk).status == "active"

    console.page.click("#end")
    console.wait_for_state("ended")
    second.wait_for_state("ended")


def test_a_call_no_page_holds_ends_after_the_grace(
    console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    call = start_call(console)

    console.page.goto(f"{console.server.url}/sessions/")

    # Leaving alone ends nothing: a reload or another tab could still take the call back.
    assert CallSession.objects.get(pk=call.pk).status == "active"
    ended = poll(
        lambda: CallSession.objects.filter(pk=call.pk, status="ended").first(),
        "the server ending the call no page holds",
    )
    assert ended.end_reason == "console_closed"
    assert app_webhooks.session(call.kallglot_id)["status"] == "ended"


def test_an_idle_console_is_offered_a_call_whose_tab_closed(
    console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    other = ConsolePage(console.page.context.new_page(), console.server)
    other.page.goto(f"{console.server.url}/")
    other.wait_for_state("idle")
    call = start_call(other)
    offer = console.page.locator("#unheld")
    assert offer.is_hidden()  # held by the other tab

    other.page.close(run_before_unload=False)  # the tab crashes

    offer.wait_for(state="visible")
    assert "ends in" in offer.inner_text()
    offer.get_by_role("button", name="Take the call here").click()
    console.wait_for_state("live")
    assert console.stats()["sessionId"] == str(call.public_id)
    assert offer.is_hidden()
    time.sleep(4.5)  # past the test server's CALL_PAGE_GRACE (4 s): taken back, it runs on
    assert CallSession.objects.get(pk=call.pk).status == "active"
