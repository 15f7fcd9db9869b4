"""The parsers accept the CURRENT shapes and the LEGACY ones of kallglot-api.md §6, and
refuse what the product cannot work with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sessions_app.kallglot import (
    KallglotError,
    parse_analysis,
    parse_recording,
    parse_session,
    parse_transcript,
)
from tests.kallglot.conftest import SESSION

SID = "sess_01HXYZ123456789"


def test_it_parses_a_current_session():
    session = parse_session(SESSION, request_id="req_1")

    assert session.id == SID
    assert session.status == "created"
    assert session.mode == "bidirectional_translation"
    assert (session.source_language, session.target_language) == ("de", "en")
    assert session.provider is None
    assert session.stream.url.endswith("/connect")
    assert session.stream.token == "kst_test_abcdefghijklmnop"
    assert session.stream.expires_at == datetime(2026, 3, 26, 11, 5, tzinfo=UTC)
    assert session.recording_enabled is False
    assert session.metadata == {"customer_id": "123"}
    assert session.created_at == datetime(2026, 3, 26, 11, 0, tzinfo=UTC)
    assert session.request_id == "req_1"


def test_it_parses_a_legacy_session_with_a_provider_object():
    legacy = {
        **SESSION,
        "status": "connecting",
        "provider": {"type": "twilio", "phone_number": "+14155551234", "status": "pending"},
        "phone_number": None,
        "stream": {**SESSION["stream"], "url": "wss://stream.kallglot.com/v1/x/connect"},
        "transcript": {"available": False, "word_count": 0},
        "call": None,
        "recording": {"enabled": True, "channels": "dual"},
    }
    session = parse_session(legacy)

    assert session.status == "connecting"
    assert session.provider == "twilio"
    assert session.phone_number == "+14155551234"
    assert session.recording_enabled is True


def test_it_parses_a_provider_string():
    assert parse_session({**SESSION, "provider": "telnyx"}).provider == "telnyx"


def test_it_parses_the_current_partial_end_response():
    ended = {
        "id": SID,
        "object": "session",
        "status": "ended",
        "duration_seconds": 245.3,
        "ended_at": "2026-03-26T11:04:20Z",
    }
    session = parse_session(ended)

    assert (session.status, session.duration_seconds) == ("ended", 245.3)
    assert session.ended_at == datetime(2026, 3, 26, 11, 4, 20, tzinfo=UTC)
    assert (session.mode, session.stream, session.metadata) == (None, None, {})


def test_it_parses_the_legacy_full_end_response():
    legacy = {
        **SESSION,
        "status": "ended",
        "stream": None,
        "duration": 245.3,
        "end_reason": "agent_hangup",
        "recording": {"enabled": True, "id": "rec_1", "duration": 245.3},
        "metadata": None,
    }
    session = parse_session(legacy)

    assert (session.duration_seconds, session.end_reason) == (245.3, "agent_hangup")
    assert session.metadata == {}


def test_it_prefers_duration_seconds_even_when_zero():
    session = parse_session({"id": SID, "status": "ended", "duration_seconds": 0, "duration": 9})

    assert session.duration_seconds == 0.0


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"id": None}, "id"),
        ({"id": "sess_"}, "id"),
        ({"id": "rec_01HABC"}, "id"),
        ({"status": "exploded"}, "status"),
        ({"status": ["ended"]}, "status"),
        ({"stream": {**SESSION["stream"], "url": "https://example.com/connect"}}, "stream.url"),
        ({"stream": {**SESSION["stream"], "token": ""}}, "stream.token"),
        ({"stream": {**SESSION["stream"], "expires_at": "tomorrow"}}, "stream.expires_at"),
        ({"stream": "wss://x"}, "stream"),
    ],
)
def test_it_refuses_a_session_it_cannot_rely_on(change, param):
    with pytest.raises(KallglotError) as caught:
        parse_session({**SESSION, **change})

    assert (caught.value.code, caught.value.param) == ("invalid_response", param)


def test_it_refuses_something_that_is_not_an_object():
    with pytest.raises(KallglotError) as caught:
        parse_session(["sess_1"])

    assert caught.value.code == "invalid_response"


def test_it_tolerates_odd_secondary_fields():
    odd = {**SESSION, "created_at": "yesterday", "mode": 3, "metadata": "x", "extra": {"a": 1}}
    session = parse_session(odd)

    assert (session.created_at, session.mode, session.metadata) == (None, None, {})


def test_it_parses_a_current_transcript():
    transcript = parse_transcript(
        {
            "id": f"trn_{SID}",
            "object": "transcript",
            "session_id": SID,
            "status": "completed",
            "turns": [
                {
                    "sequence": 1,
                    "speaker": "customer",
                    "language": "de",
                    "text": "Hallo",
                    "translation": {"language": "en", "text": "Hello"},
                    "timestamp": "2026-03-26T11:00:20Z",
                },
                {"sequence": 2, "speaker": "agent", "language": "en", "text": "Hi"},
            ],
            "metadata": {
                "total_turns": 2,
                "duration_seconds": 12.5,
                "languages_detected": ["de", "en"],
            },
        }
    )

    assert (transcript.id, transcript.status, transcript.duration_seconds) == (
        f"trn_{SID}",
        "completed",
        12.5,
    )
    first, second = transcript.turns
    assert (first.sequence, first.speaker, first.text) == (1, "customer", "Hallo")
    assert (first.translation_language, first.translation_text) == ("en", "Hello")
    assert first.timestamp == datetime(2026, 3, 26, 11, 0, 20, tzinfo=UTC)
    assert (second.translation_language, second.translation_text) == (None, None)
    assert transcript.languages_detected == ("de", "en")


def test_it_parses_a_legacy_transcript_with_segments():
    transcript = parse_transcript(
        {
            "object": "transcript",
            "session_id": SID,
            "status": "complete",
            "language": {"source": "de", "target": "en"},
            "segments": [
                {
                    "id": "seg_001",
                    "speaker": "customer",
                    "language": "de",
                    "text": "Hallo",
                    "translation": "Hello",
                    "start_time": 0.5,
                    "end_time": 1.2,
                    "confidence": 0.9,
                },
                {"id": "seg_002", "speaker": "agent", "language": "en", "text": "Hi"},
            ],
            "duration": 30.0,
            "word_count": 2,
        }
    )

    assert (transcript.id, transcript.status, transcript.duration_seconds) == (
        None,
        "completed",
        30.0,
    )
    first, second = transcript.turns
    assert (first.sequence, first.translation_language, first.translation_text) == (
        1,
        "en",
        "Hello",
    )
    assert (second.sequence, second.translation_text) == (2, None)
    assert transcript.languages_detected == ("de", "en")


def test_it_parses_an_empty_transcript_in_progress():
    transcript = parse_transcript({"session_id": SID, "status": "in_progress", "turns": []})

    assert (transcript.status, transcript.turns) == ("in_progress", ())


def test_it_refuses_a_turn_without_text():
    with pytest.raises(KallglotError) as caught:
        parse_transcript(
            {"session_id": SID, "status": "completed", "turns": [{"speaker": "agent"}]}
        )

    assert caught.value.param == "text"


def test_it_parses_a_recording_and_resolves_a_relative_download_url():
    recording = parse_recording(
        {
            "id": "rec_01HABC987654321",
            "object": "recording",
            "session_id": SID,
            "channel": "mixed",
            "status": "ready",
            "duration": 245.3,
            "format": "mp3",
            "size": 2943600,
            "sample_rate": 44100,
            "bit_depth": 16,
            "download_url": "/v1/recordings/rec_01HABC987654321/audio",
            "created_at": "2026-03-26T11:04:20Z",
            "expires_at": "2026-04-26T11:04:20Z",
        },
        origin="https://api.kallglot.com",
    )

    assert (
        recording.download_url == "https://api.kallglot.com/v1/recordings/rec_01HABC987654321/audio"
    )
    assert (recording.size, recording.sample_rate, recording.bit_depth) == (2943600, 44100, 16)
    assert recording.expires_at == datetime(2026, 4, 26, 11, 4, 20, tzinfo=UTC)


def test_it_keeps_a_legacy_presigned_download_url():
    url = "https://storage.kallglot.com/recordings/rec_1.mp3?sig=abc"
    recording = parse_recording(
        {"id": "rec_1", "session_id": SID, "status": "ready", "download_url": url},
        origin="https://api.kallglot.com",
    )

    assert recording.download_url == url


def test_it_parses_a_current_analysis():
    analysis = parse_analysis(
        {
            "id": "anl_01HDEF456789012",
            "object": "analysis",
            "session_id": SID,
            "call_id": None,
            "profile": "default",
            "status": "completed",
            "summary": "Customer asked about a refund.",
            "sentiment": {"customer": "calm", "agent": "friendly"},
            "compliance": {"status": "ok", "flags": []},
            "performance": {"score": 0.86},
            "error": None,
            "created_at": "2026-03-26T11:05:00Z",
            "completed_at": "2026-03-26T11:05:30Z",
        }
    )

    assert (analysis.status, analysis.summary) == ("completed", "Customer asked about a refund.")
    assert analysis.performance == {"score": 0.86}
    assert analysis.completed_at == datetime(2026, 3, 26, 11, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("legacy", "current"), [("complete", "completed"), ("queued", "processing")]
)
def test_it_parses_a_legacy_analysis(legacy, current):
    analysis = parse_analysis(
        {
            "id": "ana_01HDEF456789012",
            "session_id": SID,
            "status": legacy,
            "results": {
                "summary": {"brief": "A refund.", "key_points": [], "outcome": "resolved"},
                "sentiment": {"overall": 0.4, "label": "positive"},
                "topics": [{"name": "refund", "confidence": 0.9}],
            },
        }
    )

    assert analysis.id == "ana_01HDEF456789012"
    assert analysis.status == current
    assert analysis.summary == "A refund."
    assert analysis.sentiment == {"overall": 0.4, "label": "positive"}


@pytest.mark.parametrize("bad_id", ["sess_1", "anl_", "", None])
def test_it_refuses_an_analysis_with_a_wrong_id(bad_id):
    with pytest.raises(KallglotError) as caught:
        parse_analysis({"id": bad_id, "session_id": SID, "status": "processing"})

    assert caught.value.code == "invalid_response"
