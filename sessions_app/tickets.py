"""Short-lived signed tickets that let a status socket in (cookies are unreliable in iframes)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "sessions_app.status-socket"


def issue(user_id: int, session_id: str) -> str:
    """A ticket bound to one user and one session (the app's public id)."""
    return signing.dumps({"u": user_id, "s": session_id}, salt=SALT, compress=False)


def status_socket(user_id: int, session_id: str) -> str:
    """The path, ticket included, that lets this user open this session's status socket."""
    return f"/ws/sessions/{session_id}/?ticket={issue(user_id, session_id)}"


def read(ticket: str, session_id: str) -> int | None:
    """The user id the ticket was issued to, or None if it is expired, tampered or not for this
    session."""
    try:
        payload = signing.loads(ticket, salt=SALT, max_age=settings.STATUS_TICKET_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != session_id:
        return None
    user_id = payload.get("u")
    return user_id if isinstance(user_id, int) else None
