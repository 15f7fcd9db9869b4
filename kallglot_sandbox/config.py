"""The sandbox's runtime knobs, changed by tests through `POST _control/config`.

Settings (env) say where the sandbox lives; this config says how it behaves right now.
`credits` is live: it is what remains and drops as billable calls succeed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Config:
    token_lifetime_s: float = 300.0
    credits: int = 1000
    org_active: bool = True
    latency_ms: int = 0
    idle_timeout_s: float = 1800.0
    analysis_delay_s: float = 0.5
    analysis_fail: bool = False
    processing_delay_s: float = 0.2
    webhook_url: str | None = None  # None: settings.KALLGLOT_SANDBOX_WEBHOOK_URL
    webhook_duplicate_rate: float = 0.0
    webhook_reorder: bool = False
    webhook_drop_rate: float = 0.0
    rate_limit_per_minute: int = 10000
    recording_extra_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(minimum: float, maximum: float = math.inf) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("must be a number")
        if not minimum <= value <= maximum:
            raise ValueError(f"must be between {minimum} and {maximum}")
        return float(value)

    return parse


def _integer(minimum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"must be an integer >= {minimum}")
        return value

    return parse


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _url(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise ValueError("must be an http(s) URL or null")
    return value


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "token_lifetime_s": _number(0),
    "credits": _integer(0),
    "org_active": _boolean,
    "latency_ms": _integer(0),
    "idle_timeout_s": _number(0.01),
    "analysis_delay_s": _number(0),
    "analysis_fail": _boolean,
    "processing_delay_s": _number(0),
    "webhook_url": _url,
    "webhook_duplicate_rate": _number(0, 1),
    "webhook_reorder": _boolean,
    "webhook_drop_rate": _number(0, 1),
    "rate_limit_per_minute": _integer(1),
    "recording_extra_seconds": _number(0, 3600),
}


def parse_update(body: dict[str, Any]) -> dict[str, Any]:
    """Validated, converted values of a config update; ValueError names the bad key."""
    unknown = sorted(set(body) - set(_PARSERS))
    if unknown:
        raise ValueError(f"unknown config key(s): {', '.join(unknown)}")
    changes = {}
    for key, value in body.items():
        try:
            changes[key] = _PARSERS[key](value)
        except ValueError as exc:
            raise ValueError(f"{key} {exc}") from exc
    return changes
