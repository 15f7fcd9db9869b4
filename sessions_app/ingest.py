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
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sessions_app import aftercall, services
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
        WebhookEvent.objects.filter(event_id=envelope.event_id).update(
            deliveries=F("deliveries") + 1
        )
        return WebhookEvent.objects.get(event_id=envelope.event_id)


def webhook_apply(*, event: WebhookEvent) -> str:
    """Apply a stored delivery exactly once; returns the outcome. Raises if applying failed."""
    if event.is_done:
        return event.outcome
    envelope = envelope_from(json.loads(event.body))
    try:
        try:
            return apply_with_hint(event, envelope)
        except SessionAppeared:  # its call was stored meanwhile: ask upstream now, apply
            return apply_with_hint(event, envelope)
    except Exception:
        WebhookEvent.objects.filter(pk=event.pk).update(
            outcome=Outcome.FAILED, error=traceback.format_exc(), processed_at=timezone.now()
        )
        logger.exception("webhook %s (%s) failed to apply", event.event_id, event.event_type)
        raise


class SessionAppeared(Exception):
    """The event's call was unknown when upstream was (not) asked, and is known now."""


def apply_with_hint(event: WebhookEvent, envelope: Envelope) -> str:
    hint = upstream_hint(envelope)
    with transaction.atomic():
        return apply_locked(event, envelope, hint)


def apply_locked(event: WebhookEvent, envelope: Envelope, hint: object) -> str:
    """Claim the delivery, then apply it, in the caller's transaction (a failure undoes both).

    The claim is one conditional UPDATE: of two concurrent deliveries of the same event,
    only one finds it unclaimed.
    """
    session = event_session(envelope.kallglot_session_id)
    if session is not None and hint is None and envelope.event_type in PREFETCH:
        # Kallglot sends session.created as it answers the create that stores the call:
        # the two race, and the event can find the call only after upstream_hint did not.
        raise SessionAppeared(envelope.kallglot_session_id)
    handler = HANDLERS.get(envelope.event_type)
    applied = session is not None and handler is not None
    outcome = Outcome.APPLIED if applied else Outcome.IGNORED
    claimed = (
        WebhookEvent.objects.filter(pk=event.pk)
        .exclude(outcome__in=(Outcome.APPLIED, Outcome.IGNORED))
        .update(outcome=outcome, session=session, processed_at=timezone.now(), error="")
    )
    if not claimed:  # a concurrent delivery of the same event got here first
        return WebhookEvent.objects.values_list("outcome", flat=True).get(pk=event.pk)
    if applied:
        handler(session, envelope, event, hint)
    return outcome


def event_session(kallglot_id: str) -> CallSession | None:
    """The event's call, with the fields the handlers read (any other one loads on access).

    Most events are captions, which only need the call's ids: loading all twenty fields was
    a sixth of a webhook's cost (bench/).
    """
    fields = ("id", "public_id", "status", "transcript_status")
    try:
        return CallSession.objects.only(*fields).get(kallglot_id=kallglot_id)
    except CallSession.DoesNotExist:
        return None


def upstream_hint(envelope: Envelope) -> object:
    """What upstream says about the event's resource, read before the transaction.

    Webhook `data` is a hint: where it lacks what the app relies on, the resource is
    re-read over REST. Events of unknown sessions or types need nothing.
    """
    prefetch = PREFETCH.get(envelope.event_type)
    if prefetch is None:
        return None
    if not CallSession.objects.filter(kallglot_id=envelope.kallglot_session_id).exists():
        return None
    return prefetch(envelope)


def session_hint(envelope: Envelope) -> UpstreamSession:
    session = parse_session(envelope.data)
    missing_start = session.status == "active" and session.started_at is None
    missing_end = session.status == "ended" and session.ended_at is None
    if missing_start or missing_end:
        return get_client().get_session(session.id)
    return session


def transcript_hint(envelope: Envelope) -> Transcript:
    return get_client().get_transcript(envelope.kallglot_session_id)


def recording_hint(envelope: Envelope) -> UpstreamRecording:
    if "status" in envelope.data:
        return parse_recording(envelope.data)
    return get_client().get_recording(str(envelope.data.get("id")))


def analysis_hint(envelope: Envelope) -> UpstreamAnalysis:
    if "status" in envelope.data:
        return parse_analysis(envelope.data)
    return get_client().get_analysis(str(envelope.data.get("id")))


PREFETCH: dict[str, Callable[[Envelope], object]] = {
    "session.created": session_hint,
    "session.started": session_hint,
    "session.ended": session_hint,
    "transcript.ready": transcript_hint,
    "recording.ready": recording_hint,
    "recording.failed": recording_hint,
    "analysis.complete": analysis_hint,
    "analysis.failed": analysis_hint,
}


def occurred(envelope: Envelope) -> datetime:
    return parse_datetime(envelope.created_at or "") or timezone.now()


def on_session_event(
    session: CallSession, envelope: Envelope, event: WebhookEvent, hint: UpstreamSession
) -> None:
    services.session_sync(session=session, upstream=hint, webhook_event=event)


def on_segment(session: CallSession, envelope: Envelope, event: WebhookEvent, hint: None) -> None:
    keys = ("sequence", "speaker", "language", "text", "translation")
    data = {key: envelope.data[key] for key in keys if key in envelope.data}
    services.record_event(
        session, "transcript.segment", data, occurred(envelope), webhook_event=event
    )


def on_transcript(
    session: CallSession, envelope: Envelope, event: WebhookEvent, hint: Transcript
) -> None:
    turns = aftercall.transcript_store(session, hint)
    data = {"status": hint.status, "turns": turns}
    services.record_event(
        session, "transcript.ready", data, occurred(envelope), webhook_event=event
    )


def on_recording(
    session: CallSession, envelope: Envelope, event: WebhookEvent, hint: UpstreamRecording
) -> None:
    recording = aftercall.recording_store(session, hint)
    data = {
        "id": str(recording.public_id),
        "status": recording.status,
        "duration_seconds": recording.duration_seconds,
        "audio_url": f"/recordings/{recording.public_id}/audio",
    }
    services.record_event(
        session, envelope.event_type, data, occurred(envelope), webhook_event=event
    )


def on_analysis(
    session: CallSession, envelope: Envelope, event: WebhookEvent, hint: UpstreamAnalysis
) -> None:
    analysis = aftercall.analysis_store(session, hint)
    data = aftercall.analysis_json(analysis)
    services.record_event(
        session, envelope.event_type, data, occurred(envelope), webhook_event=event
    )


HANDLERS: dict[str, Callable[..., None]] = {
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
