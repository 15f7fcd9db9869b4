"""An inbound call in words, for History, a call's page and exports: who called, on which
queue, how long they waited, and whether an agent answered or the call was missed (and why).

Reads only what the caller has loaded: a call's `queued` row (select_related it for lists).
"""

from __future__ import annotations

from dataclasses import dataclass

from sessions_app import phone
from sessions_app.models import CallSession, QueuedCall

Outcome = QueuedCall.Outcome
# What an inbound call's metadata holds about the call itself (inbound.answer): shown as the
# caller and the line, not as CRM references.
INBOUND_KEYS = ("caller", "called", "twilio_call_sid")
MISSED_REASONS = {"queue_timeout": "queue timeout", "caller_hung_up": "caller hung up"}


@dataclass(frozen=True)
class Inbound:
    """How an inbound call came in and went."""

    caller: str  # "+49 30 123456", or "Unknown number"
    queue: str  # the queue's line, when asked for
    waited: str  # "42 s", "1 min 15 s"
    outcome: str  # "Missed — waited 42 s (queue timeout)", "Answered after 8 s"
    missed: bool
    reason: str  # why it was missed: "queue timeout", "caller hung up"; "" otherwise


def queued_of(session: CallSession) -> QueuedCall | None:
    """The call's time in a queue, if it came in to one."""
    return getattr(session, "queued", None)


def facts(queued: QueuedCall, *, queue: str = "") -> Inbound:
    wait = queued.wait_seconds if queued.wait_seconds is not None else queued.waited()
    missed = queued.outcome == Outcome.MISSED
    return Inbound(caller(queued), queue, waited(wait), outcome(queued), missed, reason(queued))


def waited(seconds: float | None) -> str:
    seconds = round(seconds or 0)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60} s"


def reason(queued: QueuedCall) -> str:
    """Why a missed call was missed, in words ("queue timeout")."""
    return MISSED_REASONS.get(queued.missed_reason, queued.missed_reason.replace("_", " "))


def outcome(queued: QueuedCall) -> str:
    """How the call went: "Missed — waited 42 s (queue timeout)", "Answered after 8 s"."""
    if queued.outcome == Outcome.MISSED:
        text = f"Missed — waited {waited(queued.wait_seconds)}"
        return f"{text} ({reason(queued)})" if queued.missed_reason else text
    if queued.outcome == Outcome.ANSWERED:
        return f"Answered after {waited(queued.wait_seconds)}"
    return "Waiting in the queue"


def queue_label(queued: QueuedCall) -> str:
    """The queue's line (its row and its route's: load them with the call)."""
    return queued.queue.route.label if queued.queue else ""


def caller(queued: QueuedCall) -> str:
    return phone.display(queued.caller) if queued.caller else "Unknown number"


def references(session: CallSession) -> dict:
    """The call's CRM references: its metadata, less what an inbound call keeps there."""
    if queued_of(session) is None:
        return session.metadata
    return {key: value for key, value in session.metadata.items() if key not in INBOUND_KEYS}
