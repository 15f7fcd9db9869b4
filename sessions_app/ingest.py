"""Kallglot webhooks: store every delivery first, then apply it once, in one transaction.

A delivery that fails while being applied stays stored as failed and is answered 5xx, so
Kallglot retries it and the retry applies it; a delivery of an event already applied is
answered 200 and changes nothing.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessions_app import services
from sessions_app.kallglot import Session as UpstreamSession
from sessions_app.kallglot import get_client, parse_session
from sessions_app.models import CallSession, WebhookEvent

logger = logging.getLogger(__name__)

Outcome = WebhookEvent.Outcome
STORED_HEADERS = (
    "Kallglot-Signature",
    "Kallglot-Webhook-Id",
    "Kallglot-Retry-Count",
    "Kallglot-Original-Timestamp",
    "User-Agent",
)


@dataclass(frozen=True)
class Envelope:
    event_id: str
    event_type: str
    created_at: str
    data: dict

    @property
    def kallglot_session_id(self) -> str:
        if self.data.get("object") == "session":
            return str(self.data.get("id") or "")
        return str(self.data.get("session_id") or "")


def envelope_from(payload: dict) -> Envelope | None:
    """The parts of a webhook body the app relies on, or None if they are missing."""
    event_id, event_type = payload.get("id"), payload.get("type")
    data = payload.get("data")
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)):
        return None
    if not event_type or len(event_id) > 128 or len(event_type) > 64:
        return None
    return Envelope(event_id, event_type, str(payload.get("created_at") or ""), data or {})


def webhook_store(*, envelope: Envelope, raw_body: bytes, headers: dict) -> WebhookEvent:
    """Store the delivery (or count a repeat of it) before anything is applied."""
    event, created = WebhookEvent.objects.get_or_create(
        event_id=envelope.event_id,
        defaults={
            "event_type": envelope.event_type,
            "kallglot_session_id": envelope.kallglot_session_id[:64],
            "body": raw_body.decode("utf-8", errors="replace"),
            "headers": {name: headers[name] for name in STORED_HEADERS if name in headers},
            "event_created_at": parse_datetime(envelope.created_at or "") or None,
        },
    )
    if not created:
        WebhookEvent.objects.filter(pk=event.pk).update(deliveries=F("deliveries") + 1)
    return event


def webhook_apply(*, event: WebhookEvent) -> str:
    """Apply a stored delivery exactly once; returns the outcome. Raises if applying failed."""
    if event.is_done:
        return event.outcome
    envelope = envelope_from(json.loads(event.body))
    try:
        hint = upstream_hint(envelope)
        with transaction.atomic():
            return apply_locked(event, envelope, hint)
    except Exception:
        WebhookEvent.objects.filter(pk=event.pk).update(
            outcome=Outcome.FAILED, error=traceback.format_exc(), processed_at=timezone.now()
        )
        logger.exception("webhook %s (%s) failed to apply", event.event_id, event.event_type)
        raise


def apply_locked(event: WebhookEvent, envelope: Envelope, hint: UpstreamSession | None) -> str:
    event = WebhookEvent.objects.select_for_update().get(pk=event.pk)
    if event.is_done:  # a concurrent delivery of the same event got here first
        return event.outcome
    session = (
        CallSession.objects.select_for_update()
        .filter(kallglot_id=envelope.kallglot_session_id)
        .first()
    )
    handler = HANDLERS.get(envelope.event_type)
    applied = session is not None and handler is not None
    if applied:
        handler(session, envelope, event, hint)
    event.session = session
    event.outcome = Outcome.APPLIED if applied else Outcome.IGNORED
    event.processed_at = timezone.now()
    event.error = ""
    event.save()
    return event.outcome


def upstream_hint(envelope: Envelope) -> UpstreamSession | None:
    """Session events carry a partial session; re-read it upstream when a fact is missing."""
    if not envelope.event_type.startswith("session.") or envelope.event_type.count(".") != 1:
        return None
    if not CallSession.objects.filter(kallglot_id=envelope.kallglot_session_id).exists():
        return None
    session = parse_session(envelope.data)
    missing_start = session.status == "active" and session.started_at is None
    missing_end = session.status == "ended" and session.ended_at is None
    if missing_start or missing_end:
        return get_client().get_session(session.id)
    return session


def on_session_event(
    session: CallSession, envelope: Envelope, event: WebhookEvent, hint: UpstreamSession | None
) -> None:
    if hint is not None:
        services.session_sync(session=session, upstream=hint, webhook_event=event)


def on_timeline_event(kind: str) -> Callable[..., None]:
    def handle(
        session: CallSession,
        envelope: Envelope,
        event: WebhookEvent,
        hint: UpstreamSession | None,
    ) -> None:
        occurred = parse_datetime(envelope.created_at or "") or timezone.now()
        data = timeline_data(envelope)
        services.record_event(session, kind, data, occurred, webhook_event=event)

    return handle


def timeline_data(envelope: Envelope) -> dict:
    """What the page needs about a non-lifecycle event (never the raw upstream object)."""
    data = envelope.data
    if envelope.event_type == "transcript.segment":
        keys = ("sequence", "speaker", "language", "text", "translation")
    else:
        keys = ("id", "status", "error")
    return {key: data[key] for key in keys if key in data}


HANDLERS: dict[str, Callable[..., None]] = {
    "session.created": on_session_event,
    "session.started": on_session_event,
    "session.ended": on_session_event,
    "transcript.segment": on_timeline_event("transcript.segment"),
    "transcript.ready": on_timeline_event("transcript.ready"),
    "recording.ready": on_timeline_event("recording.ready"),
    "recording.failed": on_timeline_event("recording.failed"),
    "analysis.complete": on_timeline_event("analysis.complete"),
    "analysis.failed": on_timeline_event("analysis.failed"),
}
