"""Orchestration of a call: upstream Kallglot, the database and the relay, in that order."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from sessions_app import relay
from sessions_app.errors import ApiError
from sessions_app.kallglot import KallglotError, Stream, get_client
from sessions_app.kallglot import Session as UpstreamSession
from sessions_app.models import CallSession, SessionEvent, WebhookEvent
from sessions_app.validation import SessionRequest

logger = logging.getLogger(__name__)

LIVE_WINDOW = timedelta(hours=12)
ABANDONED_FOR = 600  # s: a mark outlives any create in flight (KALLGLOT_DEADLINE and retries)


@dataclass(frozen=True)
class Started:
    session: CallSession
    stream: Stream | None


def session_start(
    *, agent: AbstractBaseUser, request: SessionRequest, idempotency_key: str
) -> Started:
    """Create the upstream session and its row; a repeated key gives the same session."""
    calls = agent_calls(agent, idempotency_key)
    if calls.existing is not None:
        existing = CallSession.objects.get(pk=calls.existing)
        return Started(replayed(existing, request), session_stream_or_none(session=existing))
    check_limits(agent, calls)
    upstream = create_upstream(agent, request, idempotency_key)
    session = store_started(agent, request, idempotency_key, upstream)
    if cache.get(abandoned_key(agent, idempotency_key)):  # after the store: session_abandon
        return Started(end_abandoned(session, agent), None)
    return Started(session, upstream.stream)


def session_abandon(*, agent: AbstractBaseUser, idempotency_key: str) -> CallSession | None:
    """End the call of a Start click whose page went away before it learned of the call.

    Its create may still be in flight. This marks the click first and looks for its call
    after; a create stores its call first and looks for the mark after. So whichever comes
    second ends the call, and a call is never left open by a page that was closed early.
    """
    cache.set(abandoned_key(agent, idempotency_key), True, ABANDONED_FOR)
    session = CallSession.objects.filter(agent=agent, idempotency_key=idempotency_key).first()
    return None if session is None else session_end(session=session, actor=agent)


def abandoned_key(agent: AbstractBaseUser, idempotency_key: str) -> str:
    return f"kallglot:abandoned:{agent.pk}:{idempotency_key}"


def end_abandoned(session: CallSession, agent: AbstractBaseUser) -> CallSession:
    """End a call nobody is waiting for; if Kallglot refuses, it stays listed as open."""
    try:
        return session_end(session=session, actor=agent)
    except ApiError as exc:
        logger.warning("could not end abandoned call %s: %s", session.kallglot_id, exc.code)
        return session


def replayed(session: CallSession, request: SessionRequest) -> CallSession:
    same = (
        session.mode == request.mode
        and session.source_language == request.source_language
        and session.target_language == request.target_language
        and session.metadata == request.metadata
    )
    if not same:
        message = "This Idempotency-Key was already used for a different request."
        raise ApiError(409, "idempotency_mismatch", message, "Idempotency-Key")
    return session


@dataclass(frozen=True)
class AgentCalls:
    existing: int | None  # the call this click already made, if it is a repeat
    recent: int  # calls started in the last minute
    live: int  # calls not ended, started within LIVE_WINDOW


def agent_calls(agent: AbstractBaseUser, idempotency_key: str) -> AgentCalls:
    """What an agent's calls say about a new click, in one statement.

    Each part reads only the rows it counts, through the "agent_created" index and the
    per-agent key constraint (whose condition it repeats so the database may use it), never
    the agent's whole history: an agent with a year of calls creates as fast as a new one.
    Raw SQL on purpose: the ORM spelling (a lookup and an aggregate with filters) took over a
    millisecond to compile on every create, a fifth of the create overhead budget of
    design.md §8 (bench/), while the statement runs in microseconds.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    minute_ago, window_start = adapt(now - timedelta(minutes=1)), adapt(now - LIVE_WINDOW)
    table = connection.ops.quote_name(CallSession._meta.db_table)
    sql = f"""
        SELECT
          (SELECT MAX(id) FROM {table} WHERE agent_id = %s
             AND idempotency_key = %s AND NOT (idempotency_key = '')),
          (SELECT COUNT(*) FROM {table} WHERE agent_id = %s AND created_at >= %s),
          (SELECT COUNT(*) FROM {table} WHERE agent_id = %s AND created_at >= %s
             AND status <> %s)
    """  # noqa: S608 - the table name is the model's own
    params = [agent.pk, idempotency_key, agent.pk, minute_ago, agent.pk, window_start]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, CallSession.Status.ENDED])
        existing, recent, live = cursor.fetchone()
    return AgentCalls(existing, recent, live)


def check_limits(agent: AbstractBaseUser, calls: AgentCalls) -> None:
    """Per-agent limits: calls started this minute, calls still open."""
    if calls.recent >= settings.SESSION_CREATE_PER_MINUTE:
        wait = seconds_until_a_minute_slot(agent)
        message = f"Too many calls started in the last minute. Try again in {wait} s."
        raise ApiError(429, "rate_limited", message, retry_after=wait)
    if calls.live >= settings.MAX_LIVE_SESSIONS_PER_AGENT:
        # The console lists the counted calls on load, each with an End button (open_calls).
        message = (
            f"You already have {calls.live} open calls. End one before starting another:"
            " reload this page to list them, each with End it (or end one from its page"
            " in History)."
        )
        raise ApiError(429, "too_many_live_sessions", message, retry_after=30)


