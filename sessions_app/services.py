"""Orchestration of a call: upstream Kallglot, the database and the relay, in that order."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sessions_app import end_reasons, queues, relay
from sessions_app.exceptions import (
    CallEnded,
    CallError,
    Conflict,
    LimitReached,
    NoCredits,
    NotAllowed,
    Refused,
    Unavailable,
    UpstreamFailed,
    UpstreamGone,
)
from sessions_app.kallglot import KallglotError, Stream, get_client
from sessions_app.kallglot import Session as UpstreamSession
from sessions_app.models import CallSession, CustomerLeg, Route, SessionEvent, WebhookEvent
from sessions_app.validation import SessionRequest

logger = logging.getLogger(__name__)

ABANDONED_FOR = 600  # s: a mark outlives any create in flight (KALLGLOT_DEADLINE and retries)
IN_FLIGHT_POLL = 0.1  # s: how often a repeated click looks whether its first attempt is done


@dataclass(frozen=True)
class Started:
    session: CallSession
    stream: Stream | None


def session_start(
    *, agent: AbstractBaseUser, request: SessionRequest, idempotency_key: str
) -> Started:
    """Reserve the call within the agent's limits, create it upstream, complete the row.

    The row is reserved before Kallglot is asked, so parallel clicks cannot all pass the
    limits; a click repeated with the same key gets the call its first attempt made.
    """
    session, reserved = session_reserve(
        agent=agent, request=request, idempotency_key=idempotency_key
    )
    if not reserved:
        session = made_by_first_attempt(session, request)
        return Started(session, session_stream_or_none(session=session))
    try:
        upstream = create_upstream(agent, request, idempotency_key)
    except Exception:
        session.delete()  # gives the place back
        raise
    session = store_started(session, upstream)
    if cache.get(abandoned_key(agent, idempotency_key)):  # after the store: session_abandon
        return Started(end_abandoned(session, agent), None)
    return Started(session, upstream.stream)


def session_reserve(
    *, agent: AbstractBaseUser, request: SessionRequest, idempotency_key: str
) -> tuple[CallSession, bool]:
    """The click's row: the one an earlier attempt made (False), or a new one (True).

    Counting and inserting happen in one transaction that holds the agent's own row, so two
    clicks of one agent take turns here and each sees the other's reservation.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=agent.pk).first()
        calls = CallSession.objects.filter(agent=agent)
        # At most one: `exclude` repeats the key constraint's condition and `order_by` drops
        # the newest-first ordering, so the database searches the constraint's index.
        repeats = calls.filter(idempotency_key=idempotency_key).exclude(idempotency_key="")
        earlier = repeats.order_by("pk").first()
        if earlier is not None and not earlier.reservation_expired:
            return earlier, False
        if earlier is not None:  # its create died on the way: this attempt makes the call
            earlier.delete()
        check_limits(calls)
        session = CallSession.objects.create(
            agent=agent,
            route=request.route,
            mode=request.mode,
            source_language=request.source_language,
            target_language=request.target_language,
            metadata=request.metadata,
            idempotency_key=idempotency_key,
        )
    return session, True


def check_limits(calls: QuerySet[CallSession]) -> None:
    """Per-agent limits on `calls`, the agent's: calls started this minute, calls still open."""
    now = timezone.now()
    recent = calls.filter(created_at__gte=now - timedelta(minutes=1))
    if recent.count() >= settings.SESSION_CREATE_PER_MINUTE:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(1, math.ceil(60 - (now - oldest).total_seconds()))
        message = f"Too many calls started in the last minute. Try again in {wait} s."
        raise LimitReached("rate_limited", message, retry_after=wait)
    open_count = calls.open().count()
    if open_count >= settings.MAX_LIVE_SESSIONS_PER_AGENT:
        # The refusal names the counted calls (api.with_open_calls): the console lists them
        # with it, each with an End button, as it lists them on load (open_calls).
        message = (
            f"You already have {open_count} open calls. End one before starting another"
            " (or end one from its page in History)."
        )
        raise LimitReached("too_many_live_sessions", message, retry_after=30)


