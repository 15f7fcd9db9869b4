"""The sandbox's REST endpoints (kallglot-api.md §2), thin over lifecycle and objects."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from kallglot_sandbox import lifecycle, validation
from kallglot_sandbox.errors import ApiError, not_found
from kallglot_sandbox.gateway import Call, endpoint
from kallglot_sandbox.ids import new_id
from kallglot_sandbox.objects import (
    analysis_object,
    end_summary,
    recording_object,
    session_object,
    stream_object,
    transcript_object,
)
from kallglot_sandbox.state import Analysis, Recording, Session, store


@csrf_exempt
async def root(request: HttpRequest) -> HttpResponse:
    """Unauthenticated: tells a client (or a readiness probe) what answers here."""
    response = JsonResponse({"object": "sandbox", "name": "Kallglot sandbox", "api_version": "v1"})
    response["X-Request-ID"] = new_id("req")
    return response


@csrf_exempt
async def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    request_id = new_id("req")
    error = ApiError(404, "resource_not_found", "Unrecognized request URL.")
    response = JsonResponse(error.envelope(request_id), status=404)
    response["X-Request-ID"] = request_id
    return response


def get_session(session_id: str) -> Session:
    session = store.sessions.get(session_id)
    if session is None:
        raise not_found("session")
    return session


def get_recording(recording_id: str) -> Recording:
    recording = store.recordings.get(recording_id)
    if recording is None:
        raise not_found("recording")
    return recording


def _get_analysis(analysis_id: str) -> Analysis:
    analysis = store.analyses.get(analysis_id)
    if analysis is None:
        raise not_found("analysis")
    return analysis


def _check_billable() -> None:
    """§1.9 gates before a billable call: inactive organisation, then credits."""
    if not store.config.org_active:
        raise ApiError(403, "organization_inactive", "The organization's subscription is inactive.")
    if store.config.credits < 1:
        raise ApiError(
            402,
            "insufficient_api_credits",
            "API credits exhausted. Purchase more credits to continue.",
        )


def _charge() -> None:
    store.config.credits -= 1
    store.credits_used += 1


@endpoint("sessions.create", "POST", idempotent=True)
async def sessions_create(call: Call) -> HttpResponse:
    fields = validation.new_session(call.json())
    _check_billable()
    session = lifecycle.create_session(
        mode=fields.mode,
        source_language=fields.source_language,
        target_language=fields.target_language,
        recording_enabled=fields.recording_enabled,
        metadata=fields.metadata,
        idempotency_key=call.idempotency_key,
        route=fields.route,
    )
    _charge()
    stream = stream_object(call.stream_url(session.id), lifecycle.issue_token(session))
    return JsonResponse(session_object(session, stream), status=201)


@endpoint("sessions.retrieve", "GET")
async def session_retrieve(call: Call, session_id: str) -> HttpResponse:
    """While not ended, each retrieve carries a freshly issued stream token (G9)."""
    session = get_session(session_id)
    stream = None
    if session.status != "ended":
        stream = stream_object(call.stream_url(session.id), lifecycle.issue_token(session))
    return JsonResponse(session_object(session, stream))


@endpoint("sessions.end", "POST", idempotent=True)
async def session_end(call: Call, session_id: str) -> HttpResponse:
    session = get_session(session_id)
    await lifecycle.end_session(session, "api_end")
    return JsonResponse(end_summary(session))


@endpoint("sessions.transcript", "GET")
async def session_transcript(call: Call, session_id: str) -> HttpResponse:
    return JsonResponse(transcript_object(get_session(session_id)))


@endpoint("sessions.recordings", "GET")
async def session_recordings(call: Call, session_id: str) -> HttpResponse:
    session = get_session(session_id)
    query = call.request.GET
    limit = validation.list_limit(query.get("limit"))
    items = [rec for rec in store.recordings.values() if rec.session_id == session.id]
    ids = [rec.id for rec in items]
    if query.get("starting_after") in ids:
        items = items[ids.index(query["starting_after"]) + 1 :]
    elif query.get("ending_before") in ids:
        items = items[: ids.index(query["ending_before"])][-limit:]
    page = items[:limit]
    return JsonResponse(
        {
            "object": "list",
            "data": [recording_object(rec) for rec in page],
            "has_more": len(items) > len(page),
        }
    )


@endpoint("recordings.retrieve", "GET")
async def recording_retrieve(call: Call, recording_id: str) -> HttpResponse:
    return JsonResponse(recording_object(get_recording(recording_id)))


@endpoint("analysis.create", "POST", idempotent=True)
async def analysis_create(call: Call, session_id: str) -> HttpResponse:
    session = get_session(session_id)
    profile, include = validation.analysis_request(call.json())
    if session.status != "ended":
        raise ApiError(
            409,
            "transcript_not_ready",
            "The transcript is available once the session has ended.",
            param="id",
        )
    _check_billable()
    analysis = lifecycle.start_analysis(session, profile, include)
    _charge()
    return JsonResponse(analysis_object(analysis), status=202)


@endpoint("analyses.retrieve", "GET")
async def analysis_retrieve(call: Call, analysis_id: str) -> HttpResponse:
    return JsonResponse(analysis_object(_get_analysis(analysis_id)))
