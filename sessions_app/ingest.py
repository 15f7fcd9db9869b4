"""Kallglot webhooks: every delivery is stored, then applied once.

An event whose data says all the app needs is stored and applied in one transaction, the
row first; one whose resource must be re-read upstream is committed before upstream is
asked, then applied in a transaction of its own.

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

from django.db import IntegrityError, connection, transaction
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


def webhook_receive(*, envelope: Envelope, raw_body: bytes, headers: dict) -> str:
    """Store a delivery and apply it once; returns the outcome. Raises if applying failed.

    An event whose data is not enough to apply it is committed before upstream is asked; any
    other new event is stored and applied in one transaction (`store_applying`).
    """
    try:
        hint = data_hint(envelope)
    except Exception:  # noqa: BLE001 - data it cannot read: stored, then failed when applied
        hint = ASK_UPSTREAM
    if hint is ASK_UPSTREAM:
        return webhook_apply(
            event=webhook_store(envelope=envelope, raw_body=raw_body, headers=headers)
        )
    try:
        return store_applying(envelope, raw_body, headers, hint)
    except IntegrityError:  # a repeat delivery of an event already stored
        return webhook_apply(event=repeat_of(envelope))


def webhook_store(*, envelope: Envelope, raw_body: bytes, headers: dict) -> WebhookEvent:
    """Store the delivery (or count a repeat of it) before anything is applied."""
    try:
        with transaction.atomic():
            return new_delivery(envelope, raw_body, headers)
    except IntegrityError:  # a repeat delivery of an event already stored
        return repeat_of(envelope)


def store_applying(envelope: Envelope, raw_body: bytes, headers: dict, hint: object) -> str:
    """Store a new delivery, then apply it in a savepoint of the same transaction.

    The row is written first, already claimed with the outcome applying gives; if applying
    fails, the savepoint undoes it and the same commit keeps the delivery, marked failed, for
    Kallglot's retry. One transaction and no claim statement: the path of captions, the most
    frequent event of a call, and of `session.created`, which arrives as the create that
    caused it is being stored (bench/).
    """
    failure: Exception | None = None
    with transaction.atomic():
        session = event_session(envelope.kallglot_session_id)
        handler = handler_for(session, envelope)
        outcome = Outcome.IGNORED if handler is None else Outcome.APPLIED
        event = new_delivery(
            envelope,
            raw_body,
            headers,
            outcome=outcome,
            session=session,
            processed_at=timezone.now(),
        )
        if handler is not None:
            try:
                with transaction.atomic():
                    handler(session, envelope, event, hint)
            except Exception as exc:  # noqa: BLE001 - kept as failed, raised below
                failure = exc
                mark_failed(event)
    if failure is not None:
        raise failure
    return outcome


def new_delivery(
    envelope: Envelope, raw_body: bytes, headers: dict, **fields: object
) -> WebhookEvent:
    return WebhookEvent.objects.create(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        kallglot_session_id=envelope.kallglot_session_id[:64],
        body=raw_body.decode("utf-8", errors="replace"),
        headers={name: headers[name] for name in STORED_HEADERS if name in headers},
        event_created_at=parse_datetime(envelope.created_at or "") or None,
        **fields,
    )


def repeat_of(envelope: Envelope) -> WebhookEvent:
    """Count one more delivery of a stored event and return it."""
    WebhookEvent.objects.filter(event_id=envelope.event_id).update(deliveries=F("deliveries") + 1)
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
        mark_failed(event)
        raise


def mark_failed(event: WebhookEvent) -> None:
    """Keep why applying failed (called while handling the exception)."""
    WebhookEvent.objects.filter(pk=event.pk).update(
        outcome=Outcome.FAILED, error=traceback.format_exc(), processed_at=timezone.now()
    )
    logger.exception("webhook %s (%s) failed to apply", event.event_id, event.event_type)


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
    if session is not None and hint is None and envelope.event_type in HINTS:
        # Kallglot sends session.created as it answers the create that stores the call:
        # the two race, and the event can find the call only after upstream_hint did not.
        raise SessionAppeared(envelope.kallglot_session_id)
    handler = handler_for(session, envelope)
    outcome = Outcome.IGNORED if handler is None else Outcome.APPLIED
    claimed = (
        WebhookEvent.objects.filter(pk=event.pk)
        .exclude(outcome__in=(Outcome.APPLIED, Outcome.IGNORED))
        .update(outcome=outcome, session=session, processed_at=timezone.now(), error="")
    )
    if not claimed:  # a concurrent delivery of the same event got here first
        return WebhookEvent.objects.values_list("outcome", flat=True).get(pk=event.pk)
    if handler is not None:
        handler(session, envelope, event, hint)
    return outcome


def handler_for(session: CallSession | None, envelope: Envelope) -> Callable[..., None] | None:
    """What applies the event: None for an unknown call or type (stored, and ignored)."""
    return None if session is None else HANDLERS.get(envelope.event_type)


def event_session(kallglot_id: str) -> CallSession | None:
    """The event's call, with the fields the handlers read (any other one loads on access).

    Most events are captions, which only need the call's ids: loading all twenty fields was
    a sixth of a webhook's cost, and the ORM building this query each time cost three times
    what `raw()` costs with the statement written out (bench/).
    """
    table = connection.ops.quote_name(CallSession._meta.db_table)
    sql = (
        f"SELECT id, public_id, status, transcript_status FROM {table}"  # noqa: S608 - the model's table
        " WHERE kallglot_id = %s"
    )
    return next(iter(CallSession.objects.raw(sql, [kallglot_id])), None)


ASK_UPSTREAM = object()


def data_hint(envelope: Envelope) -> object:
    """What the event's data says about its resource; ASK_UPSTREAM if that is not enough.

    Webhook `data` is a hint: where it lacks what the app relies on, the resource is re-read
    over REST. Events of types that need no resource (captions) get None.
    """
    hint = HINTS.get(envelope.event_type)
    if hint is None:
        return None
    found = hint.from_data(envelope)
    return ASK_UPSTREAM if found is None else found


def upstream_hint(envelope: Envelope) -> object:
    """The event's resource as its data or upstream says, read before the transaction.

    Events of unknown sessions need nothing (and their data is not read: they are ignored).
    """
    if envelope.event_type not in HINTS:
        return None
    if not CallSession.objects.filter(kallglot_id=envelope.kallglot_session_id).exists():
        return None
    hint = data_hint(envelope)
    if hint is not ASK_UPSTREAM:
        return hint
    return HINTS[envelope.event_type].from_upstream(envelope)


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
class Hint:
    """Where an event type's resource is read: its data (None if not enough), or upstream."""

    from_data: Callable[[Envelope], object | None]
    from_upstream: Callable[[Envelope], object]


SESSION_HINT = Hint(session_from_data, session_from_upstream)
RECORDING_HINT = Hint(recording_from_data, recording_from_upstream)
ANALYSIS_HINT = Hint(analysis_from_data, analysis_from_upstream)
HINTS: dict[str, Hint] = {
    "session.created": SESSION_HINT,
    "session.started": SESSION_HINT,
    "session.ended": SESSION_HINT,
    "transcript.ready": Hint(lambda envelope: None, transcript_from_upstream),
    "recording.ready": RECORDING_HINT,
    "recording.failed": RECORDING_HINT,
    "analysis.complete": ANALYSIS_HINT,
    "analysis.failed": ANALYSIS_HINT,
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
