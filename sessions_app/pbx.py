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
from django.db import IntegrityError, transaction

from sessions_app import agents, inbound, queues, services, timers
from sessions_app.exceptions import CallError, Conflict
from sessions_app.kallglot import KallglotError, get_client
from sessions_app.models import CallSession, IntegrationToken, Queue, QueuedCall, Route


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
    """The call made now (True), or the one an earlier request with its call id made (False)."""
    key = call_sid(token, request.pbx_call_id)
    earlier = QueuedCall.objects.filter(call_sid=key).select_related("session").first()
    if earlier is not None:
        return inbound.made_before(earlier), False
    if request.agent is not None and not agents.reachable().filter(user=request.agent).exists():
        message = "The agent is not available (away, on a call or not at the console)."
        raise Conflict("agent_unavailable", message, param="agent")
    try:
        call = reserve(request, key)
    except IntegrityError:  # the same call id, at the same moment
        earlier = QueuedCall.objects.select_related("session").get(call_sid=key)
        return inbound.made_before(earlier), False
    try:
        upstream = create_upstream(call.session, request.route, key)
    except CallError:
        call.session.delete()  # with its queued call: nothing is left open
        raise
    with transaction.atomic():
        services.store_started(call.session, upstream)
        queues.arrived(call)
        seconds = request.queue.timeout_seconds
        transaction.on_commit(lambda: timers.later(seconds + 0.05, inbound.give_up, call.pk))
    return call, True


def reserve(request: PbxCall, key: str) -> QueuedCall:
    route = request.route
    metadata = {"caller": request.caller, "pbx_call_id": request.pbx_call_id}
    with transaction.atomic():
        session = CallSession.objects.create(
            agent=None,
            route=route,
            mode=CallSession.Mode.BIDIRECTIONAL,
            source_language=route.agent_language,
            target_language=route.customer_language,
            metadata=request.metadata | {k: v for k, v in metadata.items() if v},
            customer_number=request.caller,
        )
        return QueuedCall.objects.create(
            session=session,
            queue=request.queue,
            call_sid=key,
            caller=request.caller,
            for_agent=request.agent,
        )


def create_upstream(session: CallSession, route: Route, key: str) -> object:
    try:
        return get_client().create_session(
            mode=session.mode,
            source_language=session.source_language or None,
            target_language=session.target_language or None,
            metadata=session.metadata or None,
            recording=True,
            routing=route.routing(),
            idempotency_key=key,
        )
    except KallglotError as exc:
        if exc.param == "routing":
            raise services.route_error(route, exc) from exc
        raise services.agent_error(exc) from exc


def find_call(token: IntegrationToken, public_id: object) -> QueuedCall | None:
    """A call this token made, by the id the API answered; another token's is not found."""
    calls = QueuedCall.objects.select_related("session__agent").exclude(session__kallglot_id=None)
    prefix = call_sid(token, "")
    return calls.filter(session__public_id=public_id, call_sid__startswith=prefix).first()


def end_call(call: QueuedCall) -> QueuedCall:
    """The PBX's leg ended: the call ends upstream; if it was still waiting, it is missed."""
    services.session_end(session=call.session, reason="pbx_hung_up")
    return QueuedCall.objects.select_related("session__agent").get(pk=call.pk)
