"""`_control/twilio/…`: make the phone ring, follow the calls, hang the customer up, and say
how the next customers the app dials will behave.

The control side of the Twilio stand-in (twilio_calls.py, twilio_outbound.py): a test or a
person places a simulated inbound call, plans the answer of the next outbound ones, and reads
back what happened to every call, inbound or outbound. Same key as the rest of `_control/`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpResponse, JsonResponse

from kallglot_sandbox import twilio_calls, twilio_outbound
from kallglot_sandbox.config import E164
from kallglot_sandbox.errors import ApiError, invalid, not_found
from kallglot_sandbox.gateway import Call, endpoint
from kallglot_sandbox.ids import iso
from kallglot_sandbox.state import OutboundPlan, TwilioCall, store
from kallglot_sandbox.twilio_http import auth_token

DEFAULT_CALLER = "+4915112345678"
FIELDS = ("to", "from", "caller_hangup_after_s")
PLAN_FIELDS = ("answer", "after_ms", "caller_hangup_after_s")


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


@endpoint(None, "GET", "POST")
async def next_outbound(call: Call) -> HttpResponse:
    """Plans for the next outbound calls, oldest first: each call takes one, whatever its number."""
    if call.request.method == "GET":
        plans = [asdict(plan) for plan in store.outbound_plans]
        return JsonResponse({"object": "list", "data": plans})
    plan = _parse_plan(call.json() or {})
    queued = twilio_outbound.queue_plan(plan)
    return JsonResponse({**asdict(plan), "queued": queued}, status=201)


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
    return to_number, from_number, _hangup_after(body)


def _hangup_after(body: dict[str, Any]) -> float | None:
    after = body.get("caller_hangup_after_s")
    if after is not None and (not _is_number(after) or after < 0):
        raise invalid(
            "'caller_hangup_after_s' must be a non-negative number.", "caller_hangup_after_s"
        )
    return after


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_plan(body: dict[str, Any]) -> OutboundPlan:
    unknown = sorted(set(body) - set(PLAN_FIELDS))
    if unknown:
        raise invalid(f"Unknown field(s): {', '.join(unknown)}.", unknown[0])
    answer, after = body.get("answer"), body.get("after_ms")
    if answer not in twilio_outbound.ANSWERS:
        raise invalid(f"'answer' must be one of {', '.join(twilio_outbound.ANSWERS)}.", "answer")
    if after is not None and (not isinstance(after, int) or isinstance(after, bool) or after < 0):
        raise invalid("'after_ms' must be a non-negative integer.", "after_ms")
    if after is not None and answer == twilio_calls.NO_ANSWER:
        raise invalid(
            "'after_ms' does not apply to 'no-answer': it rings for its Timeout.", "after_ms"
        )
    return OutboundPlan(answer, after, _hangup_after(body))


def call_object(call: TwilioCall) -> dict[str, Any]:
    """What the control API shows of a call: never its auth token."""
    ended = call.status in twilio_calls.ENDED
    return {
        "call_sid": call.sid,
        "account_sid": call.account_sid,
        "from": call.from_number,
        "to": call.to_number,
        "direction": call.direction,
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
        "plan": None if call.plan is None else asdict(call.plan),
        "timeout": call.timeout_s,
        "status_callback_events": None if call.events is None else sorted(call.events),
        "created_at": iso(call.created_at),
        "duration": twilio_calls.duration_s(call) if ended else None,
        "status_callbacks": list(call.callbacks),
    }
