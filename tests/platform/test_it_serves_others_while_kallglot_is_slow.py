"""While one agent's create waits on a slow Kallglot, the same one-process server still
answers everyone else: another agent's call and the health check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import WEBHOOK_SINK, LiveServer, SandboxControl, start_daphne
from tests.live_agents import signed_in, start_call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(django_db_setup: None, tmp_path) -> Iterator[LiveServer]:
    """One Daphne process serving the app and its sandbox, with the in-memory channel layer."""
    server = start_daphne(tmp_path, REDIS_URL="", KALLGLOT_SANDBOX_WEBHOOK_URL=WEBHOOK_SINK)
    yield server
    server.stop()


def wait_until_the_create_is_upstream(sandbox: SandboxControl, timeout: float = 20.0) -> None:
    """The sandbox takes a create's fault off its queue when the create arrives, then waits."""
    deadline = time.monotonic() + timeout
    while sandbox.call("GET", "_control/faults").json()["faults"].get("sessions.create"):
        assert time.monotonic() < deadline, "the create never reached the sandbox"
        time.sleep(0.01)


def test_it_answers_bob_while_alices_create_waits_on_kallglot(server, alice, bob):
    sandbox = SandboxControl(server.sandbox_base)
    alices, bobs = signed_in(server, alice), signed_in(server, bob)
    bobs_call = start_call(bobs, "bobs-call")
    assert bobs_call.status_code == 201
    sandbox.fault("sessions.create", 0, latency_ms=3000)
    finished: list[str] = []

    def alice_starts_a_call() -> httpx.Response:
        response = start_call(alices, "alices-call")
        finished.append("alice's create")
        return response

    with ThreadPoolExecutor(max_workers=1) as pool:
        alices_create = pool.submit(alice_starts_a_call)
        wait_until_the_create_is_upstream(sandbox)
        detail = bobs.get(f"/api/sessions/{bobs_call.json()['id']}")
        finished.append("bob's call")
        health = bobs.get("/healthz")
        finished.append("health check")
        alices_response = alices_create.result(timeout=60)

    assert finished == ["bob's call", "health check", "alice's create"]
    assert detail.status_code == 200
    assert detail.json()["kallglot_id"] == bobs_call.json()["kallglot_id"]
    assert health.json() == {"db": "ok", "channel_layer": "ok"}
    assert alices_response.status_code == 201
    assert alices_response.json()["agent"] == "alice"
