"""The Twilio stand-in's side of HTTP: what it sends the app, where, and how it signs it.

Every request is signed exactly as Twilio signs it: `X-Twilio-Signature` is the official
`twilio` package's `RequestValidator(auth_token).compute_signature(url, params)` (a form POST:
the URL and its fields; a GET: the URL with the fields in its query string, and no fields), so
an app that validates with that package (or Twilio's documented algorithm) accepts it. Settings
are read when a call is placed, through `getattr` with defaults, and `_control/config` may
override the URLs and the auth token. The auth token is never shown or logged.
"""

from __future__ import annotations

import email.utils
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.request_validator import RequestValidator

from kallglot_sandbox.config import ACCOUNT_SID
from kallglot_sandbox.state import TwilioCall, store
from kallglot_sandbox.webhooks import http_client

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
TIMEOUT_S = 15.0  # Twilio's default for voice webhooks
MAX_ANSWER_BYTES = 64 * 1024  # Twilio's own limit on a TwiML document
SANDBOX_ACCOUNT_SID = "AC" + "5a4db0c5" * 4  # a fixed test account, AC + 32 hex digits
REDACTED = "[redacted]"


class Unanswered(Exception):
    """The app's voice webhook gave no TwiML: unreachable, timed out or not 2xx."""


def voice_url() -> str:
    """Where the app answers Twilio's voice webhook (an empty setting means the default)."""
    setting = getattr(settings, "KALLGLOT_SANDBOX_TWILIO_VOICE_URL", "")
    default = f"{settings.APP_BASE_URL}/telephony/twilio/voice"
    return store.config.twilio_voice_url or setting or default


def status_url() -> str:
    setting = getattr(settings, "KALLGLOT_SANDBOX_TWILIO_STATUS_URL", "")
    default = f"{settings.APP_BASE_URL}/telephony/twilio/status"
    return store.config.twilio_status_url or setting or default


def auth_token() -> str:
    """The centre's Twilio auth token: the app checks signatures with the same one."""
    return store.config.twilio_auth_token or getattr(settings, "TWILIO_AUTH_TOKEN", "") or ""


def account_sid() -> str:
    """The centre's Twilio account: its calls carry it, and its Calls API takes it to log in."""
    if store.config.twilio_account_sid:
        return store.config.twilio_account_sid
    for name in ("KALLGLOT_SANDBOX_TWILIO_ACCOUNT_SID", "TWILIO_ACCOUNT_SID"):
        value = getattr(settings, name, "") or ""
        if value and not ACCOUNT_SID.fullmatch(value):
            raise ImproperlyConfigured(f"{name} must be AC followed by 32 lowercase hex digits.")
        if value:
            return value
    return SANDBOX_ACCOUNT_SID


def config_view() -> dict[str, Any]:
    """The stand-in's keys of `_control/config` as they apply now; the token only as set."""
    return {
        "twilio_voice_url": voice_url(),
        "twilio_status_url": status_url(),
        "twilio_auth_token": REDACTED if auth_token() else None,
        "twilio_account_sid": account_sid(),
    }


def call_params(call: TwilioCall, status: str) -> dict[str, str]:
    """The fields Twilio sends about a call in every request."""
    return {
        "AccountSid": call.account_sid,
        "ApiVersion": API_VERSION,
        "CallSid": call.sid,
        "CallStatus": status,
        "Called": call.to_number,
        "Caller": call.from_number,
        "Direction": call.direction,
        "From": call.from_number,
        "To": call.to_number,
    }


def rfc2822(at: float) -> str:
    """Status callbacks' `Timestamp`, e.g. `Tue, 14 Jun 2016 18:35:24 +0000`."""
    return email.utils.format_datetime(datetime.fromtimestamp(at, UTC))


async def ask_for_twiml(call: TwilioCall) -> str:
    """Ask the voice URL (`ringing` inbound, `in-progress` outbound); the TwiML text of a 2xx
    answer, else Unanswered."""
    params = call_params(call, call.status)
    try:
        response = await _request(call, call.voice_method, call.voice_url, params)
    except httpx.HTTPError as exc:
        raise Unanswered(f"the voice webhook failed: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise Unanswered(f"the voice webhook answered {response.status_code}")
    if len(response.content) > MAX_ANSWER_BYTES:
        raise Unanswered(f"the voice webhook answered more than {MAX_ANSWER_BYTES} bytes")
    return response.text


async def send_status(call: TwilioCall, params: dict[str, str]) -> dict[str, Any]:
    """One status callback, never retried (Twilio does not retry them); the log entry."""
    url = call.status_url or ""
    entry: dict[str, Any] = {
        "sequence": int(params["SequenceNumber"]),
        "status": params["CallStatus"],
        "url": url,
        "status_code": None,
        "error": None,
    }
    try:
        response = await _request(call, call.status_method, url, params)
        entry["status_code"] = response.status_code
    except httpx.HTTPError as exc:
        entry["error"] = f"{type(exc).__name__}: {exc}"
    if entry["error"] or not 200 <= entry["status_code"] < 300:
        logger.warning(
            "twilio status callback %s %s failed: %s",
            call.sid,
            params["CallStatus"],
            entry["error"] or entry["status_code"],
        )
    return entry


async def _request(
    call: TwilioCall, method: str, url: str, params: dict[str, str]
) -> httpx.Response:
    headers = {"User-Agent": "TwilioProxy/1.1", "Accept": "*/*"}
    validator = RequestValidator(call.auth_token)
    if method == "GET":
        url = with_query(url, params)
        headers["X-Twilio-Signature"] = validator.compute_signature(url, {})
        return await http_client().get(url, headers=headers, timeout=TIMEOUT_S)
    headers["X-Twilio-Signature"] = validator.compute_signature(url, params)
    return await http_client().post(url, data=params, headers=headers, timeout=TIMEOUT_S)


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query string, as Twilio sends a GET webhook."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
