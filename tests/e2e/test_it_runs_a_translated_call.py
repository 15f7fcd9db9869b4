"""A whole call in real Chromium: the fake microphone's tone reaches Kallglot intact, both
sides' captions arrive translated, the customer is heard, mute stops audio, End ends it."""

from __future__ import annotations

import time

import pytest

from sessions_app.models import CallSession
from tests.conftest import SandboxControl
from tests.e2e.conftest import BURST_S, BURSTS, GAP_S, TONE_HZ
from tests.e2e.pages import FRAME_S, ConsolePage

pytestmark = pytest.mark.e2e


def test_it_runs_a_translated_call(console: ConsolePage, upstream: SandboxControl) -> None:
    # Opened from a CRM: the query string fills in the form and becomes the call's metadata.
    console.page.goto(f"{console.server.url}/?source_language=en&target_language=es&ticket_id=T-7")
    console.wait_for_state("idle")
    assert console.page.get_by_label("Customer's language").input_value() == "es"
    console.page.click("#start")
    console.wait_for_state("live")
    assert console.page.get_by_role("status").inner_text() == "Live"  # the clock stays out
    assert console.page.locator("#captions").get_attribute("aria-live") == "polite"
    session_id = console.stats()["sessionId"]
    session = CallSession.objects.get(public_id=session_id)
    assert (session.source_language, session.target_language) == ("en", "es")
    assert session.metadata == {"ticket_id": "T-7"}
    kallglot_id = session.kallglot_id

    agent = console.final_caption("agent")
    customer = console.final_caption("customer")
    assert (agent["language"], agent["translation_language"]) == ("en", "es")
    assert (customer["language"], customer["translation_language"]) == ("es", "en")
    assert agent["text"]
    assert agent["translation"] not in ("", agent["text"])
    assert customer["text"]
    assert customer["translation"] not in ("", customer["text"])
    console.wait_until(lambda s: s["audioFramesPlayed"] >= 5, "customer audio to play")

    # Every burst sent (and its utterance closed) before muting, so that the tone's whole
    # duration can be checked upstream. The microphone's file is always at least as far
    # along as the audio sent, which began only once the call was live.
    all_bursts_s = BURSTS * (BURST_S + GAP_S) + 1
    console.wait_until(lambda s: s["framesSent"] * FRAME_S >= all_bursts_s, "all bursts", 12)
    assert_mute_stops_frames(console, upstream, kallglot_id)

    console.page.click("#end")
    console.wait_for_state("ended")
    assert upstream.session(kallglot_id)["status"] == "ended"
    assert CallSession.objects.get(public_id=session_id).status == "ended"
    assert console.page.locator("#state-label").inner_text() == "Call ended"
    history = console.page.get_by_role("link", name="Open this call in History")
    assert history.get_attribute("href") == f"/sessions/{session_id}/"

    audio = upstream.audio(kallglot_id)
    sent_s = console.stats()["framesSent"] * FRAME_S
    assert audio["sample_rate"] == 8000
    assert audio["frames"] == console.stats()["framesSent"]
    assert audio["invalid_frames"] == 0
    assert audio["dominant_frequency_hz"] == pytest.approx(TONE_HZ, rel=0.02)
    assert audio["seconds"] == pytest.approx(sent_s, rel=0.10)
    assert audio["voiced_seconds"] == pytest.approx(BURSTS * BURST_S, rel=0.10)
    assert console.errors == []


def assert_mute_stops_frames(console: ConsolePage, upstream: SandboxControl, kallglot_id: str):
    console.page.click("#mute")
    assert console.page.get_attribute("#mute", "aria-pressed") == "true"
    assert console.page.is_visible("#muted-banner")
    time.sleep(0.4)  # a frame already on the wire when Mute was pressed may still land
    sent, received = console.stats()["framesSent"], upstream.audio(kallglot_id)["frames"]
    console.wait_until(lambda s: s["framesMuted"] >= 6, "a second of muted audio")
    assert console.stats()["framesSent"] == sent
    assert upstream.audio(kallglot_id)["frames"] == received

    console.page.click("#mute")
    assert console.page.get_attribute("#mute", "aria-pressed") == "false"
    assert not console.page.is_visible("#muted-banner")
    console.wait_until(lambda s: s["framesSent"] >= sent + 3, "frames after unmuting")
