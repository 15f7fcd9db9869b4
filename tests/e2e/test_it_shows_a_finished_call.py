"""After a real call in Chromium, its page shows the transcript of both sides with their
translations, plays the recording in the page, and shows an analysis requested there as soon
as Kallglot finishes it, without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from sessions_app.models import Analysis, CallSession, Recording, SessionEvent
from sessions_app.templatetags.calls import score
from tests.conftest import SandboxControl
from tests.e2e.pages import FRAME_S, ConsolePage, poll

pytestmark = pytest.mark.e2e

PLAY = """async () => {
  const audio = document.querySelector("#recordings audio");
  await audio.play();
  return audio.paused;
}"""
PLAYER = """() => {
  const audio = document.querySelector("#recordings audio");
  return { time: audio.currentTime, ready: audio.readyState, duration: audio.duration,
           error: audio.error && audio.error.code };
}"""


def test_it_shows_a_finished_call(console: ConsolePage, app_webhooks: SandboxControl) -> None:
    session, agent, customer = finished_call(console)
    sent_s = console.stats()["framesSent"] * FRAME_S
    page = console.page
    page.goto(f"{console.server.url}/sessions/{session.public_id}/")

    agent_turn = page.locator("#turns .turn--agent").first
    customer_turn = page.locator("#turns .turn--customer").first
    assert agent_turn.locator(".turn__text").inner_text() == agent["text"]
    assert agent_turn.locator(".turn__translation").inner_text() == f"es: {agent['translation']}"
    assert customer_turn.locator(".turn__text").inner_text() == customer["text"]
    assert customer_turn.locator(".turn__translation").inner_text() == (
        f"en: {customer['translation']}"
    )

    recording = Recording.objects.get(session=session)
    assert recording.duration_seconds == pytest.approx(sent_s, abs=0.5)
    assert_it_plays(page, recording.duration_seconds)

    page.evaluate("() => { window.sameDocument = true; }")
    page.click("#analysis-request")
    facts = analysis_facts(page)
    analysis = Analysis.objects.get(session=session)
    assert analysis.status == "completed"
    assert facts["Summary"] == analysis.summary
    agents, customers = (
        page.locator(f"#turns .turn--{who}").count() for who in ("agent", "customer")
    )
    assert f"with {agents} agent and {customers} customer turns" in analysis.summary
    assert facts["Sentiment (agent)"] == analysis.sentiment["agent"]
    assert facts["Sentiment (customer)"] == analysis.sentiment["customer"]
    assert facts["Performance"] == score(analysis.performance["score"])  # "86 / 100"
    assert page.locator("#analyses .analysis").count() == 1
    added = page.locator("#timeline li[data-kind='analysis.complete']")
    assert added.count() == 1
    assert added.inner_text().endswith(" Analysis ready")
    assert page.evaluate("() => window.sameDocument") is True
    assert console.errors == []


def finished_call(console: ConsolePage) -> tuple[CallSession, dict[str, str], dict[str, str]]:
    """A call with a turn of each side, ended, its transcript and recording applied."""
    console.page.goto(f"{console.server.url}/?source_language=en&target_language=es")
    console.wait_for_state("idle")
    console.page.click("#start")
    console.wait_for_state("live")
    session = CallSession.objects.get(public_id=console.stats()["sessionId"])
    agent = console.final_caption("agent")
    customer = console.final_caption("customer")
    console.page.click("#end")
    console.wait_for_state("ended")
    applied = SessionEvent.objects.filter(session=session)
    poll(lambda: applied.filter(kind="transcript.ready").exists(), "transcript.ready")
    poll(lambda: applied.filter(kind="recording.ready").exists(), "recording.ready")
    return session, agent, customer


def assert_it_plays(page: Page, duration: float) -> None:
    assert page.evaluate(PLAY) is False  # playing: play() resolved, not paused
    player = poll(
        lambda: (state := page.evaluate(PLAYER))["time"] > 0.2 and state["ready"] >= 2 and state,
        "the recording to play",
    )
    assert player["error"] is None
    assert player["duration"] == pytest.approx(duration, abs=0.05)


def analysis_facts(page: Page) -> dict[str, str]:
    """The finished analysis card's terms and values, once it appears."""
    card = page.locator("#analyses .analysis--completed")
    card.wait_for()
    terms, values = card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))
