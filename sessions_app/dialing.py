"""Outbound calls through the centre's own Twilio: the agent (or the CRM) dials a customer.

A dial is a Start on an outbound line (an external-connection route with `direction: outbound`
and the centre's number as caller id) with the customer's number. The session is created as
for any Start (`routing.direction: outbound`), then Twilio's Calls API is asked to call the
customer from the route's number; once they answer, Twilio asks the app's TwiML URL of the
session, which joins the call to the session's stream. Twilio's status callbacks become the
call's events in plain words (dialling, ringing, answered, busy, no answer, failed, cancelled);
a call that never connects ends upstream with its outcome.

Twilio's Calls API takes no idempotency key: the call's row (one per session) is made before
Twilio is asked, so a retried click, which gets its session back, finds it and places no
second call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import requests
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from twilio.base.exceptions import TwilioException
from twilio.twiml.voice_response import Connect, VoiceResponse

from sessions_app import agents, phone, services, twilio_client
from sessions_app.exceptions import CallError, Conflict
from sessions_app.models import AgentProfile, CallSession, OutboundCall, Route, WebhookEvent

if TYPE_CHECKING:
    from sessions_app.validation import SessionRequest

logger = logging.getLogger(__name__)

Outcome = OutboundCall.Outcome
State = AgentProfile.State
CALLBACK_EVENTS = ["initiated", "ringing", "answered", "completed"]
NOT_PUT_THROUGH = "The call could not be put through"


@dataclass(frozen=True)
class Step:
    """What one of Twilio's CallStatus values means to the agent, and what it ends."""

    rank: int  # statuses only move forward: a late "ringing" never follows "busy"
    kind: str
    label: str
    outcome: str = ""
    end_reason: str = ""


STEPS = {
    "initiated": Step(0, "call.dialling", "Dialling the customer"),
    "ringing": Step(1, "call.ringing", "The customer's phone is ringing"),
    "in-progress": Step(2, "call.answered", "The customer answered", Outcome.ANSWERED),
    "busy": Step(3, "call.busy", "The line is busy", Outcome.BUSY, "busy"),
    "no-answer": Step(3, "call.no_answer", "Nobody answered", Outcome.NO_ANSWER, "no_answer"),
    "failed": Step(3, "call.failed", NOT_PUT_THROUGH, Outcome.FAILED, "dial_failed"),
    "canceled": Step(3, "call.canceled", "The call was cancelled", Outcome.CANCELED, "canceled"),
    "completed": Step(3, "call.completed", "The phone call ended", "", "customer_hung_up"),
}
RANKS = {status: step.rank for status, step in STEPS.items()} | {"": -1, "queued": -1}


# --- dialling ------------------------------------------------------------------------------


def dial(
    *, agent: AbstractBaseUser, request: SessionRequest, number: str, idempotency_key: str
) -> services.Started:
    """Start the session of the click, then have Twilio call the customer (once per click)."""
    started = services.session_start(agent=agent, request=request, idempotency_key=idempotency_key)
    session = started.session
    if session.is_ended:  # the click's page went away before it learned of the call
        return started
    call, fresh = reserve(session, number)
    if fresh:
        place(call, session, request.route)
    return started


def dial_json(session: CallSession) -> dict | None:
    """The dialled call as the create answers it: the number, as people read it too."""
    call = OutboundCall.objects.filter(session=session).first()
    if call is None:
        return None
    return {"number": call.number, "display": phone.display(call.number), "outcome": call.outcome}


def reserve(session: CallSession, number: str) -> tuple[OutboundCall, bool]:
    """The click's call: the one an earlier attempt made (False), or a new one (True)."""
    earlier = OutboundCall.objects.filter(session=session).first()
    if earlier is None:
        try:
            with transaction.atomic():
                call = OutboundCall.objects.create(session=session, number=number)
                CallSession.objects.filter(pk=session.pk).update(customer_number=number)
                agents.change_state(agents.locked_profile(session.agent_id), State.ON_CALL)
            return call, True
        except IntegrityError:  # the same click, at the same moment
            earlier = OutboundCall.objects.get(session=session)
    if earlier.number != number:
        message = "This Idempotency-Key was already used to dial another number."
        raise Conflict("idempotency_mismatch", message, param="Idempotency-Key")
    return earlier, False


