"""Signed links that sign an agent in to the console inside a CRM's iframe.

This module needs only the standard library: CRM backends may copy `mint` as it is (see
docs/embedding.md). A link is `<console>/embed/start?<params>&sig=<hex>` where

    sig = hex(HMAC-SHA256(secret, canonical(params)))
    canonical(params) = "&".join(f"{key}={quote(value, safe='')}" for key, value in sorted(params))

over every parameter but `sig`. Required: `v` ("1"), `agent` (the username), `exp` (Unix
seconds, at most 300 s ahead), `nonce` (16-128 of A-Z a-z 0-9 _ -; each is accepted once).
Optional: `name`, and the console's context: `mode`, `source_language`, `target_language`,
`external_call_id`, `customer_id`, `ticket_id`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from urllib.parse import quote, urlencode

VERSION = "1"
MAX_AGE = 300
REQUIRED = ("v", "agent", "exp", "nonce")
CONTEXT = (
    "mode",
    "source_language",
    "target_language",
    "external_call_id",
    "customer_id",
    "ticket_id",
)
ALLOWED = frozenset((*REQUIRED, "name", *CONTEXT))
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class LinkError(Exception):
    """Why a link was refused; `code` is one of malformed, bad_signature, expired, too_long."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def canonical(params: Mapping[str, str]) -> bytes:
    pairs = sorted((key, value) for key, value in params.items() if key != "sig")
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in pairs).encode()


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params), hashlib.sha256).hexdigest()


def mint(
    console_url: str,
    secret: str,
    *,
    agent: str,
    context: Mapping[str, str] | None = None,
    name: str | None = None,
    ttl: int = MAX_AGE,
    now: float | None = None,
) -> str:
    """A single-use link that signs `agent` in and opens the console with `context`."""
    issued = int(time.time() if now is None else now)
    params = {"v": VERSION, "agent": agent, "exp": str(issued + min(ttl, MAX_AGE))}
    params["nonce"] = secrets.token_urlsafe(24)
    if name:
        params["name"] = name
    params.update({key: value for key, value in (context or {}).items() if value})
    params["sig"] = sign(params, secret)
    return f"{console_url.rstrip('/')}/embed/start?{urlencode(params)}"


def verify(params: Mapping[str, str], secret: str, *, now: float | None = None) -> dict:
    """The link's parameters (without `sig`) if it is intact and current; else LinkError."""
    check_shape(params)
    if not secret or not hmac.compare_digest(sign(params, secret), params["sig"]):
        raise LinkError("bad_signature", "This sign-in link is not valid.")
    current = time.time() if now is None else now
    expires = int(params["exp"])
    if expires < current:
        raise LinkError("expired", "This sign-in link has expired. Open the console again.")
    if expires > current + MAX_AGE:
        raise LinkError("too_long", "This sign-in link is valid for too long.")
    return {key: value for key, value in params.items() if key != "sig"}


def check_shape(params: Mapping[str, str]) -> None:
    missing = [key for key in (*REQUIRED, "sig") if not params.get(key)]
    unknown = set(params) - ALLOWED - {"sig"}
    if missing or unknown or params["v"] != VERSION:
        raise LinkError("malformed", "This sign-in link is incomplete or not understood.")
    if not params["exp"].isdigit() or not NONCE.match(params["nonce"]):
        raise LinkError("malformed", "This sign-in link is incomplete or not understood.")
