"""The sandbox's runtime knobs, changed by tests through `POST _control/config`.

Settings (env) say where the sandbox lives; this config says how it behaves right now.
`credits` is live: it is what remains and drops as billable calls succeed. The telephony keys
(`numbers`, `connections`, `default_connection`) and the Twilio stand-in's (`twilio_voice_url`,
`twilio_status_url`, `twilio_auth_token`, `twilio_account_sid`) are None until overridden: None
means "as the settings say" (telephony.py and twilio_http.py read those at call time).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

CARRIERS = ("twilio", "telnyx")
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")


@dataclass(frozen=True)
class Connection:
    """An external Twilio/Telnyx connection (`pcon_…`), with the number it answers, if known."""

    provider: str
    phone_number: str | None = None


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
    numbers: dict[str, str] | None = None  # None: settings.KALLGLOT_SANDBOX_NUMBERS
    connections: dict[str, Connection] | None = None  # None: KALLGLOT_SANDBOX_CONNECTIONS
    default_connection: str | None = None  # None: settings; "": no default connection
    ring_ms: int = 1500
    caller_hangup: bool = True
    hangup_pause_ms: int = 1000
    twilio_voice_url: str | None = None  # None: KALLGLOT_SANDBOX_TWILIO_VOICE_URL
    twilio_status_url: str | None = None  # None: KALLGLOT_SANDBOX_TWILIO_STATUS_URL
    twilio_auth_token: str | None = field(default=None, repr=False)  # None: TWILIO_AUTH_TOKEN
    twilio_account_sid: str | None = None  # None: KALLGLOT_SANDBOX_TWILIO_ACCOUNT_SID, …

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


def _secret(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError("must be a non-empty string or null")
    return value


def _account_sid(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not ACCOUNT_SID.fullmatch(value)):
        raise ValueError("must be AC followed by 32 lowercase hex digits, or null")
    return value


def _carrier(value: Any) -> str:
    if value not in CARRIERS:
        raise ValueError(f"names a provider other than {' or '.join(CARRIERS)}")
    return value


def _e164(value: Any) -> str:
    if not isinstance(value, str) or not E164.fullmatch(value):
        raise ValueError(f"has {value!r}, which is not an E.164 number")
    return value


def parse_numbers(value: Any) -> dict[str, str]:
    """`{"+4930…": "twilio", …}`: the managed numbers and the carrier of each."""
    if not isinstance(value, dict):
        raise ValueError("must be an object of E.164 number → provider")
    return {_e164(number): _carrier(carrier) for number, carrier in value.items()}


def _connection(value: Any) -> Connection:
    """`"twilio"`, or `{"provider": "twilio", "phone_number": "+4930…"}` for a numbered one."""
    if isinstance(value, dict):
        number = value.get("phone_number")
        provider = _carrier(value.get("provider"))
        return Connection(provider, None if number is None else _e164(number))
    return Connection(_carrier(value))


def parse_connections(value: Any) -> dict[str, Connection]:
    if not isinstance(value, dict) or not all(isinstance(key, str) and key for key in value):
        raise ValueError("must be an object of connection id → provider")
    return {key: _connection(item) for key, item in value.items()}


def _default_connection(value: Any) -> str:
    """A connection id, or null for none (stored as "" so that None can mean 'settings')."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value:
        raise ValueError("must be a connection id or null")
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
    "numbers": parse_numbers,
    "connections": parse_connections,
    "default_connection": _default_connection,
    "ring_ms": _integer(0),
    "caller_hangup": _boolean,
    "hangup_pause_ms": _integer(0),
    "twilio_voice_url": _url,
    "twilio_status_url": _url,
    "twilio_auth_token": _secret,
    "twilio_account_sid": _account_sid,
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
