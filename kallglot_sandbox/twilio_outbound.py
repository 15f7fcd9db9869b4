"""The Twilio stand-in's outbound calls: the customer the app dials through the Calls API.

`dial` takes a call the Calls API (twilio_api.py) accepted: it is `queued`, then at once
`initiated` and `ringing` (a number that cannot be reached never rings, it fails). What the
dialled customer does is the call's plan: the oldest one queued through
`_control/twilio/next_outbound`, else the number's own (one ending in 0001 is busy, 0002 never
answers, 0003 cannot be reached, any other answers after `ring_ms`). A customer who has not
answered when the call's `Timeout` is up leaves it `no-answer`. Once answered the call is
`in-progress` and asks its `Url` for TwiML, which it obeys as an inbound call does
(twilio_calls.run_twiml): `<Connect><Stream>` joins the session's caller leg, and the scripted
customer is on the phone until it hangs up.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from kallglot_sandbox import twilio_calls, twilio_http
from kallglot_sandbox.ids import iso_ms
from kallglot_sandbox.state import OutboundPlan, TwilioCall, store
from kallglot_sandbox.twilio_calls import (
    BUSY,
    FAILED,
    IN_PROGRESS,
    INITIATED,
    NO_ANSWER,
    OUTBOUND,
    QUEUED,
    RINGING,
)

ANSWER = "answer"
ANSWERS = (ANSWER, BUSY, NO_ANSWER, FAILED)
NUMBER_PLANS = {"0001": BUSY, "0002": NO_ANSWER, "0003": FAILED}  # by the last four digits
UNREACHABLE = "the number cannot be reached"


@dataclass(frozen=True)
class Dial:
    """A create request of the Calls API, validated."""

    to_number: str
    from_number: str
    url: str
    method: str
    status_url: str | None
    status_method: str
    events: frozenset[str]
    timeout_s: int


def dial(request: Dial, stream_root: str) -> TwilioCall:
    """Place the call; it rings and is answered (or not) in the background.

    `stream_root` is where this sandbox's stream URLs begin, as the app was told them.
    """
    now = time.time()
    plan = _plan_for(request.to_number)
    call = TwilioCall(
        sid=twilio_calls.new_sid(),
        account_sid=twilio_http.account_sid(),
        from_number=request.from_number,
        to_number=request.to_number,
        created_at=now,
        voice_url=request.url,
        status_url=request.status_url,
        auth_token=twilio_http.auth_token(),
        hangup_after_s=plan.caller_hangup_after_s,
        direction=OUTBOUND,
        voice_method=request.method,
        status_method=request.status_method,
        events=request.events,
        timeout_s=request.timeout_s,
        plan=plan,
        status=QUEUED,
        updated_at=now,
    )
    call.history.append({"status": QUEUED, "at": iso_ms(now), "reason": None})
    store.twilio_calls[call.sid] = call
    call.task = store.spawn(_put_through(call, stream_root), name=f"twilio {call.sid}")
    return call


def queue_plan(plan: OutboundPlan) -> int:
    """The next outbound call behaves so, whatever its number; how many plans are queued."""
    store.outbound_plans.append(plan)
    return len(store.outbound_plans)


def _plan_for(number: str) -> OutboundPlan:
    if store.outbound_plans:
        return store.outbound_plans.popleft()
    return OutboundPlan(NUMBER_PLANS.get(number[-4:], ANSWER))


async def _put_through(call: TwilioCall, stream_root: str) -> None:
    call.started_at = time.time()
    twilio_calls.change(call, INITIATED)
    if call.plan.answer == FAILED:
        await asyncio.sleep((call.plan.after_ms or 0) / 1000)
        twilio_calls.end(call, FAILED, UNREACHABLE)
        return
    twilio_calls.change(call, RINGING)
    outcome, after_ms = _ring(call)
    await asyncio.sleep(after_ms / 1000)
    if outcome == BUSY:
        twilio_calls.end(call, BUSY, "busy")
    elif outcome == NO_ANSWER:
        twilio_calls.end(call, NO_ANSWER, f"no answer within {call.timeout_s} s")
    else:
        call.answered_at = time.time()
        twilio_calls.change(call, IN_PROGRESS)
        await twilio_calls.run_twiml(call, stream_root)


def _ring(call: TwilioCall) -> tuple[str, float]:
    """What ends the ring, and after how long: the plan, unless `Timeout` is up first."""
    plan, timeout_ms = call.plan, call.timeout_s * 1000
    after_ms = store.config.ring_ms if plan.after_ms is None else plan.after_ms
    if plan.answer == NO_ANSWER or after_ms >= timeout_ms:
        return NO_ANSWER, timeout_ms
    return plan.answer, after_ms
