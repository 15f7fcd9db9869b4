"""`manage.py runsandbox`: the sandbox alone, REST at /v1 and the stream beside it."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT, free_port, server_env
from tests.sandbox.conftest import AUTH
from tests.sandbox.receiver import Delivery, Receiver, serve, signature_ok
from tests.sandbox.stream import open_stream, receive

SECRET = "whsec_standalone_test_secret"


@pytest.fixture(scope="module")
def hooks() -> Iterator[Receiver]:
    receiver = Receiver()
    server = serve(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def standalone(hooks: Receiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("runsandbox") / "runsandbox.log"
    command = [sys.executable, "manage.py", "runsandbox", "--port", str(port)]
    command += ["--webhook-url", hooks.url, "--webhook-secret", SECRET]
    env = server_env(port, KALLGLOT_SANDBOX_RETRY_SCALE="0.00001")
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(base: str, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/v1/", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"runsandbox did not come up:\n{log.read_text()}")


@pytest.fixture
def base(standalone: str) -> str:
    httpx.post(f"{standalone}/v1/_control/reset", headers=AUTH).raise_for_status()
    return standalone


async def test_it_serves_rest_at_v1_and_the_stream_beside_it(base):
    response = httpx.post(f"{base}/v1/sessions", json={"mode": "ai_agent"}, headers=AUTH)

    session = response.json()
    assert response.status_code == 201
    port = base.rsplit(":", 1)[1]
    assert session["stream"]["url"] == f"ws://127.0.0.1:{port}/v1/sessions/{session['id']}/connect"
    async with open_stream(session) as ws:
        assert (await receive(ws))["type"] == "session.ready"
    assert httpx.get(f"{base}/healthz").status_code == 404  # only the sandbox is served
    assert httpx.get(f"{base}/sandbox/v1/").status_code == 404


def test_it_delivers_webhooks_signed_with_the_secret_it_was_given(base, hooks):
    session = httpx.post(f"{base}/v1/sessions", json={"mode": "ai_agent"}, headers=AUTH).json()

    def mine(delivery: Delivery) -> bool:
        return delivery.event["data"]["id"] == session["id"]

    delivery = next(filter(mine, hooks.wait_for(lambda got: any(map(mine, got)))))

    assert delivery.type == "session.created"
    assert signature_ok(SECRET, delivery.headers["kallglot-signature"], delivery.body)


def test_it_gives_up_after_eight_attempts(base):
    control = f"{base}/v1/_control"
    httpx.post(f"{control}/config", json={"webhook_url": "http://127.0.0.1:9/x"}, headers=AUTH)
    httpx.post(f"{base}/v1/sessions", json={"mode": "ai_agent"}, headers=AUTH)

    def attempts() -> list[dict]:
        return httpx.get(f"{control}/webhooks", headers=AUTH).json()["data"]

    deadline = time.monotonic() + 15
    while len(attempts()) < 8 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # every scaled delay is under a second: a ninth attempt would show
    log = attempts()

    assert [entry["attempt"] for entry in log] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [entry["retry_count"] for entry in log] == list(range(8))
