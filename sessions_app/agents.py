"""Agents as the queues see them: their state, kept on the server, and whether a page is open.

An agent is Available or Away by their own choice; the app puts them On a call when they accept
an offered call and in Wrap-up when it ends. Offers go only to agents who are present: a
console page of theirs holds its agent socket (each page is an `AgentPage`, refreshed by the
page's heartbeat), or the last one went away less than AGENT_PRESENCE_GRACE seconds ago (a
reload). A page whose worker died without saying so counts until PAGE_STALE_SECONDS.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sessions_app import relay, timers
from sessions_app.models import AgentPage, AgentProfile, CallSession

State = AgentProfile.State
HEARTBEAT_SECONDS = 20  # how often a console page says it is still there
PAGE_STALE_SECONDS = 3 * HEARTBEAT_SECONDS


def profile_of(user: AbstractBaseUser) -> AgentProfile:
    profile, _ = AgentProfile.objects.get_or_create(user=user)
    return profile


def locked_profile(user_id: int) -> AgentProfile:
    """The agent's profile, its row held until the transaction ends (made if missing)."""
    AgentProfile.objects.get_or_create(user_id=user_id)
    return AgentProfile.objects.select_for_update().select_related("user").get(user_id=user_id)


def change_state(
    profile: AgentProfile, state: str, *, call: CallSession | None = None, notice: str = ""
) -> None:
    """Move the agent to `state` (a call in Wrap-up) and tell their pages and the boards."""
    profile.state = state
    profile.state_since = timezone.now()
    profile.wrapping_up = call if state == State.WRAP_UP else None
    profile.save(update_fields=["state", "state_since", "wrapping_up"])
    tell(profile, notice=notice)


def tell(profile: AgentProfile, *, offer: dict | None = None, notice: str = "") -> None:
    """Send the agent's pages their state (with the call ringing for them, if any)."""
    relay.to_agent(profile.user_id, state_json(profile, offer=offer, notice=notice))
    relay.board_changed()


def state_json(profile: AgentProfile, *, offer: dict | None = None, notice: str = "") -> dict:
    wrapping = profile.wrapping_up.public_id if profile.wrapping_up_id else None
    return {
        "type": "agent",
        "state": profile.state,
        "state_label": profile.get_state_display(),
        "since": profile.state_since.isoformat(),
        "languages": profile.language_codes,
        "wrap_up": {"session_id": str(wrapping), "seconds": settings.WRAP_UP_SECONDS}
        if wrapping
        else None,
        "offer": offer,
        "notice": notice,
    }


def present() -> Q:
    """Profiles of agents with a console page open now, or closed less than a grace ago."""
    now = timezone.now()
    fresh_pages = AgentPage.objects.filter(
        agent=OuterRef("user"), seen_at__gte=now - timedelta(seconds=PAGE_STALE_SECONDS)
    )
    grace = timedelta(seconds=settings.AGENT_PRESENCE_GRACE)
    return Q(Exists(fresh_pages)) | Q(left_at__gte=now - grace)


def reachable() -> QuerySet[AgentProfile]:
    """Agents a call may ring for: Available, present, on no call; longest available first."""
    on_call = CallSession.objects.open().filter(agent=OuterRef("user"))
    agents = AgentProfile.objects.filter(present(), state=State.AVAILABLE, user__is_active=True)
    return agents.exclude(Exists(on_call)).order_by("state_since", "user_id")


def page_opened(user_id: int, channel_name: str, page_id: str = "") -> AgentProfile:
    AgentPage.objects.update_or_create(
        channel_name=channel_name,
        defaults={"agent_id": user_id, "seen_at": timezone.now(), "page_id": page_id},
    )
    profile, _ = AgentProfile.objects.get_or_create(user_id=user_id)
    if profile.left_at is not None:
        profile.left_at = None
        profile.save(update_fields=["left_at"])
    relay.board_changed()
    return profile


def page_seen(channel_name: str) -> None:
    AgentPage.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def page_closed(user_id: int, channel_name: str) -> int | None:
    """The page went away; with it the agent's last one, the grace begins (in one transaction:
    nobody sees the agent without a page and without a grace). Returns the pk of the call the
    page held, if any (holds.py)."""
    with transaction.atomic():
        pages = AgentPage.objects.filter(channel_name=channel_name)
        held = pages.values_list("call_id", flat=True).first()
        pages.delete()
        if not AgentPage.objects.filter(agent_id=user_id).exists():
            AgentProfile.objects.filter(user_id=user_id).update(left_at=timezone.now())
            relay.board_changed()
            # The boards show the agent offline once the grace has passed.
            grace = settings.AGENT_PRESENCE_GRACE + 0.05
            transaction.on_commit(lambda: timers.later(grace, relay.board_changed))
    return held


def is_present(user_id: int) -> bool:
    return AgentProfile.objects.filter(present(), user_id=user_id).exists()


def agents_json() -> list[dict]:
    """Every agent with a profile, for the board: state, time in state, whether present."""
    users = get_user_model().objects.filter(is_active=True)
    profiles = AgentProfile.objects.filter(user__in=users).select_related("user")
    here = set(AgentProfile.objects.filter(present()).values_list("user_id", flat=True))
    return [
        {
            "name": profile.user.get_username(),
            "state": profile.state,
            "state_label": profile.get_state_display(),
            "since": profile.state_since.isoformat(),
            "present": profile.user_id in here,
            "languages": profile.language_codes,
        }
        for profile in profiles.order_by("user__username")
    ]
