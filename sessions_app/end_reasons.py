"""Why a call ended, in words: the one place that turns a stored `end_reason` into a sentence.

A reason is stored as a short code (`CallSession.end_reason`): the app's own ("ended_by_agent",
"upstream_lost", …) or Kallglot's (`idle_timeout`, `api_end`, …). Pages, the board and the
admin show the words, never the code. Codes this module does not know keep a readable form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sessions_app.models import CallSession

AGENT = "ended_by_agent"
SUPERVISOR = "ended_by_supervisor"
# The app ended it without anyone asking (no person, no more specific reason).
APP = "ended_by_app"
# Kallglot answered 404 for the call (it lost it, say in a restart): closed here.
UPSTREAM_LOST = "upstream_lost"
# Stored before reasons said who: an agent or a supervisor ended it from the app.
LEGACY_USER = "ended_by_user"

WORDS = {
    AGENT: "Ended by the agent",
    SUPERVISOR: "Ended by a supervisor",
    APP: "Ended by the app",
    UPSTREAM_LOST: "Kallglot no longer knew this call",
    LEGACY_USER: "Ended in the app (by the agent or a supervisor)",
    "customer_hung_up": "The customer hung up",
    "caller_hung_up": "The caller hung up before an agent answered",
    "queue_timeout": "The caller waited too long in the queue",
    "pbx_hung_up": "The PBX ended the call",
    "stale": "Ended by the clean-up of calls left open",
    # holds.PAGES_LEFT: no console page held the call for CALL_PAGE_GRACE.
    "console_closed": "Ended by the app: the agent's console was closed",
    "busy": "The customer's line was busy",
    "no_answer": "The customer did not answer",
    "dial_failed": "The call could not be put through",
    "canceled": "Cancelled before the customer answered",
    # Kallglot's own reasons (a webhook, or the stream's session.ended).
    "idle_timeout": "Ended by Kallglot after a long silence",
    "explicit_end": "Ended by the agent",  # only the agent's console ends over its stream
    "api_end": "Ended through Kallglot's API",
}


def words(reason: str, by: str = "") -> str:
    """The reason as a sentence; `by` names the supervisor who ended the call, when known."""
    if reason == SUPERVISOR and by:
        return f"Ended by supervisor {by}"
    if not reason:
        return ""
    return WORDS.get(reason) or reason.replace("_", " ").capitalize()


def for_actor(session: CallSession, actor: AbstractBaseUser | None) -> str:
    """Who ended the call, as a reason: its own agent, someone else (a supervisor), or the app."""
    if actor is None:
        return APP
    return AGENT if actor.pk == session.agent_id else SUPERVISOR


def display_name(actor: AbstractBaseUser) -> str:
    """How pages name a person: their full name, else their username."""
    full = getattr(actor, "get_full_name", lambda: "")()
    return full or actor.get_username()
