"""What can go wrong with a call, in the domain's words and in words an agent can act on.

Services raise these; they know nothing of HTTP. The API maps each kind to a status and the
JSON error envelope in one place (`sessions_app.errors.api_error`); the admin and management
commands show the message.
"""

from __future__ import annotations


class CallError(Exception):
    """A call could not be started, changed or ended; `message` says why and what to do."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        param: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.retry_after = retry_after


class LimitReached(CallError):
    """A per-agent limit (calls per minute, open calls) or upstream's rate limit."""


class CallEnded(CallError):
    """The call has ended; what was asked needs a live call."""


class Conflict(CallError):
    """The request contradicts the call's state or an earlier request with the same key."""


class Refused(CallError):
    """Kallglot refused the request as invalid."""


class UpstreamGone(CallError):
    """Kallglot does not know the call (any more)."""


class NoCredits(CallError):
    """The organisation has no Kallglot credits left."""


class NotAllowed(CallError):
    """Kallglot does not allow the organisation to do this (inactive subscription)."""


class Unavailable(CallError):
    """Kallglot cannot be reached, or will not let the console sign in."""


class UpstreamFailed(CallError):
    """Kallglot answered with an error of its own."""