def made_by_first_attempt(session: CallSession, request: SessionRequest) -> CallSession:
    """The call of a repeated click, once its first attempt has it (a lost answer's retry)."""
    if not same_request(session, request):
        message = "This Idempotency-Key was already used for a different request."
        raise Conflict("idempotency_mismatch", message, param="Idempotency-Key")
    deadline = time.monotonic() + settings.KALLGLOT_DEADLINE
    while session.kallglot_id is None:
        time.sleep(IN_FLIGHT_POLL)
        session = CallSession.objects.filter(pk=session.pk).first()
        if session is None or time.monotonic() > deadline:  # gone: the first attempt failed
            message = "This call is still being started. Try again in a moment."
            raise LimitReached("create_in_progress", message, retry_after=1)
    return session


def same_request(session: CallSession, request: SessionRequest) -> bool:
    return (
        session.route_id == (request.route.pk if request.route else None)
        and session.mode == request.mode
        and session.source_language == request.source_language
        and session.target_language == request.target_language
        and session.metadata == request.metadata
    )


def session_abandon(*, agent: AbstractBaseUser, idempotency_key: str) -> CallSession | None:
    """End the call of a Start click whose page went away before it learned of the call.

    Its create may still be in flight. This marks the click first and looks for its call
    after; a create stores its call first and looks for the mark after. So whichever comes
    second ends the call, and a call is never left open by a page that was closed early.
    """
    cache.set(abandoned_key(agent, idempotency_key), True, ABANDONED_FOR)
    calls = CallSession.objects.known().filter(agent=agent, idempotency_key=idempotency_key)
    session = calls.first()
    return None if session is None else session_end(session=session, actor=agent)


def abandoned_key(agent: AbstractBaseUser, idempotency_key: str) -> str:
    return f"kallglot:abandoned:{agent.pk}:{idempotency_key}"


def end_abandoned(session: CallSession, agent: AbstractBaseUser) -> CallSession:
    """End a call nobody is waiting for; if Kallglot refuses, it stays listed as open."""
    try:
        return session_end(session=session, actor=agent)
    except CallError as exc:
        logger.warning("could not end abandoned call %s: %s", session.kallglot_id, exc.code)
        return session


def open_calls(agent: AbstractBaseUser) -> QuerySet[CallSession]:
    """The calls that count against MAX_LIVE_SESSIONS_PER_AGENT, which an agent can end."""
    return CallSession.objects.filter(agent=agent).open().known().order_by("created_at")


def create_upstream(
    agent: AbstractBaseUser, request: SessionRequest, idempotency_key: str
) -> UpstreamSession:
    try:
        return get_client().create_session(
            mode=request.mode,
            source_language=request.source_language or None,
            target_language=request.target_language or None,
            metadata=request.metadata or None,
            recording=True,
            routing=request.route.routing() if request.route else None,
            # Scoped per agent so two agents' keys can never collide upstream.
            idempotency_key=f"console:{agent.pk}:{idempotency_key}",
        )
    except KallglotError as exc:
        if exc.param == "routing" and request.route is not None:
            raise route_error(request.route, exc) from exc
        raise agent_error(exc) from exc


def route_error(route: Route, exc: KallglotError) -> Refused:
    message = (
        f"Kallglot cannot put a call on the route “{route.label}”: {exc.message}"
        " Ask a supervisor to check the route in the admin."
    )
    return Refused("route_unavailable", message, param="route")


