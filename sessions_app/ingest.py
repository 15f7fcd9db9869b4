"""Kallglot webhooks: every delivery is stored, then applied once, along one path.

1. The delivery is stored and committed (a repeat of a stored event is counted instead).
2. If the event's data is not enough to apply it, its resource is read from Kallglot,
   outside any transaction.
3. The delivery is claimed and applied in one transaction; its events are relayed after
   that commits.

A delivery that fails while being applied stays stored as failed and is answered 5xx, so
Kallglot retries it and the retry applies it; a delivery of an event already applied is
answered 200 and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessions_app import aftercall, jsonin, legs, privacy, services
from sessions_app.kallglot import Analysis as UpstreamAnalysis
from sessions_app.kallglot import Recording as UpstreamRecording
from sessions_app.kallglot import Session as UpstreamSession
from sessions_app.kallglot import (
    Transcript,
    get_client,
    parse_analysis,
    parse_recording,
    parse_session,
)
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
    data = payload.get("data") or {}
    if not (isinstance(event_id, str) and isinstance(event_type, str) and isinstance(data, dict)):
        return None
    if not event_id or not event_type or len(event_id) > 128 or len(event_type) > 64:
        return None
    return Envelope(event_id, event_type, str(payload.get("created_at") or ""), data)


def webhook_receive(*, envelope: Envelope, raw_body: bytes, headers: dict) -> str:
    """Store a delivery, then apply it once; returns the outcome. Raises if applying failed."""
    event = webhook_store(envelope=envelope, raw_body=raw_body, headers=headers)
    return webhook_apply(event=event)


def webhook_store(*, envelope: Envelope, raw_body: bytes, headers: dict) -> WebhookEvent:
    """Store the delivery (or count a repeat of it) before anything is applied."""
    try:
        with transaction.atomic():
            return WebhookEvent.objects.create(
                event_id=envelope.event_id,
                event_type=envelope.event_type,
                kallglot_session_id=envelope.kallglot_session_id[:64],
                body=raw_body.decode("utf-8", errors="replace"),
                headers={name: headers[name] for name in STORED_HEADERS if name in headers},
                event_created_at=parse_datetime(envelope.created_at or "") or None,
            )
    except IntegrityError:  # a repeat delivery of an event already stored
        events = WebhookEvent.objects.filter(event_id=envelope.event_id)
        events.update(deliveries=F("deliveries") + 1)
        return events.get()


def webhook_refuse(*, raw_body: bytes, headers: dict, reason: str) -> WebhookEvent:
    """Keep a signed delivery that can never be applied (not JSON, no id), stored as failed.

    Without an event id of its own, it is known by a hash of its body, so each repeat of it
    is counted on the same row.
    """
    event_id = "unreadable_" + hashlib.sha256(raw_body).hexdigest()[:48]
    event, created = WebhookEvent.objects.get_or_create(
        event_id=event_id,
        defaults={
            "event_type": "unreadable",
            "body": raw_body.decode("utf-8", errors="replace"),
            "headers": {name: headers[name] for name in STORED_HEADERS if name in headers},
            "outcome": Outcome.FAILED,
            "error": reason,
            "processed_at": timezone.now(),
        },
    )
    if not created:
        WebhookEvent.objects.filter(pk=event.pk).update(deliveries=F("deliveries") + 1)
    logger.warning("webhook %s refused: %s", event_id, reason)
    return event


def webhook_apply(*, event: WebhookEvent) -> str:
    """Apply a stored delivery exactly once; returns the outcome. Raises if applying failed."""
    if event.is_done:
        return event.outcome
    envelope = envelope_from(jsonin.load(event.body))
    session = CallSession.objects.filter(kallglot_id=envelope.kallglot_session_id).first()
    handler = handler_for(session, envelope.event_type)
    try:
        resource = None if handler is None else read_resource(envelope)
        with transaction.atomic():
            return claim_and_apply(event, envelope, session, handler, resource)
    except Exception:
        mark_failed(event)
        raise


def handler_for(session: CallSession | None, event_type: str) -> Callable[..., None] | None:
    """None for a call the app does not know, and for an event that would bring back the
    personal data of a call whose customer's data was erased (sessions_app.privacy)."""
    if session is None or (session.erased_at and event_type in privacy.PERSONAL_EVENTS):
        return None
    return HANDLERS.get(event_type)


def claim_and_apply(
    event: WebhookEvent,
    envelope: Envelope,
    session: CallSession | None,
    handler: Callable[..., None] | None,
    resource: object,
) -> str:
    """Claim the delivery, then apply it, in the caller's transaction (a failure undoes both).

    The claim is one conditional UPDATE: of two concurrent deliveries of the same event,
    only one finds it unclaimed. An event of a call the app does not know (another
    integration's, or a `session.created` that overtook the create storing its call, which
    records that event itself) or of a type it does not use is kept as ignored. A delivery for
    a call whose customer's data was erased keeps no body.
    """
    outcome = Outcome.IGNORED if handler is None else Outcome.APPLIED
    erased = {"body": "", "headers": {}} if session and session.erased_at else {}
    claimed = (
        WebhookEvent.objects.filter(pk=event.pk)
        .exclude(outcome__in=(Outcome.APPLIED, Outcome.IGNORED))
        .update(outcome=outcome, session=session, processed_at=timezone.now(), error="", **erased)
    )
    if not claimed:  # a concurrent delivery of the same event got here first
        return WebhookEvent.objects.values_list("outcome", flat=True).get(pk=event.pk)
    if handler is not None:
        handler(session, envelope, event, resource)
    return outcome


