"""Ended calls with transcripts, made directly in the database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sessions_app.models import CallSession, TranscriptTurn

numbers = itertools.count(1)
T0 = datetime(2026, 3, 26, 11, 0, 0, tzinfo=UTC)

TURNS = [
    ("agent", "en", "Hello, how can I help you today?", "es", "Hola, ¿cómo puedo ayudarle hoy?"),
    ("customer", "es", "Mi pedido no ha llegado.", "en", "My order has not arrived."),
    ("agent", "en", "I am sorry <to hear> that & will check.", "es", "Lo siento, lo reviso."),
]


def ended_call(agent: object, **fields: object) -> CallSession:
    number = next(numbers)
    values = {
        "kallglot_id": f"sess_F{number:05d}",
        "agent": agent,
        "mode": "bidirectional_translation",
        "source_language": "en",
        "target_language": "es",
        "status": "ended",
        "created_at": T0,
        "started_at": T0 + timedelta(seconds=2),
        "ended_at": T0 + timedelta(seconds=40),
        "duration_seconds": 38.0,
        "transcript_status": "completed",
    } | fields
    return CallSession.objects.create(**values)


def with_transcript(session: CallSession) -> CallSession:
    for index, (speaker, language, text, tr_lang, tr_text) in enumerate(TURNS, start=1):
        TranscriptTurn.objects.create(
            session=session,
            sequence=index,
            speaker=speaker,
            language=language,
            text=text,
            translation_language=tr_lang,
            translation_text=tr_text,
            spoken_at=session.started_at + timedelta(seconds=5 * index),
        )
    return session