def store_started(session: CallSession, upstream: UpstreamSession) -> CallSession:
    """Complete a reserved row with what Kallglot answered, and number its first event."""
    with transaction.atomic():
        session.kallglot_id = upstream.id
        session.upstream_request_id = upstream.request_id or ""
        session.created_at = upstream.created_at or session.created_at
        session.provider = upstream.provider or ""
        session.phone_number = upstream.phone_number or ""
        session.customer_status = customer_leg_at_start(session.provider)
        session.save(
            update_fields=[
                "kallglot_id",
                "upstream_request_id",
                "created_at",
                "provider",
                "phone_number",
                "customer_status",
            ]
        )
        record_event(session, "session.created", {"status": session.status})
    return session


def customer_leg_at_start(provider: str) -> str:
    """A carrier rings the customer at once; a SIP leg waits for the PBX to bridge it."""
    return CustomerLeg.RINGING if provider in ("twilio", "telnyx") else CustomerLeg.NONE


def session_stream(*, session: CallSession) -> Stream:
    """Fresh stream credentials for a session that has not ended (reconnects, late connects)."""
    if session.is_ended:
        raise ended_error()
    try:
        upstream = get_client().get_session(session.kallglot_id)
    except KallglotError as exc:
        if exc.status == 404:
            session_lost(session=session, exc=exc)
            raise ended_error() from exc
        raise agent_error(exc) from exc
    if upstream.status == "ended" or upstream.stream is None:
        session_sync(session=session, upstream=upstream)
        raise ended_error()
    return upstream.stream


def session_stream_or_none(*, session: CallSession) -> Stream | None:
    try:
        return session_stream(session=session)
    except CallError:
        return None


def ended_error() -> CallEnded:
    return CallEnded("session_ended", "This call has ended. Start a new call to continue.")


