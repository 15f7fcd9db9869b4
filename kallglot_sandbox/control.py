"""The sandbox-only control API under `_control/`: reset, faults, config, and what happened.

Tests drive the sandbox through it instead of reaching into its memory, so the same calls
work against a sandbox in another process (`manage.py runsandbox`). Same API key as REST.
`sessions/<id>/forget` plays Kallglot losing one call in a restart that lost its state.
It also stands in for the other end of a phone call: `sessions/<id>/customer` connects or
hangs up the caller's leg, as a PBX bridging a SIP call or a caller putting the phone down, and
`sip/bridge` is the PBX bridging a call to the bridge URI `sip:<session id>@sip.kallglot.com`.
The Twilio stand-in's calls have their own module, twilio_control.py.
"""

from __future__ import annotations

import asyncio
import re
from collections import deque
from dataclasses import asdict
from typing import Any

from django.http import HttpResponse, JsonResponse

from kallglot_sandbox import lifecycle, telephony, twilio_http
from kallglot_sandbox.carrier import LegRefused
from kallglot_sandbox.config import parse_update
from kallglot_sandbox.dsp import SAMPLE_RATE, dominant_frequency, ulaw_to_samples
from kallglot_sandbox.errors import DEFAULT_CODES, ApiError, invalid
from kallglot_sandbox.gateway import ENDPOINTS, Call, endpoint
from kallglot_sandbox.ids import iso
from kallglot_sandbox.state import Fault, ReceivedAudio, Session, store
from kallglot_sandbox.vad import FRAME_MS, FRAME_SAMPLES
from kallglot_sandbox.views import get_session

SIP_DOMAIN = "sip.kallglot.com"
# sip:<session id>@sip.kallglot.com, also sips:, with a port or URI parameters.
SIP_URI = re.compile(
    r"sips?:(?P<session_id>[^@;?\s]+)@sip\.kallglot\.com(?::[0-9]+)?(?:;[^?\s]*)?", re.IGNORECASE
)


@endpoint(None, "POST")
async def reset(call: Call) -> HttpResponse:
    await lifecycle.reset()
    return JsonResponse({"reset": True, "config": _config_body()})


@endpoint(None, "GET", "POST")
async def config(call: Call) -> HttpResponse:
    if call.request.method == "POST":
        try:
            changes = parse_update(call.json() or {})
        except ValueError as exc:
            raise invalid(str(exc), "config") from None
        for key, value in changes.items():
            setattr(store.config, key, value)
        if "idle_timeout_s" in changes:
            lifecycle.rearm_idle_timers()
    return JsonResponse(_config_body())


def _config_body() -> dict[str, Any]:
    """The config, with the telephony and Twilio keys as they apply (settings unless
    overridden); the Twilio auth token only as set or not."""
    return {**store.config.as_dict(), **telephony.config_view(), **twilio_http.config_view()}


@endpoint(None, "GET", "POST")
async def faults(call: Call) -> HttpResponse:
    if call.request.method == "GET":
        queued = {name: [asdict(fault) for fault in queue] for name, queue in store.faults.items()}
        return JsonResponse({"faults": queued})
    name, fault, count = _parse_fault(call.json() or {})
    queue = store.faults.setdefault(name, deque())
    queue.extend([fault] * count)
    return JsonResponse({"endpoint": name, "queued": len(queue)}, status=201)


def _parse_fault(body: dict[str, Any]) -> tuple[str, Fault, int]:
    name = body.get("endpoint")
    if name not in ENDPOINTS:
        raise invalid(f"'endpoint' must be one of: {', '.join(ENDPOINTS)}.", "endpoint")
    status = body.get("status")
    if not _is_int(status) or not (status == 0 or 400 <= status <= 599):
        raise invalid("'status' must be 0 (latency only) or an HTTP error status.", "status")
    count, latency = body.get("count", 1), body.get("latency_ms", 0)
    if not _is_int(count) or count < 1:
        raise invalid("'count' must be a positive integer.", "count")
    if not _is_int(latency) or latency < 0:
        raise invalid("'latency_ms' must be a non-negative integer.", "latency_ms")
    retry_after = body.get("retry_after")
    if retry_after is not None and (not _is_number(retry_after) or retry_after < 0):
        raise invalid("'retry_after' must be a non-negative number.", "retry_after")
    code = body.get("code") or DEFAULT_CODES.get(status, "error")
    message = body.get("message") or f"Injected fault: {status} {code}."
    raw = body.get("body")
    if not isinstance(code, str) or not isinstance(message, str) or not _is_text(raw):
        raise invalid("'code', 'message' and 'body' must be strings.", "code")
    return name, Fault(status, code, message, retry_after, latency, raw), count


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return value is None or isinstance(value, str)


