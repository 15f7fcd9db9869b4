"""During a call the console's timeline follows the server's events live, without a reload:
Created, Live once audio flows, Ended, then Transcript ready and Recording ready."""

from __future__ import annotations

import re

import pytest

from sessions_app.models import SessionEvent
from tests.conftest import LiveServer, SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e

TIMELINE = """() => [...document.querySelectorAll("#call-timeline li")].map((item) => ({
  seq: Number(item.dataset.seq), kind: item.dataset.kind, text: item.textContent,
  at: item.querySelector("time").dateTime,
}))"""
SHOWN = {
    "session.created": "Created",
    "session.started": "Live",
    "session.ended": "Ended by the agent",  # the event's own words (end_reasons.py)
    "transcript.ready": "Transcript ready",
    "recording.ready": "Recording ready",
}


def entry(console: ConsolePage, kind: str) -> None:
    console.page.wait_for_selector(f"#call-timeline li[data-kind='{kind}']")


def test_it_shows_the_call_timeline_live(
    console: ConsolePage, upstream: SandboxControl, live_server_daphne: LiveServer
) -> None:
    upstream.config(webhook_url=f"{live_server_daphne.url}/webhooks/kallglot")
    page = console.page
    page.evaluate("() => { window.sameDocument = true; }")
    assert page.is_hidden("#call-timeline")

    page.click("#start")
    entry(console, "session.created")
    console.wait_for_state("live")
    entry(console, "session.started")  # the sandbox's webhook after the first audio frame
    assert console.stats()["framesSent"] > 0
    assert [item["kind"] for item in page.evaluate(TIMELINE)] == [
        "session.created",
        "session.started",
    ]

    page.click("#end")
    console.wait_for_state("ended")
    entry(console, "session.ended")
    entry(console, "transcript.ready")
    entry(console, "recording.ready")

    shown = page.evaluate(TIMELINE)
    session_id = console.stats()["sessionId"]
    stored = SessionEvent.objects.filter(session__public_id=session_id, kind__in=SHOWN)
    assert [(item["seq"], item["kind"]) for item in shown] == list(
        stored.order_by("seq").values_list("seq", "kind")
    )
    assert sorted(item["kind"] for item in shown) == sorted(SHOWN)
    for item in shown:
        assert re.fullmatch(rf"\d\d:\d\d:\d\d {SHOWN[item['kind']]}", item["text"]), item
        assert item["at"] == stored.get(seq=item["seq"]).occurred_at.isoformat()
    assert page.is_visible("#call-timeline")
    assert page.evaluate("() => window.sameDocument") is True
    assert console.errors == []