def session_end(
    *,
    session: CallSession,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> CallSession:
    """End upstream, then record it; repeating it on an ended session changes nothing.

    Without a `reason`, the reason says who ended it (end_reasons.for_actor). A call Kallglot
    no longer knows is closed here: nobody could ever end it otherwise.
    """
    if session.is_ended:
        return session
    try:
        upstream = get_client().end_session(
            session.kallglot_id, idempotency_key=f"end:{session.kallglot_id}"
        )
    except KallglotError as exc:
        if exc.status == 404:
            return session_lost(session=session, exc=exc, actor=actor)
        raise agent_error(exc) from exc
    reason = reason or end_reasons.for_actor(session, actor)
    return session_sync(session=session, upstream=upstream, actor=actor, reason=reason)


def session_lost(
    *, session: CallSession, exc: KallglotError, actor: AbstractBaseUser | None = None
) -> CallSession:
    """Close here a call Kallglot answers 404 for (it lost it, say in a restart).

    Left open, it would stay live on the board and count against the agent's limits for ever.
    """
    logger.warning(
        "Kallglot no longer knows call %s (request %s): closed here",
        session.kallglot_id,
        exc.request_id,
    )
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        ended(session, None, None, end_reasons.UPSTREAM_LOST, actor)
    return session


def session_sync(
    *,
    session: CallSession,
    upstream: UpstreamSession,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
    webhook_event: WebhookEvent | None = None,
) -> CallSession:
    """Apply what upstream says about a session; state only ever moves forward."""
    if upstream.status not in ("active", "ended") and not upstream.started_at:
        return session  # e.g. session.created: the call was stored when it was created
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        if upstream.status == "active" or upstream.started_at:
            started(session, upstream.started_at, webhook_event)
        if upstream.status == "ended":
            reason = reason or upstream.end_reason or ""
            at, duration = upstream.ended_at, upstream.duration_seconds
            ended(session, at, duration, reason, actor, webhook_event)
        # A call left to detect its languages: Kallglot may name the ones it heard.
        heard = (upstream.source_language or "", upstream.target_language or "")
        learned = session.learn_languages(*heard)
        session.save()
    if learned:
        relay.board_changed()
    return session


def started(
    session: CallSession, at: datetime | None, webhook_event: WebhookEvent | None = None
) -> None:
    was_active = session.started_at is not None
    session.mark_started(at)
    if not was_active:
        session.save()
        data = {"status": session.status}
        record_event(session, "session.started", data, at, webhook_event=webhook_event)


def ended(
    session: CallSession,
    at: datetime | None,
    duration: float | None,
    reason: str,
    actor: AbstractBaseUser | None,
    webhook_event: WebhookEvent | None = None,
) -> None:
    """Mark the (locked) row ended once and record `session.ended`, saying who when a person
    ended it."""
    if session.mark_ended(at, duration, reason):
        session.save()
        queues.session_ended(session)
        by = end_reasons.display_name(actor) if actor is not None else ""
        data = {
            "status": session.status,
            "duration_seconds": session.duration_seconds,
            "reason": session.end_reason,
            "label": end_reasons.words(session.end_reason, by),
        }
        if by:
            data["by"] = by
        record_event(
            session,
            "session.ended",
            data,
            session.ended_at,
            webhook_event=webhook_event,
            actor=actor,
        )


def record_event(
    session: CallSession,
    kind: str,
    data: dict,
    occurred_at: datetime | None = None,
    *,
    webhook_event: WebhookEvent | None = None,
    actor: AbstractBaseUser | None = None,
) -> SessionEvent:
    """Number and store one event in the caller's transaction; relay it once that commits."""
    with transaction.atomic(savepoint=False):
        event = SessionEvent.objects.create(
            session=session,
            seq=session.next_seq(),
            kind=kind,
            data=data,
            occurred_at=occurred_at or timezone.now(),
            webhook_event=webhook_event,
            actor=actor,
        )
    relay.publish(event)
    return event


AGENT_MESSAGES: dict[int, tuple[type[CallError], str, str]] = {
    402: (NoCredits, "no_credits", "Kallglot has no API credits left. Ask a supervisor to top up."),
    401: (
        Unavailable,
        "upstream_auth",
        "The console cannot sign in to Kallglot. Tell a supervisor.",
    ),
    403: (
        NotAllowed,
        "organization_inactive",
        "The Kallglot subscription is inactive or not allowed. Tell a supervisor.",
    ),
    404: (UpstreamGone, "upstream_not_found", "Kallglot does not know this call any more."),
}


def agent_error(exc: KallglotError) -> CallError:
    """Turn an upstream failure into a message an agent can act on (never the key)."""
    status = exc.status or 0
    if status in AGENT_MESSAGES:
        kind, code, message = AGENT_MESSAGES[status]
        return kind(code, message)
    if status == 429 or exc.code == "idempotency_conflict":
        wait = max(1, math.ceil(exc.retry_after or 5))
        message = f"Kallglot is busy right now. Try again in {wait} s."
        return LimitReached("upstream_busy", message, retry_after=wait)
    if status in (400, 422):
        return Refused("upstream_rejected", f"Kallglot refused the request: {exc}")
    if status == 409:
        return Conflict("upstream_conflict", f"Kallglot refused the request: {exc}")
    if exc.code in ("network_error", "timeout") or status == 503:
        message = "Kallglot cannot be reached right now. Try again in a moment."
        return Unavailable("upstream_unavailable", message, retry_after=5)
    return UpstreamFailed("upstream_error", "Kallglot had a problem. Try again in a moment.")


def session_refresh(*, session: CallSession, actor: AbstractBaseUser | None = None) -> CallSession:
    """Re-read a session upstream and apply what changed; the action goes on the timeline."""
    try:
        upstream = get_client().get_session(session.kallglot_id)
    except KallglotError as exc:
        if exc.status != 404:
            raise agent_error(exc) from exc
        lost = exc
    else:
        lost = None
    with transaction.atomic():
        if lost is not None:
            session = session_lost(session=session, exc=lost, actor=actor)
        else:
            session = session_sync(session=session, upstream=upstream)
        if actor is not None:
            record_event(session, "action.refresh", {"status": session.status}, actor=actor)
    return session