def mark_failed(event: WebhookEvent) -> None:
    """Keep why applying failed (called while handling the exception)."""
    WebhookEvent.objects.filter(pk=event.pk).update(
        outcome=Outcome.FAILED, error=traceback.format_exc(), processed_at=timezone.now()
    )
    logger.exception("webhook %s (%s) failed to apply", event.event_id, event.event_type)


def read_resource(envelope: Envelope) -> object:
    """The event's resource as its data says, or as Kallglot says where the data is not enough.

    Webhook `data` is a hint: where it lacks what the app relies on, the resource is re-read
    over REST. Events of types that need no resource (captions) get None.
    """
    reader = READERS.get(envelope.event_type)
    if reader is None:
        return None
    found = reader.from_data(envelope)
    return reader.from_upstream(envelope) if found is None else found


def session_from_data(envelope: Envelope) -> UpstreamSession | None:
    session = parse_session(envelope.data)
    missing_start = session.status == "active" and session.started_at is None
    missing_end = session.status == "ended" and session.ended_at is None
    return None if missing_start or missing_end else session


def session_from_upstream(envelope: Envelope) -> UpstreamSession:
    return get_client().get_session(parse_session(envelope.data).id)


def transcript_from_upstream(envelope: Envelope) -> Transcript:
    return get_client().get_transcript(envelope.kallglot_session_id)


def recording_from_data(envelope: Envelope) -> UpstreamRecording | None:
    return parse_recording(envelope.data) if "status" in envelope.data else None


def recording_from_upstream(envelope: Envelope) -> UpstreamRecording:
    return get_client().get_recording(str(envelope.data.get("id")))


def analysis_from_data(envelope: Envelope) -> UpstreamAnalysis | None:
    return parse_analysis(envelope.data) if "status" in envelope.data else None


def analysis_from_upstream(envelope: Envelope) -> UpstreamAnalysis:
    return get_client().get_analysis(str(envelope.data.get("id")))


@dataclass(frozen=True)
class Reader:
    """Where an event type's resource is read: its data (None if not enough), or upstream."""

    from_data: Callable[[Envelope], object | None]
    from_upstream: Callable[[Envelope], object]


SESSION_READER = Reader(session_from_data, session_from_upstream)
RECORDING_READER = Reader(recording_from_data, recording_from_upstream)
ANALYSIS_READER = Reader(analysis_from_data, analysis_from_upstream)
READERS: dict[str, Reader] = {
    "session.created": SESSION_READER,
    "session.started": SESSION_READER,
    "session.ended": SESSION_READER,
    "transcript.ready": Reader(lambda envelope: None, transcript_from_upstream),
    "recording.ready": RECORDING_READER,
    "recording.failed": RECORDING_READER,
    "analysis.complete": ANALYSIS_READER,
    "analysis.failed": ANALYSIS_READER,
}


def occurred(envelope: Envelope) -> datetime:
    return parse_datetime(envelope.created_at or "") or timezone.now()


def on_session_event(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: UpstreamSession
) -> None:
    services.session_sync(session=session, upstream=resource, webhook_event=event)


def on_segment(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: None
) -> None:
    keys = ("sequence", "speaker", "language", "text", "translation")
    data = {key: envelope.data[key] for key in keys if key in envelope.data}
    aftercall.languages_learn(session, [languages_of(data)])
    services.record_event(
        session, "transcript.segment", data, occurred(envelope), webhook_event=event
    )


def languages_of(segment: dict) -> tuple[str, str, str]:
    """A caption's speaker, its language and its translation's (each "" where not said)."""
    translation = segment.get("translation")
    translated = translation.get("language") if isinstance(translation, dict) else ""
    said = (segment.get("speaker"), segment.get("language"), translated)
    return tuple(value if isinstance(value, str) else "" for value in said)


def on_transcript(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: Transcript
) -> None:
    turns = aftercall.transcript_store(session, resource)
    data = {"status": resource.status, "turns": turns}
    services.record_event(
        session, "transcript.ready", data, occurred(envelope), webhook_event=event
    )


def on_recording(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: UpstreamRecording
) -> None:
    recording = aftercall.recording_store(session, resource)
    data = {
        "id": str(recording.public_id),
        "status": recording.status,
        "duration_seconds": recording.duration_seconds,
        "audio_url": reverse("recording-audio", args=[recording.public_id]),
    }
    services.record_event(
        session, envelope.event_type, data, occurred(envelope), webhook_event=event
    )


def on_analysis(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: UpstreamAnalysis
) -> None:
    analysis = aftercall.analysis_store(session, resource)
    data = aftercall.analysis_json(analysis)
    services.record_event(
        session, envelope.event_type, data, occurred(envelope), webhook_event=event
    )


def on_provider(
    session: CallSession, envelope: Envelope, event: WebhookEvent, resource: None
) -> None:
    legs.leg_apply(session, envelope.event_type, envelope.data, occurred(envelope), event)


HANDLERS: dict[str, Callable[..., None]] = {
    "session.provider.connected": on_provider,
    "session.provider.disconnected": on_provider,
    "session.created": on_session_event,
    "session.started": on_session_event,
    "session.ended": on_session_event,
    "transcript.segment": on_segment,
    "transcript.ready": on_transcript,
    "recording.ready": on_recording,
    "recording.failed": on_recording,
    "analysis.complete": on_analysis,
    "analysis.failed": on_analysis,
}
