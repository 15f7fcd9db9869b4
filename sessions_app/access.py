"""Who may see and act on which sessions: agents their own, supervisors everyone's."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from sessions_app.models import CallSession

SUPERVISORS_GROUP = "Supervisors"


def is_supervisor(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return (
        user.has_perm("sessions_app.supervise_sessions")
        or user.groups.filter(name=SUPERVISORS_GROUP).exists()
    )


def visible_sessions(
    user: AbstractBaseUser | AnonymousUser, *, supervisor: bool | None = None
) -> QuerySet[CallSession]:
    """The calls `user` may see (`supervisor`: is_supervisor(user), if the caller knows)."""
    sessions = CallSession.objects.known().select_related("agent", "route")
    if is_supervisor(user) if supervisor is None else supervisor:
        return sessions
    if not user.is_authenticated:
        return sessions.none()
    return sessions.filter(agent=user)


def find_session(user: AbstractBaseUser | AnonymousUser, public_id: object) -> CallSession | None:
    """The session if this user may see it; None for unknown and foreign ids alike.

    The call is read first: an agent asking for their own call (the console's every poll,
    stream refresh and End) needs no supervisor check, which costs up to three queries.
    """
    if not user.is_authenticated:
        return None
    calls = CallSession.objects.known().select_related("agent", "route")
    session = calls.filter(public_id=public_id).first()
    if session is None or (session.agent_id != user.pk and not is_supervisor(user)):
        return None
    return session
