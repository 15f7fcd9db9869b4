"""A call left to "Detect automatically" learns its languages from Kallglot: from its
captions, its transcript, or the session itself; the languages the agent chose stay."""

from __future__ import annotations

import pytest

from sessions_app import aftercall, services
from sessions_app.kallglot import Session, Transcript, Turn
from sessions_app.models import CallSession
from tests.aftercall.factories import ended_call
from tests.conftest import client_for
from tests.webhooks.helpers import deliver, envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto(alice) -> CallSession:
    return CallSession.objects.create(kallglot_id="sess_AUTO", agent=alice, mode="ai_agent")


def caption(speaker: str, language: str, translated: str) -> dict:
    return {
        "session_id": "sess_AUTO",
        "sequence": 1,
        "speaker": speaker,
        "language": language,
        "text": "…",
        "translation": {"language": translated, "text": "…"},
    }


def test_a_caption_names_both_sides(client, auto):
    deliver(client, envelope("transcript.segment", caption("customer", "es", "en")))

    auto.refresh_from_db()
    assert (auto.detected_source_language, auto.detected_target_language) == ("en", "es")
    assert auto.languages == "en → es (detected)"
    assert (auto.source_language, auto.target_language) == ("", "")  # as the agent asked


def test_a_chosen_language_stays_and_reads_without_detected(client, auto):
    CallSession.objects.filter(pk=auto.pk).update(source_language="en", target_language="es")

    deliver(client, envelope("transcript.segment", caption("agent", "de", "fr")))

    auto.refresh_from_db()
    assert auto.detected_source_language == auto.detected_target_language == ""
    assert auto.languages == "en → es"


def test_the_first_language_heard_stays(client, auto):
    deliver(client, envelope("transcript.segment", caption("agent", "en", "es")))
    deliver(client, envelope("transcript.segment", caption("agent", "de", "fr")))

    auto.refresh_from_db()
    assert auto.languages == "en → es (detected)"


def test_the_transcript_names_them(auto):
    turns = (Turn(1, "customer", "pt", "Olá"),)
    aftercall.transcript_store(auto, Transcript(None, "sess_AUTO", "completed", turns))

    auto.refresh_from_db()
    assert auto.languages == "auto → pt (detected)"


def test_the_session_names_them_when_kallglot_reports_them(auto):
    upstream = Session(id="sess_AUTO", status="active", mode="ai_agent", source_language="de")
    services.session_sync(session=auto, upstream=upstream)

    auto.refresh_from_db()
    assert auto.languages == "de → auto (detected)"


def test_history_and_the_call_page_show_them_and_filter_by_them(alice):
    call = ended_call(alice, source_language="", target_language="", detected_target_language="es")
    client = client_for(alice)

    detail = client.get(f"/sessions/{call.public_id}/").content.decode()
    history = client.get("/sessions/?language=es&within=all").content.decode()

    assert "auto → es (detected)" in detail
    assert "auto → es (detected)" in history
