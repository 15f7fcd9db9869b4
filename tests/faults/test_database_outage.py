"""While the database is unavailable, webhooks are answered 5xx, so Kallglot retries them;
once it is back, the retries apply every event: nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import psycopg
import pytest

from tests.conftest import ROOT, SandboxControl, free_port, start_daphne

POSTGRES = os.environ.get("TEST_OUTAGE_POSTGRES", "postgres://root@127.0.0.1:5432")


def admin(sql: str, params: tuple = ()) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(sql, params)


def migrate(database_url: str) -> None:
    env = os.environ | {"DATABASE_URL": database_url}
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


class Database:
    """A PostgreSQL database of the test's own, which it can take away from the app and give back.

    PostgreSQL, because that is where outages happen in production, and because the app keeps
    its connections between requests: the outage ends them and refuses new ones.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = f"{POSTGRES}/{name}"

    def take_away(self) -> None:
        admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false')
        admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (self.name,),
        )

    def give_back(self) -> None:
        admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')


@pytest.fixture
def database():
    database = Database(f"kallglot_outage_{os.getpid()}")
    admin(f'DROP DATABASE IF EXISTS "{database.name}"')
    admin(f'CREATE DATABASE "{database.name}"')
    migrate(database.url)
    yield database
    database.give_back()
    admin(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


@pytest.fixture
def world(tmp_path, database):
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
        DATABASE_URL=database.url,
        KALLGLOT_API_BASE=f"{sandbox.url}/v1",
    )
    yield app, SandboxControl(f"{sandbox.url}/v1"), database
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
    app, sandbox, database = world
    agent = signed_in(app)
    call = agent.post("/api/sessions", json={"mode": "bidirectional_translation"}).json()
    wait_for(lambda: delivered(sandbox, "session.created", 200))

    database.take_away()  # the app's open connections end, new ones are refused
    sandbox.call("POST", f"sessions/{call['kallglot_id']}/end")
    wait_for(lambda: delivered(sandbox, "session.ended", 503))  # not applied yet: retry
    database.give_back()

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
