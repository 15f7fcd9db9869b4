"""Kallglot webhook signatures (kallglot-api.md §4.5).

`Kallglot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Several
`v1` entries may appear (a secret being rotated); any match is accepted. The header comes
from the network, so `verify_signature` answers False to anything malformed and never
raises.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time

MAX_HEADER_LENGTH = 4096
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")


def verify_signature(
    raw_body: bytes,
    header: str | None,
    secret: str,
    tolerance: int = 300,
    now: float | None = None,
) -> bool:
    """True only if `header` signs `raw_body` with `secret` within `tolerance` seconds."""
    parsed = _parse_header(header)
    if parsed is None or not isinstance(raw_body, bytes | bytearray | memoryview):
        return False
    timestamp, signatures = parsed
    if not _is_fresh(int(timestamp), tolerance, time.time() if now is None else now):
        return False
    expected = _digest(bytes(raw_body), timestamp, secret)
    if expected is None:
        return False
    matched = False
    for signature in signatures:  # no early exit: every entry is compared
        matched |= hmac.compare_digest(expected, signature)
    return matched


def signature_header(raw_body: bytes, secret: str, timestamp: int) -> str:
    """The `Kallglot-Signature` value for `raw_body` sent at `timestamp` (tests, sandbox)."""
    digest = _digest(raw_body, str(timestamp), secret)
    if digest is None:
        raise ValueError("The signing secret must be a non-empty UTF-8 string.")
    return f"t={timestamp},v1={digest.decode('ascii')}"


def _parse_header(header: object) -> tuple[str, list[bytes]] | None:
    """(t, [v1, …]) from a well-formed header, else None. Unknown schemes are ignored."""
    if isinstance(header, bytes):  # a raw ASCII header value; other bytes cannot match
        header = header.decode("latin-1")
    if not isinstance(header, str) or len(header) > MAX_HEADER_LENGTH:
        return None
    timestamps: list[str] = []
    signatures: list[bytes] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            return None
        if name == "t":
            timestamps.append(value)
        elif name == "v1":
            if not _SIGNATURE.fullmatch(value):
                return None
            signatures.append(value.encode("ascii"))
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]) or not signatures:
        return None
    return timestamps[0], signatures


def _is_fresh(timestamp: int, tolerance: object, now: object) -> bool:
    numbers = (int, float)
    if not isinstance(tolerance, numbers) or not isinstance(now, numbers):
        return False
    if not (math.isfinite(now) and tolerance >= 0):
        return False
    return abs(now - timestamp) <= tolerance


def _digest(raw_body: bytes, timestamp: str, secret: object) -> bytes | None:
    if not isinstance(secret, str) or not secret:
        return None
    try:
        key = secret.encode("utf-8")
    except UnicodeEncodeError:
        return None
    message = timestamp.encode("ascii") + b"." + raw_body
    return hmac.new(key, message, hashlib.sha256).hexdigest().encode("ascii")
