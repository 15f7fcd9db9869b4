"""While the database is unavailable, webhooks are answered 5xx, so Kallglot retries them;
once it is back, the retries apply every event: nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, SandboxControl, free_port, start_daphne


def migrate(db_path: str) -> None:
    env = os.environ | {"DATABASE_URL": f"sqlite:///{db_path}"}
    for command in (["migrate", "-v0"], ["demo_users"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def world(tmp_path):
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    migrate(str(db_dir / "app.sqlite3"))
    app_port = free_port()
    sandbox = start_daphne(
        tmp_path,
        app="kallglot_sandbox.asgi:application",
        ready_path="/v1/",
        KALLGLOT_SANDBOX_WEBHOOK_URL=f"http://127.0.0.1:{app_port}/webhooks/kallglot",
    )
    app = start_daphne(
        tmp_path,
        port=app_port,
        DATABASE_URL=f"sqlite:///{db_dir / 'app.sqlite3'}",
        KALLGLOT_API_BASE=f"{sandbox.url}/v1",
    )
    yield app, SandboxControl(f"{sandbox.url}/v1"), db_dir
    app.stop()
    sandbox.stop()


def signed_in(app) -> httpx.Client:
    client = httpx.Client(base_url=app.url, timeout=20)
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/",
        data={
            "username": "agent",
            "password": "agent-demo-pass",
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
    )
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def test_webhooks_survive_a_database_outage(world):
    app, sandbox, db_dir = world
    agent = signed_in(app)
    call = agent.post("/api/sessions", json={"mode": "bidirectional_translation"}).json()
    wait_for(lambda: delivered(sandbox, "session.created", 200))

    away = db_dir.with_name("db-away")
    db_dir.rename(away)  # new connections cannot open the database now
    sandbox.call("POST", f"sessions/{call['kallglot_id']}/end")
    wait_for(lambda: delivered(sandbox, "session.ended", 500))
    away.rename(db_dir)

    wait_for(lambda: delivered(sandbox, "session.ended", 200), timeout=30)
    wait_for(lambda: delivered(sandbox, "transcript.ready", 200), timeout=30)
    session = agent.get(f"/api/sessions/{call['id']}").json()
    assert session["status"] == "ended"
    events = agent.get(f"/api/sessions/{call['id']}/events").json()["events"]
    kinds = [event["kind"] for event in events]
    assert kinds.count("session.ended") == 1
    assert kinds.count("transcript.ready") == 1


def delivered(sandbox: SandboxControl, event_type: str, status: int) -> bool:
    log = sandbox.call("GET", "_control/webhooks").json()["data"]
    return any(e["type"] == event_type and e["status_code"] == status for e in log)
