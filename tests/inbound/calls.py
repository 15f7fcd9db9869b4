"""Inbound calls as the queues leave them, made directly in the database: answered by an
agent (and maybe filed), or missed after a wait."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sessions_app.models import CallSession, Disposition, Queue, QueuedCall
from tests.aftercall.factories import T0, ended_call
from tests.telephony.inbound import NUMBER, make_queue

sids = itertools.count(1)
CALLER = "+4930123456"


def queue() -> Queue:
    return Queue.objects.select_related("route").first() or make_queue()


def inbound_call(
    agent: object = None,
    *,
    outcome: str = QueuedCall.Outcome.ANSWERED,
    waited: float = 12.0,
    reason: str = "",
    caller: str = CALLER,
    **fields: object,
) -> CallSession:
    """An ended inbound call on the queue's line, from `caller`, that waited `waited` s."""
    sid = f"CA{next(sids):032x}"
    line = queue()
    session = ended_call(
        agent,
        route=line.route,
        metadata={"caller": caller, "called": NUMBER, "twilio_call_sid": sid},
        customer_number=caller,
        **fields,
    )
    QueuedCall.objects.create(
        session=session,
        queue=line,
        call_sid=sid,
        caller=caller,
        called=NUMBER,
        arrived_at=session.created_at,
        outcome=outcome,
        missed_reason=reason,
        resolved_at=session.created_at + timedelta(seconds=waited),
        wait_seconds=waited,
    )
    return session


def missed_call(reason: str = "queue_timeout", waited: float = 42.0, **fields: object):
    return inbound_call(
        None, outcome=QueuedCall.Outcome.MISSED, waited=waited, reason=reason, **fields
    )


def filed(session: CallSession, label: str, note: str = "") -> CallSession:
    """The agent's wrap-up of the call."""
    disposition, _ = Disposition.objects.get_or_create(label=label)
    session.disposition, session.wrap_up_note = disposition, note
    session.wrapped_up_at = (session.ended_at or T0) + timedelta(seconds=30)
    session.save(update_fields=["disposition", "wrap_up_note", "wrapped_up_at"])
    return session
