"""The JSON API of design.md §3: thin views that parse, call a service and respond."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from sessions_app import aftercall, dialing, routes, services, tickets
from sessions_app.access import find_session
from sessions_app.errors import ApiError, api_error
from sessions_app.exceptions import CallError, LimitReached
from sessions_app.kallglot import Stream
from sessions_app.models import CallSession, SessionEvent
from sessions_app.relay import event_message
from sessions_app.validation import (
    SessionRequest,
    parse_after,
    parse_analysis_request,
    parse_idempotency_key,
    parse_json,
    parse_session_request,
)

logger = logging.getLogger(__name__)

View = Callable[..., JsonResponse]
# Signed out since the page loaded (in another tab, or the sign-in expired). Reloading goes
# through sign-in and back to the same page, with its query (a console's CRM context) intact.
SIGNED_OUT = "You are signed out (perhaps in another tab). Reload the page to sign in again."


def api_view(method: str) -> Callable[[View], View]:
    """One HTTP method, signed-in users only, every failure as the JSON error envelope."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
            try:
                check_request(request, method)
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return exc.response()
            except CallError as exc:
                return api_error(exc).response()

        return wrapper

    return decorate


def check_request(request: HttpRequest, method: str) -> None:
    if request.method != method:
        raise ApiError(405, "method_not_allowed", f"Use {method} here.")
    if not request.user.is_authenticated:
        raise ApiError(401, "not_authenticated", SIGNED_OUT)


def owned_session(request: HttpRequest, session_id: UUID) -> CallSession:
    session = find_session(request.user, session_id)
    if session is None:
        raise ApiError(404, "not_found", "No such call.", "id")
    return session


def stream_json(stream: Stream | None) -> dict | None:
    if stream is None:
        return None
    return {"url": stream.url, "token": stream.token, "expires_at": stream.expires_at.isoformat()}


def session_json(session: CallSession, request: HttpRequest) -> dict:
    public_id = str(session.public_id)
    return {
        "id": public_id,
        "kallglot_id": session.kallglot_id,
        "status": session.status,
        "mode": session.mode,
        "source_language": session.source_language or None,
        "target_language": session.target_language or None,
        # In words, with the languages Kallglot detected: "en → es (detected)".
        "languages": session.languages,
        "metadata": session.metadata,
        **line_json(session),
        "agent": session.agent_name or None,
        "created_at": session.created_at.isoformat(),
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "duration_seconds": session.duration_seconds,
        "end_reason": session.end_reason or None,
        "end_reason_label": session.end_reason_words or None,
        "last_event_seq": session.last_event_seq,
        "wrap_up": wrap_up_json(session),
        "status_socket": tickets.status_socket(request, public_id),
    }


def wrap_up_json(session: CallSession) -> dict | None:
    """How the agent filed the call after it: its disposition and note (None: not yet)."""
    if session.wrapped_up_at is None:
        return None
    return {
        "disposition": session.disposition.label if session.disposition_id else None,
        "note": session.wrap_up_note,
        "at": session.wrapped_up_at.isoformat(),
    }


def line_json(session: CallSession) -> dict:
    """The call's telephony: its route, what Kallglot resolved, the customer's leg."""
    sip = session.provider == "sip" and session.kallglot_id
    return {
        "route": routes.route_json(session.route),
        "provider": session.provider or None,
        "phone_number": session.phone_number or None,
        "customer": session.customer_status or None,
        "bridge_uri": routes.bridge_uri(session.kallglot_id) if sip else None,
    }


def start_or_dial(
    agent: AbstractBaseUser, session_request: SessionRequest, key: str
) -> services.Started:
    if session_request.dial:  # an outbound line: Twilio calls the customer (dialing.py)
        return dialing.dial(
            agent=agent, request=session_request, number=session_request.dial, idempotency_key=key
        )
    return services.session_start(agent=agent, request=session_request, idempotency_key=key)


def with_open_calls(exc: LimitReached, agent: AbstractBaseUser) -> ApiError:
    """A refusal for too many open calls names them, so the console lists each with End."""
    error = api_error(exc)
    if exc.code == "too_many_live_sessions":
        error.extra = {"open_calls": [open_call_json(c) for c in services.open_calls(agent)]}
    return error


def open_call_json(session: CallSession) -> dict:
    return {
        "id": str(session.public_id),
        "kallglot_id": session.kallglot_id,
        "started_at": session.created_at.isoformat(),
        "detail_url": reverse("session-detail", args=[session.public_id]),
    }


@api_view("POST")
def sessions_create(request: HttpRequest) -> JsonResponse:
    session_request = parse_session_request(parse_json(request.body))
    key = parse_idempotency_key(request.headers.get("Idempotency-Key"))
    try:
        started = start_or_dial(request.user, session_request, key)
    except LimitReached as exc:
        raise with_open_calls(exc, request.user) from exc
    body = session_json(started.session, request) | {"stream": stream_json(started.stream)}
    if session_request.dial:
        body["dial"] = dialing.dial_json(started.session)
    return JsonResponse(body, status=201)


@api_view("POST")
def sessions_abandon(request: HttpRequest) -> JsonResponse:
    """The page that clicked Start is going away before it learned of the call (a beacon).

    The click's key comes as the create got it, in `Idempotency-Key`, or as the form field
    `idempotency_key` from a beacon, which cannot set headers. Its call is ended now, or as
    soon as its create stores it.
    """
    value = request.headers.get("Idempotency-Key") or request.POST.get("idempotency_key")
    if not value:
        message = "Name the Start click's Idempotency-Key."
        raise ApiError(400, "missing_idempotency_key", message, "Idempotency-Key")
    key = parse_idempotency_key(value)
    session = services.session_abandon(agent=request.user, idempotency_key=key)
    return JsonResponse({"session": session_json(session, request) if session else None})


@api_view("GET")
def session_detail(request: HttpRequest, session_id: UUID) -> JsonResponse:
    return JsonResponse(session_json(owned_session(request, session_id), request))


@api_view("POST")
def session_stream(request: HttpRequest, session_id: UUID) -> JsonResponse:
    session = owned_session(request, session_id)
    if session.agent_id != request.user.pk:
        raise ApiError(403, "not_your_call", "Only the agent on this call can stream audio.")
    return JsonResponse({"stream": stream_json(services.session_stream(session=session))})


@api_view("POST")
def session_end(request: HttpRequest, session_id: UUID) -> JsonResponse:
    session = owned_session(request, session_id)
    dialing.hang_up(session)  # a dialled customer's phone stops ringing (or the call ends)
    session = services.session_end(session=session, actor=request.user)
    return JsonResponse(session_json(session, request))


@api_view("GET")
def session_events(request: HttpRequest, session_id: UUID) -> JsonResponse:
    session = owned_session(request, session_id)
    after = parse_after(request.GET.get("after"))
    events = SessionEvent.objects.filter(session=session, seq__gt=after).select_related("session")
    return JsonResponse(
        {
            "session_id": str(session.public_id),
            "last_event_seq": session.last_event_seq,
            "events": [event_message(event) for event in events[:500]],
        }
    )


@api_view("POST")
def session_analysis(request: HttpRequest, session_id: UUID) -> JsonResponse:
    session = owned_session(request, session_id)
    profile, include = parse_analysis_request(parse_json(request.body))
    analysis = aftercall.analysis_request(
        session=session, profile=profile, include=include, actor=request.user
    )
    return JsonResponse(aftercall.analysis_json(analysis), status=202)
