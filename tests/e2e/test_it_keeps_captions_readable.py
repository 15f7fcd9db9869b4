"""Captions an agent can read all day: languages by name, the time of each final, a text size
the browser remembers, and reading back without being pulled down, with "Jump to latest"
once newer captions have arrived."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll
from tests.e2e.talk import speak

pytestmark = pytest.mark.e2e

# The browser's own local time of an ISO instant, as the captions should show it.
LOCAL_CLOCK = """iso => {
  const at = new Date(iso);
  return [at.getHours(), at.getMinutes(), at.getSeconds()]
    .map((n) => String(n).padStart(2, "0")).join(":");
}"""
SCROLLER = "#console .transcript__scroll"
CAPTIONS = "() => document.querySelectorAll('#captions li').length"


def test_it_names_languages_and_times_each_final(console: ConsolePage, upstream) -> None:
    console.page.goto(f"{console.server.url}/?source_language=en&target_language=es")
    console.wait_for_state("idle")
    console.page.click("#start")
    console.wait_for_state("live")
    console.final_caption("customer")

    for speaker, language, translated in (
        ("agent", "English", "Spanish"),
        ("customer", "Spanish", "English"),
    ):
        caption = console.page.locator(
            f"#captions li[data-speaker={speaker}][data-final=true]"
        ).first
        assert caption.locator(".caption__lang").inner_text() == language
        hidden = caption.locator(".caption__translation .visually-hidden").text_content()
        assert hidden == f"Translation ({translated}): "
        time = caption.locator("time")
        stamp = time.get_attribute("datetime")
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        assert re.fullmatch(r"\d\d:\d\d:\d\d", time.inner_text())
        assert time.inner_text() == console.page.evaluate(LOCAL_CLOCK, stamp)
    partial_times = console.page.locator("#captions li[data-final=false] time").count()
    assert partial_times == 0  # a partial is still being said: no time yet


def test_it_remembers_the_text_size(console: ConsolePage) -> None:
    page = console.page
    normal = page.locator("#captions").evaluate("list => getComputedStyle(list).fontSize")
    page.get_by_label("Text size").select_option(label="Extra large")
    larger = page.locator("#captions").evaluate("list => getComputedStyle(list).fontSize")
    assert float(larger.removesuffix("px")) > float(normal.removesuffix("px"))

    page.reload()
    console.wait_for_state("idle")
    assert page.get_by_label("Text size").input_value() == "x-large"
    assert page.locator("#captions").evaluate("list => getComputedStyle(list).fontSize") == larger


def test_it_lets_the_agent_read_back(console: ConsolePage, upstream: SandboxControl) -> None:
    page = console.page
    page.click("#start")
    console.wait_for_state("live")
    kallglot_id = CallSession.objects.get(public_id=console.stats()["sessionId"]).kallglot_id
    speak(upstream, kallglot_id, 12)
    scroller = page.locator(SCROLLER)
    poll(lambda: scroller.evaluate("s => s.scrollHeight > s.clientHeight * 1.5"), "overflow")
    jump = page.get_by_role("button", name="Jump to latest")
    assert not jump.is_visible()

    scroller.evaluate("s => { s.scrollTop = 0; }")
    seen = page.evaluate(CAPTIONS)
    # The customer answers each utterance in turn: captions (and partials of earlier
    # entries) keep arriving while the agent reads back.
    poll(lambda: page.evaluate(CAPTIONS) >= seen + 2, "newer captions", timeout=20)
    assert scroller.evaluate("s => s.scrollTop") == 0, "pulled down while reading back"
    assert jump.is_visible()

    jump.click()
    at_bottom = "s => s.scrollHeight - s.scrollTop - s.clientHeight < 2"
    assert scroller.evaluate(at_bottom)
    assert not jump.is_visible()
    assert page.evaluate("() => document.activeElement.matches('.transcript__scroll')")
    seen = page.evaluate(CAPTIONS)
    poll(lambda: page.evaluate(CAPTIONS) > seen, "a newer caption", timeout=20)
    poll(lambda: scroller.evaluate(at_bottom), "the newest caption to stay in sight")
    assert not jump.is_visible()
