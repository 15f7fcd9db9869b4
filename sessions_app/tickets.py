"""Short-lived signed tickets that let a status or board socket in (cookies are unreliable in
iframes).

A ticket names its user, what it opens, and the sign-in it was issued in: it opens nothing
once that sign-in has ended (signed out, expired, or replaced by another user's in the same
browser), and signing out closes the sockets it opened. The sign-in is named by an HMAC of its
session key, since tickets travel in URLs; the cache maps that name back to the session,
which the reader then loads as Django's own authentication would.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from sessions_app import relay

SALT = "sessions_app.status-socket"
SIGN_IN_SALT = "sessions_app.tickets.sign-in"
SIGN_IN_KEY = "sessions_app.tickets.sign-in:"
# The cache keeps a sign-in's session key a little longer than the tickets issued in it live.
SIGN_IN_MARGIN = 60


@dataclass(frozen=True)
class Holder:
    """Who presented a good ticket, and the sign-in it was issued in."""

    user: AbstractBaseUser
    sign_in: str


def sign_in_id(session_key: str) -> str:
    """A name for a sign-in that does not give its session key away."""
    return salted_hmac(SIGN_IN_SALT, session_key, algorithm="sha256").hexdigest()


def issue(request: HttpRequest, subject: str) -> str:
    """A ticket for the request's user to open `subject`'s socket (a call's public id, or the
    board), valid while this sign-in lasts and for at most STATUS_TICKET_MAX_AGE seconds."""
    session_key = request.session.session_key
    sign_in = sign_in_id(session_key)
    timeout = max(settings.STATUS_TICKET_MAX_AGE, 0) + SIGN_IN_MARGIN
    cache.set(SIGN_IN_KEY + sign_in, session_key, timeout)
    payload = {"u": request.user.pk, "s": subject, "k": sign_in}
    return signing.dumps(payload, salt=SALT, compress=False)


def status_socket(request: HttpRequest, session_id: str) -> str:
    """The path, ticket included, that lets this request's user open this call's status socket."""
    return f"/ws/sessions/{session_id}/?ticket={issue(request, session_id)}"


def read(ticket: str, subject: str) -> Holder | None:
    """Who the ticket was issued to, or None if it is expired, tampered, not for `subject`, or
    its sign-in has ended."""
    try:
        payload = signing.loads(ticket, salt=SALT, max_age=settings.STATUS_TICKET_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != subject:
        return None
    sign_in = payload.get("k")
    user = signed_in_user(sign_in) if isinstance(sign_in, str) else None
    if user is None or user.pk != payload.get("u"):
        return None
    return Holder(user=user, sign_in=sign_in)


def signed_in_user(sign_in: str) -> AbstractBaseUser | None:
    """The user still signed in in this sign-in (active, password unchanged), else None."""
    session_key = cache.get(SIGN_IN_KEY + sign_in)
    if session_key is None:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = get_user(request)
    return user if user.is_authenticated else None


def end_sign_in(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """On sign-out (Django's user_logged_out): this sign-in's tickets open nothing more, and
    the sockets they opened are closed."""
    session_key = request.session.session_key
    if session_key:
        sign_in = sign_in_id(session_key)
        cache.delete(SIGN_IN_KEY + sign_in)
        relay.sign_in_ended(sign_in)
