"""Inbound calls waiting in their queue, offered to one agent at a time, until one accepts.

A waiting call rings for the present, Available agent who speaks its queue's agent language
and has been available longest, for the queue's `ring_seconds`. Declined, or its agent gone
Away, it rings for the next; not answered, likewise, and the agent who let it ring out is set
Away (nobody was at the desk). It never rings twice for the same agent. Whoever it has rung for
may accept it while it waits, unless on a call: the first accept wins, every later one is told
it was taken. After the queue's `timeout_seconds`, or once the caller hangs up, it is missed
(`inbound.py` ends it upstream). Rows are held in one order, a call's session before the call
before agents, so that concurrent changes wait for each other instead of deadlocking.

Nothing here talks to Kallglot: every function changes rows in the caller's transaction and
tells pages after commit. Timers (`timers.py`) run the ring and wrap-up timeouts in this process;
`inbound.sweep()`, run by every console's heartbeat, does what a process that went away left
undone.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sessions_app import agents, phone, relay, timers
from sessions_app.exceptions import CallEnded, Conflict, UpstreamGone
from sessions_app.models import AgentProfile, CallSession, OutboundCall, Queue, QueuedCall

State = AgentProfile.State
Outcome = QueuedCall.Outcome
MISSED_RING = "You did not answer a call, so you are Away now. Choose Available to take calls."
TAKEN = "Another agent has taken this call."
ON_A_CALL = "You are on a call: end it first."
GONE = {
    "caller_hung_up": "The caller hung up.",
    "queue_timeout": "The caller waited too long: the call was given up.",
}


def offer_json(call: QueuedCall) -> dict:
    """What a ringing console shows: who calls, on which line, and until when it rings."""
    route = call.queue.route if call.queue else None
    return {
        "id": str(call.public_id),
        "caller": phone.display(call.caller) if call.caller else "Unknown number",
        "queue": route.label if route else "",
        "customer_language": route.customer_language if route else "",
        "ring_seconds": call.queue.ring_seconds if call.queue else 0,
        "expires_at": call.offer_expires_at.isoformat() if call.offer_expires_at else None,
        "waited_seconds": round(call.waited()),
    }


def ringing_for(user_id: int) -> QueuedCall | None:
    calls = QueuedCall.objects.filter(
        outcome=Outcome.WAITING, offered_to_id=user_id, offer_expires_at__gt=timezone.now()
    )
    return calls.select_related("queue__route").first()


def waiting_calls() -> list[QueuedCall]:
    """Every waiting call, rows held: each dispatch holds them all, so two never overlap."""
    calls = QueuedCall.objects.select_for_update(of=("self",)).filter(outcome=Outcome.WAITING)
    return list(calls.select_related("queue__route").order_by("pk"))


def dispatch() -> None:
    """Ring an agent for every waiting call that rings for nobody now (oldest call first)."""
    now = timezone.now()
    with transaction.atomic():
        waiting = waiting_calls()
        idle = [call for call in waiting if not ringing(call, now)]
        if not idle:
            return
        busy = {call.offered_to_id for call in waiting if ringing(call, now)}
        free = [agent for agent in agents.reachable() if agent.user_id not in busy]
        for call in sorted(idle, key=lambda call: call.arrived_at):
            agent = next((agent for agent in free if speaks(agent, call)), None)
            if agent is not None:
                free.remove(agent)
                ring(call, agent, now)


def ringing(call: QueuedCall, now: object) -> bool:
    return call.offered_to_id is not None and call.offer_expires_at > now


def speaks(agent: AgentProfile, call: QueuedCall) -> bool:
    """The agent has not been rung for this call yet and speaks its queue's agent language (or
    is the one agent the call is for)."""
    if agent.user_id in call.rung:
        return False
    if call.for_agent_id is not None:  # a PBX named the agent: only they take it
        return agent.user_id == call.for_agent_id
    language = call.queue.route.agent_language if call.queue else ""
    return not language or language in agent.language_codes


def ring(call: QueuedCall, agent: AgentProfile, now: object) -> None:
    seconds = call.queue.ring_seconds if call.queue else 20
    call.offered_to_id = agent.user_id
    call.offer_expires_at = now + timedelta(seconds=seconds)
    call.rung = [*call.rung, agent.user_id]
    call.save(update_fields=["offered_to", "offer_expires_at", "rung"])
    agents.tell(agent, offer=offer_json(call))
    transaction.on_commit(lambda: timers.later(seconds + 0.05, ring_over, call.pk))


def ring_over(call_pk: int) -> None:
    """The ring timed out: the agent is set Away and the call rings for the next one."""
    with transaction.atomic():
        call = QueuedCall.objects.select_for_update().filter(pk=call_pk).first()
        if call is None or not call.is_waiting or call.offered_to_id is None:
            return
        if call.offer_expires_at > timezone.now():
            return
        stop_ringing(call, notice=MISSED_RING, away=True)
    dispatch()


def stop_ringing(call: QueuedCall, *, notice: str, away: bool = False) -> None:
    """The call no longer rings for its agent; their console is told why."""
    profile = agents.locked_profile(call.offered_to_id)
    call.offered_to = None
    call.offer_expires_at = None
    call.save(update_fields=["offered_to", "offer_expires_at"])
    if away and profile.state == State.AVAILABLE:
        agents.change_state(profile, State.AWAY, notice=notice)
    else:
        agents.tell(profile, notice=notice)


def decline(user_id: int, public_id: object) -> None:
    """The agent turns the call down: it rings for the next one; the agent stays Available."""
    with transaction.atomic():
        call = offered_call(user_id, public_id)
        if call.offered_to_id == user_id:
            stop_ringing(call, notice="")
    dispatch()


def held_call(**lookup: object) -> QueuedCall | None:
    """The call and its session, both rows held, the session's first: webhooks about the call
    (a leg, an end) hold the session before they change the call, so the two never deadlock."""
    where = {f"queued__{key}": value for key, value in lookup.items()}
    session = CallSession.objects.select_for_update(of=("self",)).filter(**where).first()
    if session is None:
        return None
    calls = QueuedCall.objects.select_for_update(of=("self",)).select_related("session")
    return calls.filter(session=session).first()


def offered_call(user_id: int, public_id: object) -> QueuedCall:
    """The call, held, if it has rung for this agent; otherwise as if it did not exist."""
    call = held_call(public_id=public_id)
    if call is None or user_id not in call.rung:
        raise UpstreamGone("not_found", "No such call.")
    return call


def claim(user_id: int, public_id: object) -> CallSession:
    """Give the call to this agent if nobody has taken it yet; exactly one accept wins.
    An agent on a call of theirs takes no other (their row held: one accept at a time)."""
    with transaction.atomic():
        call = offered_call(user_id, public_id)
        profile = agents.locked_profile(user_id)
        if CallSession.objects.open().filter(agent_id=user_id).exists():
            raise Conflict("on_a_call", ON_A_CALL)
        now = timezone.now()
        won = QueuedCall.objects.filter(pk=call.pk, outcome=Outcome.WAITING).update(
            outcome=Outcome.ANSWERED,
            resolved_at=now,
            wait_seconds=call.waited(now),
            offered_to=None,
            offer_expires_at=None,
        )
        if not won:
            call.refresh_from_db()
            if call.outcome == Outcome.MISSED:
                raise CallEnded("caller_gone", "The caller is no longer waiting.")
            raise Conflict("call_taken", TAKEN)
        CallSession.objects.filter(pk=call.session_id).update(agent_id=user_id)
        agents.change_state(profile, State.ON_CALL)
        if call.offered_to_id not in (None, user_id):  # it was ringing for someone else
            agents.tell(agents.locked_profile(call.offered_to_id), notice=TAKEN)
        relay.board_changed()
        return CallSession.objects.select_related("agent", "route").get(pk=call.session_id)


def arrived(call: QueuedCall) -> None:
    """A new call waits: the boards see it, and it rings for someone once it is stored."""
    relay.board_changed()
    transaction.on_commit(dispatch)


def missed(call: QueuedCall, reason: str) -> bool:
    """Record a waiting call as missed, with how long the caller waited (False: not waiting)."""
    now = timezone.now()
    done = QueuedCall.objects.filter(pk=call.pk, outcome=Outcome.WAITING).update(
        outcome=Outcome.MISSED, missed_reason=reason, resolved_at=now, wait_seconds=call.waited(now)
    )
    if done and call.offered_to_id is not None:
        agents.tell(agents.locked_profile(call.offered_to_id), notice=GONE[reason])
    if done:
        relay.board_changed()
    return bool(done)


def timeout_seconds(call: QueuedCall) -> int:
    return call.queue.timeout_seconds if call.queue else settings.QUEUE_TIMEOUT_SECONDS


def past_timeout(call: QueuedCall, now: object) -> bool:
    return call.arrived_at + timedelta(seconds=timeout_seconds(call)) <= now


def session_ended(session: CallSession) -> None:
    """The call ended (in the caller's transaction): a waiting one is missed; the agent who
    took it, or dialled it, goes to wrap-up (the end of another call of theirs changes nothing)."""
    call = QueuedCall.objects.filter(session=session).first()
    if call is not None and call.is_waiting:
        missed(call, "caller_hung_up")
    if session.agent_id is None or not taken(session, call):
        return
    on_call = AgentProfile.objects.select_for_update().filter(state=State.ON_CALL)
    profile = on_call.filter(user_id=session.agent_id).first()
    if profile is not None:
        agents.change_state(profile, State.WRAP_UP, call=session)
        seconds = settings.WRAP_UP_SECONDS
        user_id = profile.user_id
        transaction.on_commit(lambda: timers.later(seconds + 0.05, wrap_up_over, user_id))


def taken(session: CallSession, call: QueuedCall | None) -> bool:
    """The agent took the call: accepted it from its queue, or dialled the customer."""
    if call is not None:
        return call.outcome == Outcome.ANSWERED
    return OutboundCall.objects.filter(session=session).exists()


def wrap_up_over(user_id: int) -> None:
    """WRAP_UP_SECONDS passed: an agent still in that wrap-up is Available again."""
    limit = timezone.now() - timedelta(seconds=settings.WRAP_UP_SECONDS)
    with transaction.atomic():
        profiles = AgentProfile.objects.select_for_update()
        profile = profiles.filter(user_id=user_id, state=State.WRAP_UP).first()
        if profile is None or profile.state_since > limit:
            return
        agents.change_state(profile, State.AVAILABLE)
    dispatch()


def wrapped_up(session: CallSession) -> None:
    """The agent filed the call: if they were wrapping it up, they are Available again."""
    with transaction.atomic():
        profiles = AgentProfile.objects.select_for_update().filter(state=State.WRAP_UP)
        profile = profiles.filter(user_id=session.agent_id, wrapping_up=session).first()
        if profile is None:
            return
        agents.change_state(profile, State.AVAILABLE)
    dispatch()


def choose_state(user_id: int, state: str) -> AgentProfile:
    """The agent's own choice, Available or Away; leaving wrap-up early is Available too.
    Away, a call ringing for them rings for the next agent at once."""
    with transaction.atomic():
        profile = agents.locked_profile(user_id)
        if profile.state == State.ON_CALL and CallSession.objects.open().filter(agent_id=user_id):
            raise Conflict("on_a_call", ON_A_CALL)
        if profile.state != state:
            agents.change_state(profile, state)
    if state == State.AWAY:
        pass_on(user_id)
    dispatch()
    return profile


def pass_on(user_id: int) -> None:
    """Calls ringing for this agent stop ringing for them (and ring for the next)."""
    with transaction.atomic():
        calls = QueuedCall.objects.select_for_update(of=("self",)).filter(
            outcome=Outcome.WAITING, offered_to_id=user_id
        )
        for call in calls:
            stop_ringing(call, notice="")


def due(now: object) -> tuple[list[int], list[int]]:
    """Waiting calls past their queue's timeout, and those whose ring ran out (a sweep's)."""
    waiting = QueuedCall.objects.filter(outcome=Outcome.WAITING).select_related("queue")
    late, rung_out = [], []
    for call in waiting:
        if past_timeout(call, now):
            late.append(call.pk)
        elif call.offered_to_id is not None and call.offer_expires_at <= now:
            rung_out.append(call.pk)
    return late, rung_out


def sweep_wrap_ups() -> None:
    limit = timezone.now() - timedelta(seconds=settings.WRAP_UP_SECONDS)
    stale = AgentProfile.objects.filter(state=State.WRAP_UP, state_since__lte=limit)
    for user_id in stale.values_list("user_id", flat=True):
        wrap_up_over(user_id)


def queues_json() -> list[dict]:
    """Each queue for the board: calls waiting, the longest wait, calls missed today."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = []
    for queue in Queue.objects.select_related("route").order_by("route__label"):
        waiting = list(queue.calls.filter(outcome=Outcome.WAITING).order_by("arrived_at"))
        missed_today = queue.calls.filter(outcome=Outcome.MISSED, arrived_at__gte=today)
        rows.append(
            {
                "id": queue.pk,
                "label": queue.route.label,
                "waiting": len(waiting),
                "longest_wait_seconds": round(waiting[0].waited(now)) if waiting else 0,
                "since": waiting[0].arrived_at.isoformat() if waiting else None,
                "missed_today": missed_today.count(),
            }
        )
    return rows
