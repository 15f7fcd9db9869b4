"""Against the real sandbox over a socket: retried creates through injected faults leave
exactly one upstream session, the one the client returns."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest

from sessions_app.kallglot import AsyncKallglotClient, KallglotClient, KallglotError
from tests.conftest import SANDBOX_KEY


class Control:
    """The sandbox's fault-injection and inspection API."""

    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {SANDBOX_KEY}"}
        url = f"{self.base}/_control/{path}"
        response = httpx.request(method, url, headers=headers, timeout=10, **kwargs)
        response.raise_for_status()
        return response

    def reset(self) -> None:
        self.call("POST", "reset")

    def fault(self, status: int, code: str, **extra: object) -> None:
        body = {"endpoint": "sessions.create", "status": status, "code": code, "count": 1}
        self.call("POST", "faults", json=body | extra)

    def sessions(self) -> list[dict]:
        body = self.call("GET", "sessions").json()
        return body["data"] if isinstance(body, dict) else body


@pytest.fixture
def control(live_server_daphne) -> Control:
    control = Control(live_server_daphne.sandbox_base)
    control.reset()
    return control


def real_client(base: str, sleeps: list[float], **options: object) -> KallglotClient:
    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    options = {"backoff_base": 0.05, "backoff_cap": 0.2, "sleep": sleep} | options
    return KallglotClient(api_key=SANDBOX_KEY, base_url=base, **options)


def test_it_creates_one_session_through_a_429_and_a_502(control):
    control.fault(429, "rate_limit_exceeded", retry_after=0)
    control.fault(502, "bad_gateway")
    sleeps: list[float] = []
    key = f"it-{uuid.uuid4()}"

    with real_client(control.base, sleeps) as client:
        session = client.create_session(mode="bidirectional_translation", idempotency_key=key)

    upstream = control.sessions()
    assert [item["id"] for item in upstream] == [session.id]
    assert session.status == "created"
    assert session.stream is not None
    assert len(sleeps) == 2
    assert sleeps[0] == 0.0  # the 429 asked for no wait
    assert upstream[0]["idempotency_key"] == key


def test_it_creates_one_session_when_a_slow_answer_times_out(control):
    """The first attempt times out while the sandbox is still on it. Whether the sandbox
    finishes that work or drops it with the connection, one session results."""
    control.fault(0, "", latency_ms=1500)  # status 0: latency only, then the real work
    sleeps: list[float] = []
    options = {"timeout_read": 0.5, "max_attempts": 8, "deadline": 15.0}

    with real_client(control.base, sleeps, **options) as client:
        session = client.create_session(mode="bidirectional_translation")
    time.sleep(1.6)  # let a first attempt that was not cancelled finish its work

    assert [item["id"] for item in control.sessions()] == [session.id]
    assert sleeps  # it did retry


async def test_it_waits_out_a_conflict_and_gets_the_replay(control):
    """A second create with the same key while the first is still running meets 409
    idempotency_conflict, waits the Retry-After, retries with that same key and receives
    the first one's session: a retry under a new key would have made a second session."""
    control.fault(0, "", latency_ms=1500)  # the first create holds its key for 1.5 s
    key = f"it-{uuid.uuid4()}"
    sleeps: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(seconds)

    options = {"api_key": SANDBOX_KEY, "base_url": control.base, "sleep": recorded_sleep}
    async with AsyncKallglotClient(**options) as first, AsyncKallglotClient(**options) as second:
        slow = asyncio.create_task(first.create_session(mode="ai_agent", idempotency_key=key))
        await asyncio.sleep(0.3)
        replayed = await second.create_session(mode="ai_agent", idempotency_key=key)
        original = await slow

    assert replayed.id == original.id
    assert [item["id"] for item in control.sessions()] == [original.id]
    assert sleeps
    assert all(seconds == 1.0 for seconds in sleeps)  # the sandbox's Retry-After: 1


def test_it_retries_through_a_proxys_html_502(control):
    control.fault(502, "bad_gateway", body="<html><h1>502 Bad Gateway</h1>nginx</html>")
    sleeps: list[float] = []

    with real_client(control.base, sleeps) as client:
        session = client.create_session(mode="bidirectional_translation")

    assert [item["id"] for item in control.sessions()] == [session.id]
    assert len(sleeps) == 1


async def test_it_creates_one_session_from_async_code_too(control):
    control.fault(503, "unavailable")
    control.fault(429, "rate_limit_exceeded", retry_after=0)

    client = AsyncKallglotClient(api_key=SANDBOX_KEY, base_url=control.base, backoff_base=0.05)
    async with client:
        session = await client.create_session(mode="assistive_translation")

    assert [item["id"] for item in control.sessions()] == [session.id]


def test_it_replays_a_create_retried_with_the_same_key(control):
    key = f"it-{uuid.uuid4()}"

    with real_client(control.base, []) as client:
        first = client.create_session(mode="bidirectional_translation", idempotency_key=key)
        again = client.create_session(mode="bidirectional_translation", idempotency_key=key)

    assert again.id == first.id
    assert [item["id"] for item in control.sessions()] == [first.id]


def test_it_gives_up_without_creating_anything(control):
    for _ in range(3):
        control.fault(502, "bad_gateway")
    sleeps: list[float] = []

    client = real_client(control.base, sleeps, max_attempts=3)
    with client, pytest.raises(KallglotError) as caught:
        client.create_session(mode="bidirectional_translation")

    assert (caught.value.status, caught.value.retryable) == (502, True)
    assert len(sleeps) == 2
    assert control.sessions() == []


def test_it_does_not_retry_a_refused_key(control):
    client = KallglotClient(api_key="sk_test_not_the_sandbox_key", base_url=control.base)
    with client, pytest.raises(KallglotError) as caught:
        client.create_session(mode="bidirectional_translation")

    assert caught.value.status == 401
    assert "sk_test_not_the_sandbox_key" not in str(caught.value)
    assert control.sessions() == []
