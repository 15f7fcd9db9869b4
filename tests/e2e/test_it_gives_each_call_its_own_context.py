"""Each call has its own context: the CRM references it was made with do not carry over to
the next call; the languages Kallglot detects and an analysis's keywords are shown."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession, SessionEvent
from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage, poll

pytestmark = pytest.mark.e2e


def start_and_end(console: ConsolePage) -> CallSession:
    console.page.click("#start")
    console.wait_for_state("live")
    session = CallSession.objects.get(public_id=console.stats()["sessionId"])
    console.page.click("#end")
    console.wait_for_state("ended")
    return session


def test_crm_references_do_not_carry_over_to_the_next_call(
    console: ConsolePage, upstream: SandboxControl
) -> None:
    page = console.page
    page.goto(f"{console.server.url}/?external_call_id=EXT-1&ticket_id=T-1")
    console.wait_for_state("idle")
    page.click("details.reference summary")
    page.fill("#customer-id", "C-9")  # typed by hand: it belongs to this call too

    first = start_and_end(console)

    assert first.metadata == {"external_call_id": "EXT-1", "ticket_id": "T-1", "customer_id": "C-9"}
    for field in ("#external-call-id", "#customer-id", "#ticket-id"):
        assert page.input_value(field) == ""
    second = start_and_end(console)
    assert second.metadata == {}
    assert console.errors == []


def test_detected_languages_and_keywords_are_shown(
    console: ConsolePage, app_webhooks: SandboxControl
) -> None:
    page = console.page
    page.click("#start")  # both languages left to "Detect automatically"
    console.wait_for_state("live")
    console.final_caption("customer")

    assert page.inner_text("#call-languages") == "Languages: English → Spanish (detected)"
    session_id = console.stats()["sessionId"]
    page.click("#end")
    console.wait_for_state("ended")
    ready = SessionEvent.objects.filter(session__public_id=session_id, kind="transcript.ready")
    poll(ready.exists, "transcript.ready")

    page.goto(f"{console.server.url}/sessions/{session_id}/")
    assert page.inner_text("#detail-languages") == "en → es (detected)"
    page.click("#analysis-request")  # every part, keywords too
    keywords = page.locator("#analyses .analysis--completed .keyword")
    keywords.first.wait_for()
    assert keywords.count() >= 1
    assert "hello" in keywords.all_inner_texts()  # said by both sides (the sandbox's script)
    assert "/ 100" in page.inner_text("#analyses .analysis__score")

    page.reload()  # as the server renders them
    assert "hello" in page.locator("#analyses .keyword").all_inner_texts()
    page.goto(f"{console.server.url}/sessions/")
    assert "en → es (detected)" in page.inner_text(f"tr[data-session='{session_id}']")
    assert console.errors == []
