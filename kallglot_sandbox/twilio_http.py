"""The Twilio stand-in's side of HTTP: what it sends the app, where, and how it signs it.

Every request is a form POST signed exactly as Twilio signs it: `X-Twilio-Signature` is the
official `twilio` package's `RequestValidator(auth_token).compute_signature(url, params)`, so an
app that validates with that package (or Twilio's documented algorithm) accepts it. Settings
are read when a call is placed, through `getattr` with defaults, and `_control/config` may
override the URLs and the auth token. The auth token is never shown or logged.
"""

from __future__ import annotations

import email.utils
import logging
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.request_validator import RequestValidator

from kallglot_sandbox.state import TwilioCall, store
from kallglot_sandbox.webhooks import http_client

logger = logging.getLogger(__name__)

API_VERSION = "2010-04-01"
TIMEOUT_S = 15.0  # Twilio's default for voice webhooks
MAX_ANSWER_BYTES = 64 * 1024  # Twilio's own limit on a TwiML document
SANDBOX_ACCOUNT_SID = "AC" + "5a4db0c5" * 4  # a fixed test account, AC + 32 hex digits
ACCOUNT_SID = re.compile(r"AC[0-9a-f]{32}")
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
    value = getattr(settings, "KALLGLOT_SANDBOX_TWILIO_ACCOUNT_SID", "") or SANDBOX_ACCOUNT_SID
    if not ACCOUNT_SID.fullmatch(value):
        raise ImproperlyConfigured(
            "KALLGLOT_SANDBOX_TWILIO_ACCOUNT_SID must be AC followed by 32 lowercase hex digits."
        )
    return value


def config_view() -> dict[str, Any]:
    """The stand-in's keys of `_control/config` as they apply now; the token only as set."""
    return {
        "twilio_voice_url": voice_url(),
        "twilio_status_url": status_url(),
        "twilio_auth_token": REDACTED if auth_token() else None,
    }


def call_params(call: TwilioCall, status: str) -> dict[str, str]:
    """The fields Twilio sends about an inbound call in every request."""
    return {
        "AccountSid": call.account_sid,
        "ApiVersion": API_VERSION,
        "CallSid": call.sid,
        "CallStatus": status,
        "Called": call.to_number,
        "Caller": call.from_number,
        "Direction": "inbound",
        "From": call.from_number,
        "To": call.to_number,
    }


def rfc2822(at: float) -> str:
    """Status callbacks' `Timestamp`, e.g. `Tue, 14 Jun 2016 18:35:24 +0000`."""
    return email.utils.format_datetime(datetime.fromtimestamp(at, UTC))


async def ask_for_twiml(call: TwilioCall) -> str:
    """POST the voice webhook; the TwiML text of a 2xx answer, else Unanswered."""
    try:
        response = await _post(call, call.voice_url, call_params(call, "ringing"))
    except httpx.HTTPError as exc:
        raise Unanswered(f"the voice webhook failed: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise Unanswered(f"the voice webhook answered {response.status_code}")
    if len(response.content) > MAX_ANSWER_BYTES:
        raise Unanswered(f"the voice webhook answered more than {MAX_ANSWER_BYTES} bytes")
    return response.text


async def send_status(call: TwilioCall, params: dict[str, str]) -> dict[str, Any]:
    """One status callback, never retried (Twilio does not retry them); the log entry."""
    url = call.status_url
    entry: dict[str, Any] = {
        "sequence": int(params["SequenceNumber"]),
        "status": params["CallStatus"],
        "url": url,
        "status_code": None,
        "error": None,
    }
    try:
        entry["status_code"] = (await _post(call, url, params)).status_code
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


async def _post(call: TwilioCall, url: str, params: dict[str, str]) -> httpx.Response:
    signature = RequestValidator(call.auth_token).compute_signature(url, params)
    headers = {
        "X-Twilio-Signature": signature,
        "User-Agent": "TwilioProxy/1.1",
        "Accept": "*/*",
    }
    return await http_client().post(url, data=params, headers=headers, timeout=TIMEOUT_S)
