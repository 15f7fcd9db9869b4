"""`_control/twilio/calls`: make the phone ring, follow the calls, hang the caller up.

The control side of the Twilio stand-in (twilio_calls.py): a test or a person places a
simulated inbound call, and reads back what happened to it. Same key as the rest of `_control/`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, JsonResponse

from kallglot_sandbox import twilio_calls
from kallglot_sandbox.config import E164
from kallglot_sandbox.errors import ApiError, invalid, not_found
from kallglot_sandbox.gateway import Call, endpoint
from kallglot_sandbox.ids import iso
from kallglot_sandbox.state import TwilioCall, store
from kallglot_sandbox.twilio_http import auth_token

DEFAULT_CALLER = "+4915112345678"
FIELDS = ("to", "from", "caller_hangup_after_s")


@endpoint(None, "GET", "POST")
async def calls(call: Call) -> HttpResponse:
    if call.request.method == "GET":
        data = [call_object(placed) for placed in store.twilio_calls.values()]
        return JsonResponse({"object": "list", "data": data})
    to_number, from_number, hangup_after_s = _parse_call(call.json() or {})
    if not auth_token():
        raise ApiError(
            409,
            "invalid_request",
            "TWILIO_AUTH_TOKEN must be set (the app's setting, or `twilio_auth_token` in "
            "_control/config): the Twilio stand-in signs its webhooks with it.",
        )
    placed = twilio_calls.place(
        to_number=to_number,
        from_number=from_number,
        hangup_after_s=hangup_after_s,
        stream_root=call.stream_root(),
    )
    return JsonResponse({"call_sid": placed.sid, "status": placed.status}, status=201)


@endpoint(None, "GET")
async def call_detail(call: Call, call_sid: str) -> HttpResponse:
    return JsonResponse(call_object(_get_call(call_sid)))


@endpoint(None, "POST")
async def call_hangup(call: Call, call_sid: str) -> HttpResponse:
    placed = _get_call(call_sid)
    try:
        twilio_calls.hang_up(placed)
    except twilio_calls.CallOver as exc:
        raise ApiError(409, "invalid_request", str(exc)) from None
    return JsonResponse(call_object(placed))


def _get_call(call_sid: str) -> TwilioCall:
    placed = store.twilio_calls.get(call_sid)
    if placed is None:
        raise not_found("call", "call_sid")
    return placed


def _parse_call(body: dict[str, Any]) -> tuple[str, str, float | None]:
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise invalid(f"Unknown field(s): {', '.join(unknown)}.", unknown[0])
    to_number, from_number = body.get("to"), body.get("from", DEFAULT_CALLER)
    for name, value in (("to", to_number), ("from", from_number)):
        if not isinstance(value, str) or not E164.fullmatch(value):
            raise invalid(f"'{name}' must be a phone number in E.164 form (+<digits>).", name)
    after = body.get("caller_hangup_after_s")
    is_number = isinstance(after, int | float) and not isinstance(after, bool)
    if after is not None and (not is_number or after < 0):
        raise invalid(
            "'caller_hangup_after_s' must be a non-negative number.", "caller_hangup_after_s"
        )
    return to_number, from_number, after


def call_object(call: TwilioCall) -> dict[str, Any]:
    """What the control API shows of a call: never its auth token."""
    ended = call.status in twilio_calls.ENDED
    return {
        "call_sid": call.sid,
        "account_sid": call.account_sid,
        "from": call.from_number,
        "to": call.to_number,
        "direction": "inbound",
        "status": call.status,
        "statuses": list(call.history),
        "voice_url": call.voice_url,
        "status_url": call.status_url,
        "twiml": call.twiml,
        "greeting": call.said[0] if call.said else None,
        "said": list(call.said),
        "session_id": call.session_id,
        "error": call.error,
        "caller_hangup_after_s": call.hangup_after_s,
        "created_at": iso(call.created_at),
        "duration": twilio_calls.duration_s(call) if ended else None,
        "status_callbacks": list(call.callbacks),
    }
