"""The official `twilio` package's client for the centre's own account (outbound calls).

In sandbox mode its requests go to the sandbox's stand-in for Twilio's Calls API, at the same
base as the Kallglot calls (the `<Stream>` a dialled call joins must be the sandbox's own);
otherwise to Twilio, as the package does by default.
"""

from __future__ import annotations

import functools

from django.conf import settings
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

REQUEST_TIMEOUT = 10  # s: a Calls API request; Twilio answers a create in well under a second


def client() -> Client:
    sandbox_base = settings.KALLGLOT_API_BASE if settings.KALLGLOT_SANDBOX else ""
    return built(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, sandbox_base)


@functools.cache
def built(account_sid: str, auth_token: str, sandbox_base: str) -> Client:
    """One client per account (and sandbox base): its HTTP session is reused across calls."""
    if sandbox_base:
        from kallglot_sandbox.twilio_client import SandboxTwilioHttpClient

        http_client = SandboxTwilioHttpClient(sandbox_base, timeout=REQUEST_TIMEOUT)
    else:
        http_client = TwilioHttpClient(timeout=REQUEST_TIMEOUT)
    return Client(account_sid, auth_token, http_client=http_client)
