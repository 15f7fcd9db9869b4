"""Which console page holds a live call, and the end of a call that no page holds any more.

A call is held by the console page that streams its audio: an `AgentPage` whose `call` is set.
A reload, a crashed tab or a second tab takes the call over (the newest page to ask for it holds
it) and the agent's other pages are told, so the one that held it stops streaming and offers to
take it back. A page whose socket reconnects asks again without taking: it keeps the call only
if no other page took it meanwhile.

When the page holding a call goes away and no other page takes it within CALL_PAGE_GRACE
seconds, the server ends the call: a closed tab or laptop must not keep a call open (and billed)
until Kallglot's idle timeout. The grace runs on a timer in this process; `sweep()` ends what a
process that went away left running, and starts the grace for pages that stopped answering.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sessions_app import relay, services, timers
from sessions_app.agents import PAGE_STALE_SECONDS
from sessions_app.exceptions import CallError
from sessions_app.models import AgentPage, CallSession

logger = logging.getLogger(__name__)

# The end reason of a call ended because its console pages went away.
PAGES_LEFT = "console_closed"
SWEEP_EVERY = 5


def fresh_holders(session: CallSession) -> QuerySet[AgentPage]:
    since = timezone.now() - timedelta(seconds=PAGE_STALE_SECONDS)
    return AgentPage.objects.filter(call=session, seen_at__gte=since)


def hold(user_id: int, channel_name: str, session_id: object, *, take: bool) -> None:
    """The page asks to hold the agent's call `session_id`; `take` takes it from another page."""
    with transaction.atomic():
        session = (
            CallSession.objects.select_for_update()
            .filter(public_id=session_id, agent_id=user_id)
            .first()
        )
        if session is None:
            return
        page = AgentPage.objects.filter(channel_name=channel_name, agent_id=user_id).first()
        holders = fresh_holders(session).exclude(pk=page.pk if page else None)
        if page and not session.is_ended and (take or not holders.exists()):
            AgentPage.objects.filter(call=session).exclude(pk=page.pk).update(call=None)
            AgentPage.objects.filter(pk=page.pk).update(call=session)
            if session.pages_left_at:
                session.pages_left_at = None
                session.save(update_fields=["pages_left_at"])
        tell(session)


def page_gone(session_pk: int | None) -> None:
    """The page that held call `session_pk` went away: with no other holding it, the grace
    begins."""
    if session_pk is None:
        return
    with transaction.atomic():
        session = CallSession.objects.select_for_update().filter(pk=session_pk).first()
        if session is None or session.is_ended or fresh_holders(session).exists():
            return
        left(session)


def left(session: CallSession) -> None:
    session.pages_left_at = timezone.now()
    session.save(update_fields=["pages_left_at"])
    grace = settings.CALL_PAGE_GRACE + 0.05
    transaction.on_commit(lambda: timers.later(grace, end_if_left, session.pk))
    tell(session)


def end_if_left(session_pk: int) -> None:
    """End the call if no page took it back within the grace."""
    deadline = timezone.now() - timedelta(seconds=settings.CALL_PAGE_GRACE)
    due = CallSession.objects.filter(pk=session_pk, pages_left_at__lte=deadline)
    session = due.exclude(status=CallSession.Status.ENDED).first()
    if session is None or fresh_holders(session).exists():
        return
    try:
        session = services.session_end(session=session, reason=PAGES_LEFT)
    except CallError as exc:
        logger.warning("a call no page holds could not be ended: %s", exc.code)
        return
    tell(session)


def sweep() -> None:
    """End calls left past their grace; start the grace of calls held only by silent pages
    (at most every SWEEP_EVERY seconds a process: each console heartbeat asks)."""
    if not cache.add("holds:sweep", True, SWEEP_EVERY):
        return
    deadline = timezone.now() - timedelta(seconds=settings.CALL_PAGE_GRACE)
    open_calls = CallSession.objects.open().known()
    for session_pk in open_calls.filter(pages_left_at__lte=deadline).values_list("pk", flat=True):
        end_if_left(session_pk)
    stale = timezone.now() - timedelta(seconds=PAGE_STALE_SECONDS)
    silent = open_calls.filter(pages_left_at=None, holders__seen_at__lt=stale).distinct()
    for session_pk in silent.values_list("pk", flat=True):
        page_gone(session_pk)


def tell(session: CallSession) -> None:
    """Send the agent's pages who holds their call now (after commit)."""
    if session.agent_id is not None:
        relay.to_agent(session.agent_id, call_json(session))


def call_json(session: CallSession) -> dict:
    """The agent's live call as their pages see it: the page that holds it, or how long it has
    before the server ends it."""
    holder = fresh_holders(session).values_list("page_id", flat=True).first()
    ends_in = None
    if session.pages_left_at and not session.is_ended:
        left_for = (timezone.now() - session.pages_left_at).total_seconds()
        ends_in = max(0, round(settings.CALL_PAGE_GRACE - left_for))
    return {
        "type": "call",
        "session_id": str(session.public_id),
        "status": session.status,
        "page": holder,
        "ends_in": ends_in,
    }


def unheld_call(user_id: int) -> CallSession | None:
    """The agent's newest open call that no page holds and whose grace is running."""
    calls = CallSession.objects.open().known().filter(agent_id=user_id)
    return calls.exclude(pages_left_at=None).order_by("-created_at").first()