def place(call: OutboundCall, session: CallSession, route: Route) -> None:
    """Ask Twilio to call the customer; if it cannot, the call ends as not put through."""
    base = settings.APP_BASE_URL
    try:
        placed = twilio_client.client().calls.create(
            to=call.number,
            from_=route.phone_number,
            url=base + reverse("twilio-outbound", args=[session.public_id]),
            status_callback=base + reverse("twilio-outbound-status", args=[session.public_id]),
            status_callback_event=CALLBACK_EVENTS,
            timeout=settings.DIAL_RING_SECONDS,
        )
    except (TwilioException, requests.RequestException) as exc:
        logger.warning("Twilio did not place the call of %s: %s", session.kallglot_id, exc)
        not_placed(call, session, getattr(exc, "msg", "") or "Twilio cannot be reached.")
        return
    OutboundCall.objects.filter(pk=call.pk, call_sid=None).update(call_sid=placed.sid)


def not_placed(call: OutboundCall, session: CallSession, why: str) -> None:
    with transaction.atomic():
        OutboundCall.objects.filter(pk=call.pk).update(outcome=Outcome.FAILED)
        label = f"{NOT_PUT_THROUGH}: {why}"
        services.record_event(session, "call.failed", {"label": label, "status": "failed"})
    end(session.pk, "dial_failed")


# --- Twilio's requests ---------------------------------------------------------------------


def answer_twiml(public_id: object, form: dict[str, str]) -> str:
    """The customer answered: join the call to the session's stream (or hang up politely)."""
    calls = OutboundCall.objects.select_related("session__route")
    call = calls.filter(session__public_id=public_id).first()
    if call is None or not same_call(call, form):
        return goodbye()
    try:
        stream = services.session_stream(session=call.session)
    except CallError as exc:
        logger.warning("dialled call %s cannot join its session: %s", form["CallSid"], exc.code)
        return goodbye()
    response = VoiceResponse()
    connect = Connect()
    connect.stream(url=stream.url).parameter(name="token", value=stream.token)
    response.append(connect)
    return str(response)


def goodbye() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def same_call(call: OutboundCall, form: dict[str, str]) -> bool:
    """Twilio's request is about this call (its CallSid may arrive before the create's answer)."""
    return call.call_sid in (None, form.get("CallSid"))


def carrier_status(public_id: object, form: dict[str, str], delivery: WebhookEvent) -> bool:
    """Apply a status callback of a dialled call; False when it is not one of ours."""
    status = form.get("CallStatus", "")
    with transaction.atomic():
        calls = OutboundCall.objects.select_for_update().select_related("session")
        call = calls.filter(session__public_id=public_id).first()
        if call is None or not same_call(call, form):
            return False
        step = STEPS.get(status)
        if step is None or step.rank <= RANKS.get(call.carrier_status, -1):
            return True  # known, and nothing new
        call.call_sid, call.carrier_status = form["CallSid"], status
        call.outcome = step.outcome or call.outcome
        if step.outcome == Outcome.ANSWERED:
            call.answered_at = timezone.now()
        call.save()
        # No number in the words: events outlive the customer's number (privacy.py).
        data = {"label": step.label, "status": status}
        services.record_event(call.session, step.kind, data, webhook_event=delivery)
    if step.end_reason:
        end(call.session_id, step.end_reason)
    return True


def end(session_pk: int, reason: str) -> None:
    """End a dialled call's session upstream (nothing when it has ended already)."""
    session = CallSession.objects.filter(pk=session_pk).first()
    if session is None or session.is_ended:
        return
    try:
        services.session_end(session=session, reason=reason)
    except CallError as exc:  # Kallglot refused; end_stale_sessions tries again
        logger.warning("could not end dialled call %s: %s", session.kallglot_id, exc.code)


def hang_up(session: CallSession) -> None:
    """The call ends from the app's side: Twilio stops ringing the customer, or hangs up."""
    call = OutboundCall.objects.filter(session=session).first()
    if call is None or not call.call_sid or RANKS.get(call.carrier_status, -1) >= 3:
        return
    status = "completed" if call.outcome == Outcome.ANSWERED else "canceled"
    try:
        twilio_client.client().calls(call.call_sid).update(status=status)
    except (TwilioException, requests.RequestException) as exc:
        logger.warning("Twilio did not hang up %s: %s", call.call_sid, exc)