def open_calls(agent: AbstractBaseUser) -> QuerySet[CallSession]:
    """The calls that count against MAX_LIVE_SESSIONS_PER_AGENT (`agent_calls().live`)."""
    window_start = timezone.now() - LIVE_WINDOW
    calls = CallSession.objects.filter(agent=agent, created_at__gte=window_start)
    return calls.exclude(status=CallSession.Status.ENDED).order_by("created_at")


def seconds_until_a_minute_slot(agent: AbstractBaseUser) -> int:
    now = timezone.now()
    oldest = (
        CallSession.objects.filter(agent=agent, created_at__gte=now - timedelta(minutes=1))
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return 1
    return max(1, math.ceil(60 - (now - oldest).total_seconds()))


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
            # Scoped per agent so two agents' keys can never collide upstream.
            idempotency_key=f"console:{agent.pk}:{idempotency_key}",
        )
    except KallglotError as exc:
        raise agent_error(exc) from exc


def store_started(
    agent: AbstractBaseUser,
    request: SessionRequest,
    idempotency_key: str,
    upstream: UpstreamSession,
) -> CallSession:
    try:
        with transaction.atomic():
            session = CallSession.objects.create(
                kallglot_id=upstream.id,
                agent=agent,
                mode=request.mode,
                source_language=request.source_language,
                target_language=request.target_language,
                metadata=request.metadata,
                upstream_request_id=upstream.request_id or "",
                idempotency_key=idempotency_key,
                created_at=upstream.created_at or timezone.now(),
            )
            record_event(session, "session.created", {"status": session.status})
    except IntegrityError:
        # A concurrent retry of the same click stored it first: upstream gave the same id.
        return CallSession.objects.get(kallglot_id=upstream.id, agent=agent)
    return session


def session_stream(*, session: CallSession) -> Stream:
    """Fresh stream credentials for a session that has not ended (reconnects, late connects)."""
    if session.is_ended:
        raise ended_error()
    try:
        upstream = get_client().get_session(session.kallglot_id)
    except KallglotError as exc:
        raise agent_error(exc) from exc
    if upstream.status == "ended" or upstream.stream is None:
        session_sync(session=session, upstream=upstream)
        raise ended_error()
    return upstream.stream


def session_stream_or_none(*, session: CallSession) -> Stream | None:
    try:
        return session_stream(session=session)
    except ApiError:
        return None


def ended_error() -> ApiError:
    return ApiError(409, "session_ended", "This call has ended. Start a new call to continue.")


def session_end(
    *,
    session: CallSession,
    actor: AbstractBaseUser | None = None,
    reason: str = "ended_by_user",
) -> CallSession:
    """End upstream, then record it; repeating it on an ended session changes nothing."""
    if session.is_ended:
        return session
    try:
        upstream = get_client().end_session(
            session.kallglot_id, idempotency_key=f"end:{session.kallglot_id}"
        )
    except KallglotError as exc:
        raise agent_error(exc) from exc
    return session_sync(session=session, upstream=upstream, actor=actor, reason=reason)


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
            ended(session, upstream, reason or upstream.end_reason or "", actor, webhook_event)
        session.save()
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
    upstream: UpstreamSession,
    reason: str,
    actor: AbstractBaseUser | None,
    webhook_event: WebhookEvent | None = None,
) -> None:
    if session.mark_ended(upstream.ended_at, upstream.duration_seconds, reason):
        session.save()
        data = {
            "status": session.status,
            "duration_seconds": session.duration_seconds,
            "reason": session.end_reason,
        }
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


AGENT_MESSAGES = {
    402: ("no_credits", "Kallglot has no API credits left. Ask a supervisor to top up."),
    401: ("upstream_auth", "The console cannot sign in to Kallglot. Tell a supervisor."),
    404: ("upstream_not_found", "Kallglot does not know this call any more."),
}


def agent_error(exc: KallglotError) -> ApiError:
    """Turn an upstream failure into a message an agent can act on (never the key)."""
    status = exc.status or 0
    if status in AGENT_MESSAGES:
        code, message = AGENT_MESSAGES[status]
        return ApiError(status if status != 401 else 503, code, message)
    if status == 403:
        message = "The Kallglot subscription is inactive or not allowed. Tell a supervisor."
        return ApiError(403, "organization_inactive", message)
    if status == 429 or exc.code == "idempotency_conflict":
        wait = max(1, math.ceil(exc.retry_after or 5))
        message = f"Kallglot is busy right now. Try again in {wait} s."
        return ApiError(429, "upstream_busy", message, retry_after=wait)
    if status in (400, 422):
        return ApiError(400, "upstream_rejected", f"Kallglot refused the request: {exc}")
    if status == 409:
        return ApiError(409, "upstream_conflict", f"Kallglot refused the request: {exc}")
    if exc.code in ("network_error", "timeout") or status == 503:
        message = "Kallglot cannot be reached right now. Try again in a moment."
        return ApiError(503, "upstream_unavailable", message, retry_after=5)
    return ApiError(502, "upstream_error", "Kallglot had a problem. Try again in a moment.")


def session_refresh(*, session: CallSession, actor: AbstractBaseUser | None = None) -> CallSession:
    """Re-read a session upstream and apply what changed; the action goes on the timeline."""
    try:
        upstream = get_client().get_session(session.kallglot_id)
    except KallglotError as exc:
        raise agent_error(exc) from exc
    with transaction.atomic():
        session = session_sync(session=session, upstream=upstream)
        if actor is not None:
            record_event(session, "action.refresh", {"status": session.status}, actor=actor)
    return session
