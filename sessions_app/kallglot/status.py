"""The last credits and rate-limit figures Kallglot reported, for the admin to show.

Kept per process: every client records the headers of every response it gets and the last
call that finally failed. With several workers each shows what it saw last.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

_INT_HEADERS = {
    "credits_remaining": "x-api-credits-remaining",
    "credits_used": "x-api-credits-used",
    "rate_limit_limit": "x-ratelimit-limit",
    "rate_limit_remaining": "x-ratelimit-remaining",
    "rate_limit_reset": "x-ratelimit-reset",
}


@dataclass(frozen=True, slots=True)
class LastError:
    code: str
    status: int | None
    request_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class UpstreamStatus:
    credits_remaining: int | None = None
    credits_used: int | None = None
    rate_limit_limit: int | None = None
    rate_limit_remaining: int | None = None
    rate_limit_reset: int | None = None
    request_id: str | None = None
    seen_at: datetime | None = None
    last_error: LastError | None = None

    @property
    def rate_limit_resets_at(self) -> datetime | None:
        """`X-RateLimit-Reset` (Unix seconds) as a time a person can read."""
        if self.rate_limit_reset is None:
            return None
        try:
            return datetime.fromtimestamp(self.rate_limit_reset, UTC)
        except (OverflowError, OSError, ValueError):
            return None


_lock = threading.Lock()
_current = UpstreamStatus()


def upstream_status() -> UpstreamStatus:
    """What this process last saw from Kallglot."""
    return _current


def reset_upstream_status() -> None:
    global _current
    with _lock:
        _current = UpstreamStatus()


def record_headers(
    headers: Mapping[str, str], *, request_id: str | None, at: datetime | None = None
) -> None:
    """Keep each figure a response carries; figures it leaves out keep their last value.

    `request_id` is the response's `X-Request-ID`, already scrubbed by the caller.
    """
    changes: dict[str, object] = {}
    for name, header in _INT_HEADERS.items():
        value = _int(headers.get(header))
        if value is not None:
            changes[name] = value
    if request_id:
        changes["request_id"] = request_id
    if changes:
        _update(seen_at=at or datetime.now(UTC), **changes)


def record_failure(
    code: str, status: int | None, request_id: str | None, at: datetime | None = None
) -> None:
    _update(last_error=LastError(code, status, request_id, at or datetime.now(UTC)))


def _update(**changes: object) -> None:
    global _current
    with _lock:
        _current = replace(_current, **changes)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
