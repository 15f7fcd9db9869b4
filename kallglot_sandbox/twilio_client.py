"""Point the official `twilio` package at the sandbox's Twilio stand-in.

`twilio.rest.Client` builds every Calls API URL on `https://api.twilio.com` and sends it through
its `http_client`, the extension point the package documents for custom HTTP clients. These
clients send the requests for that host to the stand-in, `<sandbox base>/twilio/…`, and refuse
every other host: the sandbox stands in for the Calls API only, and a request meant for the
stand-in must never reach Twilio. Authentication, form encoding, errors
(`TwilioRestException`) and the call resource stay exactly the package's own:

    client = Client(account_sid, auth_token, http_client=SandboxTwilioHttpClient(sandbox_base))
    client.calls.create(to=…, from_=…, url=…, status_callback=…, status_callback_event=[…])

`AsyncSandboxTwilioHttpClient` does the same for the package's `…_async` methods.
"""

from __future__ import annotations

from typing import Any

from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response

TWILIO_API = "https://api.twilio.com"


def sandbox_url(url: str, sandbox_base: str) -> str:
    """`https://api.twilio.com/2010-04-01/…` → `<sandbox base>/twilio/2010-04-01/…`."""
    if url != TWILIO_API and not url.startswith(f"{TWILIO_API}/"):
        raise ValueError(f"The sandbox stands in for {TWILIO_API} only, not for {url}.")
    return f"{sandbox_base.rstrip('/')}/twilio{url[len(TWILIO_API) :]}"


class SandboxTwilioHttpClient(TwilioHttpClient):
    """The package's HTTP client, sending Twilio's Calls API requests to the sandbox."""

    def __init__(self, sandbox_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sandbox_base = sandbox_base

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return super().request(method, sandbox_url(url, self.sandbox_base), *args, **kwargs)


class AsyncSandboxTwilioHttpClient(AsyncTwilioHttpClient):
    """The package's asynchronous HTTP client, sending the requests to the sandbox."""

    def __init__(self, sandbox_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sandbox_base = sandbox_base

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        return await super().request(method, sandbox_url(url, self.sandbox_base), *args, **kwargs)
