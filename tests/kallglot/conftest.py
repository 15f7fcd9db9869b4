"""A scripted upstream and a fake clock for the Kallglot client's unit tests.

The network is faked with `httpx.MockTransport`: `Upstream` answers each request with the
next scripted response (or raises the next scripted transport error) and keeps every
request it saw. `FakeTime` is injected as sleep/clock/wall clock, so the delays the client
asks for are recorded instead of slept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sessions_app.kallglot import AsyncKallglotClient, KallglotClient, reset_upstream_status

API_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
BASE_URL = "https://api.kallglot.test/v1"
WALL_START = 1_774_000_000.0

SESSION = {
    "id": "sess_01HXYZ123456789",
    "object": "session",
    "status": "created",
    "mode": "bidirectional_translation",
    "provider": None,
    "phone_number": None,
    "source_language": "de",
    "target_language": "en",
    "stream": {
        "url": "wss://api.kallglot.com/v1/sessions/sess_01HXYZ123456789/connect",
        "token": "kst_test_abcdefghijklmnop",
        "expires_at": "2026-03-26T11:05:00Z",
    },
    "recording": {"enabled": False},
    "metadata": {"customer_id": "123"},
    "created_at": "2026-03-26T11:00:00Z",
}


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Request-ID": "req_ok", **headers})


def error_response(status: int, code: str, **headers: str) -> httpx.Response:
    body = {"error": {"type": "api_error", "code": code, "message": f"Failed: {code}."}}
    return httpx.Response(status, json=body, headers={"X-Request-ID": f"req_{status}", **headers})


@dataclass
class Upstream:
    """A MockTransport handler answering with scripted steps, recording requests.

    A step is a response, a function of the request, or an httpx exception class to raise.
    The last step repeats for any further request.
    """

    script: list[httpx.Response | Callable[[httpx.Request], httpx.Response] | type[Exception]]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, type) and issubclass(step, Exception):
            raise step("scripted failure", request=request)
        if isinstance(step, httpx.Response):  # a fresh copy: a response is sent only once
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        return step(request)

    @property
    def bodies(self) -> list[Any]:
        return [
            json.loads(request.content) if request.content else None for request in self.requests
        ]

    def keys(self) -> list[str | None]:
        return [request.headers.get("idempotency-key") for request in self.requests]


@dataclass
class FakeTime:
    now: float = 100.0
    wall_offset: float = WALL_START - 100.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def wall_clock(self) -> float:
        return self.now + self.wall_offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture(autouse=True)
def _fresh_upstream_status() -> Iterator[None]:
    reset_upstream_status()
    yield
    reset_upstream_status()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[Callable[..., KallglotClient]]:
    """`make_client(upstream, **options)`: a sync client on a MockTransport and fake time."""
    clients: list[KallglotClient] = []

    def make(upstream: Upstream, **options: Any) -> KallglotClient:
        settings = {
            "api_key": API_KEY,
            "base_url": BASE_URL,
            "transport": httpx.MockTransport(upstream),
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "wall_clock": fake_time.wall_clock,
            "random": lambda: 0.5,
        }
        client = KallglotClient(**(settings | options))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def make_async_client(fake_time: FakeTime) -> Callable[..., AsyncKallglotClient]:
    """The async twin of `make_client` (close it with `async with`)."""

    def make(upstream: Upstream, **options: Any) -> AsyncKallglotClient:
        settings = {
            "api_key": API_KEY,
            "base_url": BASE_URL,
            "transport": httpx.MockTransport(upstream),
            "sleep": fake_time.asleep,
            "clock": fake_time.clock,
            "wall_clock": fake_time.wall_clock,
            "random": lambda: 0.5,
        }
        return AsyncKallglotClient(**(settings | options))

    return make
