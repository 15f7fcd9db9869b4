"""PBX-first calls over SIP: a PBX's call, put on a SIP route and rung for an agent or a queue.

The PBX (authenticated by integrations.py) names the SIP route, the agent or the queue, the
caller and its own call id. The app creates the Kallglot session with the route's SIP routing,
and the PBX sends its leg to the session's bridge URI. Until an agent accepts, the call waits
as a Twilio inbound call does (queues.py): through a queue it rings for that queue's agents;
naming an agent, it rings for that agent only. The same token sending the same call id again
gets the same call; the PBX ends the call when its leg ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from sessions_app import inbound, services
from sessions_app.models import IntegrationToken, Queue, QueuedCall, Route


@dataclass(frozen=True)
class PbxCall:
    """What the PBX asks for: a call on `route`, waiting in `queue`, for `agent` if named."""

    route: Route
    queue: Queue
    agent: AbstractBaseUser | None
    caller: str
    pbx_call_id: str
    metadata: dict[str, str] = field(default_factory=dict)


def call_sid(token: IntegrationToken, pbx_call_id: str) -> str:
    """The call's key among all inbound calls: each token's call ids are its own."""
    return f"pbx:{token.pk}:{pbx_call_id}"


def take_call(token: IntegrationToken, request: PbxCall) -> tuple[QueuedCall, bool]:
    """The call made now (True), or the one an earlier request with its call id made (False).
    A create whose answer was lost is not ended later: the PBX, told to try again, sends the
    same call id, Kallglot's key, and is handed the session that create made."""
    key = call_sid(token, request.pbx_call_id)
    facts = {"caller": request.caller, "pbx_call_id": request.pbx_call_id}
    call, stream = inbound.enqueue(
        request.route,
        QueuedCall(
            queue=request.queue, call_sid=key, caller=request.caller, for_agent=request.agent
        ),
        idempotency_key=key,
        metadata=request.metadata | {name: value for name, value in facts.items() if value},
    )
    return call, stream is not None


def find_call(token: IntegrationToken, public_id: object) -> QueuedCall | None:
    """A call this token made, by the id the API answered; another token's is not found."""
    calls = QueuedCall.objects.select_related("session__agent").exclude(session__kallglot_id=None)
    prefix = call_sid(token, "")
    return calls.filter(session__public_id=public_id, call_sid__startswith=prefix).first()


def end_call(call: QueuedCall) -> QueuedCall:
    """The PBX's leg ended: the call ends upstream; if it was still waiting, it is missed."""
    services.session_end(session=call.session, reason="pbx_hung_up")
    return QueuedCall.objects.select_related("session__agent").get(pk=call.pk)
