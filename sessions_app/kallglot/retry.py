"""When to try a Kallglot call again and how long to wait: pure code shared by both clients.

Only the loop that sleeps differs between the sync and the async client; which outcomes
are retried, the wait the server asked for (`Retry-After` in seconds or as an HTTP-date,
the body's `retry_after`, `X-RateLimit-Reset` on a 429) and the exponential backoff with
full jitter are decided here, so they can be tested without a network or a clock.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sessions_app.kallglot.errors import KallglotError

_SECONDS = re.compile(r"\d{1,10}(?:\.\d{1,6})?")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    deadline: float = 20.0
    backoff_base: float = 0.25
    backoff_cap: float = 8.0

    def delay(
        self,
        error: KallglotError,
        *,
        attempt: int,
        elapsed: float,
        random: Callable[[], float],
    ) -> float | None:
        """Seconds to wait before trying again after failed attempt `attempt`, or None.

        None means give up with `error`: it is not retryable, the attempts are used up, or
        the wait would reach the overall deadline (no point sleeping past it).
        """
        if not error.retryable or attempt >= self.max_attempts:
            return None
        wait = error.retry_after
        if wait is None:
            wait = self.backoff(attempt, random)
        if elapsed + wait >= self.deadline:
            return None
        return wait

    def backoff(self, attempt: int, random: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2 ** (attempt - 1)))."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return random() * ceiling


def retry_after_from(
    headers: Mapping[str, str], envelope: dict | None, status: int, wall_now: float
) -> float | None:
    """The wait the server asked for, in seconds from `wall_now`, or None if it did not say."""
    header = headers.get("retry-after")
    if header is not None:
        seconds = parse_retry_after(header, wall_now)
        if seconds is not None:
            return seconds
    in_body = envelope.get("retry_after") if envelope else None
    if _is_number(in_body) and math.isfinite(in_body):
        return max(0.0, float(in_body))
    if status == 429:
        return parse_rate_limit_reset(headers.get("x-ratelimit-reset"), wall_now)
    return None


def parse_retry_after(value: str, wall_now: float) -> float | None:
    """`Retry-After` as delay-seconds or as an HTTP-date; None when it is neither."""
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - wall_now)


def parse_rate_limit_reset(value: str | None, wall_now: float) -> float | None:
    """`X-RateLimit-Reset` (Unix seconds) as a delay from `wall_now`."""
    if value is None or not _SECONDS.fullmatch(value.strip()):
        return None
    return max(0.0, float(value) - wall_now)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