@endpoint(None, "GET")
async def sessions(call: Call) -> HttpResponse:
    data = [
        {
            "id": session.id,
            "status": session.status,
            "mode": session.mode,
            "idempotency_key": session.idempotency_key,
            "created_at": iso(session.created_at),
            "end_reason": session.end_reason,
            "open_streams": len(session.sockets),
            "provider": session.route.provider,
            "phone_number": session.route.phone_number,
            "customer": None if session.leg is None else session.leg.status,
            "analyses": [a.id for a in store.analyses.values() if a.session_id == session.id],
        }
        for session in store.sessions.values()
    ]
    return JsonResponse({"object": "list", "data": data})


@endpoint(None, "GET", "POST")
async def session_customer(call: Call, session_id: str) -> HttpResponse:
    """The caller's leg; POST `{"action": "connect"|"hangup"}` acts as the PBX or the caller."""
    session = get_session(session_id)
    if call.request.method == "POST":
        _act_on_leg(session, (call.json() or {}).get("action"))
    return JsonResponse(_customer_body(session))


@endpoint(None, "POST")
async def session_forget(call: Call, session_id: str) -> HttpResponse:
    """Kallglot losing one call (a restart that lost its state): 404 for it from now on."""
    await lifecycle.forget(get_session(session_id))
    return JsonResponse({"session_id": session_id, "forgotten": True})


def _act_on_leg(session: Session, action: Any) -> None:
    if action not in ("connect", "hangup"):
        raise invalid("'action' must be 'connect' or 'hangup'.", "action")
    if session.leg is None:
        raise ApiError(409, "invalid_request", "A browser-only session has no phone leg.")
    try:
        if action == "connect":
            session.leg.connect()
        else:
            session.leg.hang_up()
    except LegRefused as exc:
        raise ApiError(409, "invalid_request", str(exc)) from None


def _customer_body(session: Session) -> dict[str, Any]:
    route, leg = session.route, session.leg
    return {
        "session_id": session.id,
        "status": session.status,
        "provider": route.provider,
        "phone_number": route.phone_number,
        "connection_id": route.connection_id,
        "direction": route.direction,
        "sip_from_uri": route.sip_from_uri,
        "customer": None if leg is None else leg.status,
        "hangup_reason": None if leg is None else leg.reason,
    }


@endpoint(None, "POST")
async def sip_bridge(call: Call) -> HttpResponse:
    """The PBX bridges a call to `sip:<session id>@sip.kallglot.com`: that session's leg
    connects, as `sessions/<id>/customer {"action": "connect"}` does."""
    session = _bridged_session((call.json() or {}).get("to"))
    _act_on_leg(session, "connect")
    return JsonResponse(_customer_body(session))


def _bridged_session(uri: Any) -> Session:
    match = SIP_URI.fullmatch(uri.strip()) if isinstance(uri, str) else None
    if match is None:
        raise invalid(f"'to' must be a bridge URI, sip:<session id>@{SIP_DOMAIN}.", "to")
    session = store.sessions.get(match["session_id"])
    if session is None:
        raise ApiError(404, "resource_not_found", f"No session answers {uri}.", param="to")
    if session.route.provider != "sip":
        routed = session.route.provider or "nothing: it is browser-only"
        raise ApiError(
            409,
            "invalid_request",
            f"The session {session.id} is not routed to SIP (its provider is {routed}).",
        )
    return session


@endpoint(None, "GET")
async def session_audio(call: Call, session_id: str) -> HttpResponse:
    session = get_session(session_id)
    audio = ReceivedAudio(
        bytearray(session.audio.ulaw),
        bytearray(session.audio.voiced),
        session.audio.frames,
        session.audio.invalid_frames,
    )
    report = await asyncio.to_thread(audio_report, audio)
    return JsonResponse({"session_id": session.id, **report})


def audio_report(audio: ReceivedAudio) -> dict[str, Any]:
    """What arrived: counts, durations, and the dominant frequency of the voiced part."""
    voiced = b"".join(
        audio.ulaw[index * FRAME_SAMPLES : (index + 1) * FRAME_SAMPLES]
        for index, flag in enumerate(audio.voiced)
        if flag
    )
    frequency = dominant_frequency(ulaw_to_samples(voiced))
    return {
        "frames": audio.frames,
        "bytes": len(audio.ulaw),
        "seconds": round(len(audio.ulaw) / SAMPLE_RATE, 3),
        "voiced_seconds": round(sum(audio.voiced) * FRAME_MS / 1000, 3),
        "sample_rate": SAMPLE_RATE,
        "dominant_frequency_hz": None if frequency is None else round(frequency, 2),
        "invalid_frames": audio.invalid_frames,
    }


@endpoint(None, "GET")
async def webhook_log(call: Call) -> HttpResponse:
    return JsonResponse({"object": "list", "data": list(store.webhook_log)})
