"""Fixtures for the sandbox conformance tests: the running sandbox, a webhook receiver, and a
fake app for the sandbox's Twilio stand-in to call."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from twilio.rest import Client

from kallglot_sandbox.twilio_client import SandboxTwilioHttpClient
from tests.conftest import SANDBOX_KEY, LiveServer
from tests.sandbox.receiver import Receiver, serve
from tests.sandbox.twilio_app import AUTH_TOKEN, FakeTwilioApp, serve_app

KEY = SANDBOX_KEY
AUTH = {"Authorization": f"Bearer {KEY}"}


@dataclass
class SandboxApi:
    """The sandbox over HTTP: its REST API and its control API."""

    base: str
    client: httpx.Client

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**AUTH, **kwargs.pop("headers", {})}
        return self.client.request(method, f"{self.base}/{path}", headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def create_session(self, **body: Any) -> dict[str, Any]:
        response = self.post("sessions", json={"mode": "bidirectional_translation", **body})
        assert response.status_code == 201, response.text
        return response.json()

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, f"_control/{path}", **kwargs)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def config(self, **values: Any) -> dict[str, Any]:
        return self.control("POST", "config", json=values)

    def fault(self, endpoint: str, status: int, **extra: Any) -> None:
        self.control("POST", "faults", json={"endpoint": endpoint, "status": status, **extra})

    def sessions(self) -> list[dict[str, Any]]:
        return self.control("GET", "sessions")["data"]

    def audio(self, session_id: str) -> dict[str, Any]:
        return self.control("GET", f"sessions/{session_id}/audio")

    def customer(self, session_id: str, action: str | None = None) -> httpx.Response:
        """The caller's leg; with `action` ("connect"/"hangup"), act as the PBX or the caller."""
        path = f"_control/sessions/{session_id}/customer"
        if action is None:
            return self.get(path)
        return self.post(path, json={"action": action})

    def ring(self, to: str = "+4930901820", **body: Any) -> str:
        """A simulated inbound call through the Twilio stand-in; its CallSid."""
        return self.control("POST", "twilio/calls", json={"to": to, **body})["call_sid"]

    def twilio_call(self, call_sid: str) -> dict[str, Any]:
        return self.control("GET", f"twilio/calls/{call_sid}")

    def twilio_call_once(self, call_sid: str, done: Any, timeout: float = 8.0) -> dict[str, Any]:
        """The stand-in's call, once `done(call)` holds."""
        deadline = time.monotonic() + timeout
        while not done(call := self.twilio_call(call_sid)):
            assert time.monotonic() < deadline, f"timed out: {call}"
            time.sleep(0.05)
        return call

    def plan_next_outbound(self, answer: str, **extra: Any) -> None:
        """How the customer the next outbound call dials behaves."""
        self.control("POST", "twilio/next_outbound", json={"answer": answer, **extra})

    def twilio_account_sid(self) -> str:
        return self.control("GET", "config")["twilio_account_sid"]

    def webhook_log(self, at_least: int = 0, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The delivery log, once it has `at_least` entries."""
        deadline = time.monotonic() + timeout
        while len(log := self.control("GET", "webhooks")["data"]) < at_least:
            assert time.monotonic() < deadline, f"only {len(log)} delivery attempts: {log}"
            time.sleep(0.05)
        return log


@pytest.fixture(scope="session")
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def sandbox_api(live_server_daphne: LiveServer, http_client: httpx.Client) -> Iterator[SandboxApi]:
    """The sandbox of the live server, reset before and after the test."""
    api = SandboxApi(live_server_daphne.sandbox_base, http_client)
    api.control("POST", "reset")
    # Nothing listens on the discard port: webhooks go nowhere unless a test says otherwise.
    api.config(webhook_url="http://127.0.0.1:9/nowhere")
    yield api
    api.control("POST", "reset")


@pytest.fixture
def receiver(sandbox_api: SandboxApi) -> Iterator[Receiver]:
    """A webhook receiver on a free port, where the sandbox now delivers."""
    receiver = Receiver()
    server = serve(receiver)
    sandbox_api.config(webhook_url=receiver.url)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def twilio_client(sandbox_api: SandboxApi, twilio_app: FakeTwilioApp) -> Client:
    """The official `twilio` package's client, pointed at the sandbox's Calls API stand-in."""
    http_client = SandboxTwilioHttpClient(sandbox_api.base, timeout=10)
    return Client(sandbox_api.twilio_account_sid(), AUTH_TOKEN, http_client=http_client)


@pytest.fixture
def twilio_app(sandbox_api: SandboxApi) -> Iterator[FakeTwilioApp]:
    """A fake app where the Twilio stand-in now sends its calls, sharing its auth token."""
    app = FakeTwilioApp(sandbox_api.base, KEY)
    server = serve_app(app)
    sandbox_api.config(
        twilio_voice_url=app.voice_url,
        twilio_status_url=app.status_url,
        twilio_auth_token=AUTH_TOKEN,
    )
    yield app
    server.shutdown()
    server.server_close()
