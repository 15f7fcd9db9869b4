"""Identifiers and timestamps in Kallglot's formats (kallglot-api.md §1.3, §1.4)."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(at: float | None = None) -> str:
    """A 26-character ULID: 48 bits of milliseconds then 80 random bits, Crockford base32."""
    millis = int((time.time() if at is None else at) * 1000)
    value = (millis << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def new_id(prefix: str) -> str:
    """`sess_01H…`, `rec_01H…`, `anl_01H…`, `evt_01H…`, `wh_del_01H…`, `req_01H…`."""
    return f"{prefix}_{ulid()}"


def new_stream_token(api_key: str) -> str:
    """`kst_test_…` for test keys (G17), `kst_live_…` for a live-looking key."""
    mode = "live" if api_key.startswith("sk_live_") else "test"
    return f"kst_{mode}_{secrets.token_hex(16)}"


def iso(at: float) -> str:
    """ISO 8601 UTC with `Z`, whole seconds (truncated, so `expires_at` never overstates)."""
    return datetime.fromtimestamp(int(at), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(at: float) -> str:
    """Like `iso` with milliseconds, for the delivery log where order within a second matters."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
