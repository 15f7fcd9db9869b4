"""Calls holding every kind of personal data, stored the way the app stores them (through
signed webhooks), and a search of every table and the cache for a piece of that data."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sessions_app.models import CallSession, TranscriptTurn, WebhookEvent
from tests.aftercall.factories import ended_call
from tests.webhooks.helpers import deliver, envelope, session_data

numbers = itertools.count(1)


@dataclass(frozen=True)
class Customer:
    """What identifies one customer, and what they said: unique strings to search for."""

    customer_id: str
    number: str
    said: str
    translated: str

    @classmethod
    def new(cls) -> Customer:
        n = next(numbers)
        return cls(
            customer_id=f"cust-{n:04d}-X",
            number=f"+49301112{n:04d}",
            said=f"Mi PIN es {n:04d}-zebra",
            translated=f"My PIN is {n:04d}-zebra",
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.customer_id, self.number, self.said, self.translated)


def personal_call(
    agent: object, client: Client, customer: Customer, *, ended: datetime | None = None
) -> CallSession:
    """An ended call with the customer's references, transcript, a caption, a recording and
    an analysis, each delivered as Kallglot delivers it; deliveries are dated at its end."""
    ended = ended or timezone.now() - timedelta(minutes=5)
    call = ended_call(
        agent,
        created_at=ended - timedelta(minutes=10),
        started_at=ended - timedelta(minutes=9),
        ended_at=ended,
        metadata={"customer_id": customer.customer_id, "ticket_id": f"T-{customer.customer_id}"},
        customer_number=customer.number,
    )
    kid = call.kallglot_id
    n = next(numbers)
    TranscriptTurn.objects.create(
        session=call,
        sequence=1,
        speaker="customer",
        language="es",
        text=customer.said,
        translation_language="en",
        translation_text=customer.translated,
        spoken_at=call.started_at,
    )
    for payload in (
        envelope(
            "transcript.segment",
            {
                "session_id": kid,
                "sequence": 1,
                "speaker": "customer",
                "language": "es",
                "text": customer.said,
                "translation": {"language": "en", "text": customer.translated},
            },
        ),
        envelope(
            "session.ended",
            session_data(
                kid,
                "ended",
                started_at=call.started_at.isoformat(),
                ended_at=ended.isoformat(),
                metadata={"customer_id": customer.customer_id},
                phone_number=customer.number,
            ),
        ),
        envelope(
            "recording.ready",
            {"id": f"rec_P{n:05d}", "object": "recording", "session_id": kid, "status": "ready"}
            | {"duration": 540.0, "format": "mp3"},
        ),
        envelope(
            "analysis.complete",
            {
                "id": f"anl_P{n:05d}",
                "object": "analysis",
                "session_id": kid,
                "status": "completed",
                "summary": f'The customer said: "{customer.translated}"',
                "sentiment": {"customer": "worried", "agent": "calm"},
                "compliance": {"status": "ok", "flags": []},
                "performance": {"score": 0.86},
            },
        ),
    ):
        assert deliver(client, payload).status_code == 200
    WebhookEvent.objects.filter(kallglot_session_id=kid).update(received_at=ended)
    return call


def rows_containing(text: str) -> list[str]:
    """Every row of every table (sign-in sessions decoded) in which `text` appears."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values_list():
            if text in str(row):
                found.append(f"{model._meta.label}: {row}")
    for session in Session.objects.all():
        if text in str(session.get_decoded()):
            found.append(f"sign-in session {session.pk}")
    return found


def cache_contains(text: str) -> bool:
    """Whether any key or value in the cache (in memory, or Redis) holds `text`."""
    needle = text.encode()
    store = getattr(cache, "_cache", None)
    if isinstance(store, dict):  # LocMemCache: key -> pickled value
        return any(needle in key.encode() or needle in value for key, value in store.items())
    client = cache._cache.get_client(None)
    return any(needle in key or needle in (client.get(key) or b"") for key in client.scan_iter())
