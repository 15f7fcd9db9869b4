"""Shared fixtures: the cast of users and a live Daphne server running the whole app."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.conf import settings

# Sync Playwright tests drive the ORM from a thread that has an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    from tests import secrets_scan

    secrets_scan.install()


@pytest.fixture(autouse=True)
def no_secret_leaks() -> Iterator[None]:
    """Fail the test if anything it caused put the API key, the webhook secret or the Twilio
    auth token in the open."""
    from tests import secrets_scan

    before = len(secrets_scan.leaks)
    yield
    assert secrets_scan.leaks[before:] == []


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: what is kept there by user (an abandoned Start
    click's mark) would otherwise reach the next test's user, whose pk is handed out again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's test database, given back with no connection of ours left open.

    Connections are kept between requests (CONN_MAX_AGE), also in asgiref's shared thread,
    where Channels consumers reach the database; PostgreSQL will not drop a database that
    still has one.
    """
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A Daphne process serving kallglot_web.asgi (the app, and the sandbox under /sandbox/v1)."""

    port: int
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def sandbox_base(self) -> str:
        return f"{self.url}/sandbox/v1"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """Die as a crashed worker would: no graceful shutdown."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        from tests import secrets_scan

        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        secrets_scan.scan([self.log()], f"log of the server on port {self.port}")


def server_env(port: int, **overrides: str) -> dict[str, str]:
    """The environment of a Daphne test server: the test database file, fast sandbox retries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["DATABASE_URL"] = test_database_url()
    env.update(
        DJANGO_SETTINGS_MODULE="kallglot_web.settings",
        APP_BASE_URL=f"http://127.0.0.1:{port}",
        KALLGLOT_SANDBOX_RETRY_SCALE="0.001",
    )
    env.update(overrides)
    return env


def test_database_url() -> str:
    """The URL of the database pytest-django set up, for servers in other processes."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_daphne(
    tmp_dir: Path,
    app: str = "kallglot_web.asgi:application",
    ready_path: str = "/healthz",
    port: int | None = None,
    **env: str,
) -> LiveServer:
    port = port or free_port()
    log_path = tmp_dir / f"daphne-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT,
        env=server_env(port, **env),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(port=port, process=process, log_path=log_path, env=env)
    wait_until_up(server, ready_path)
    return server


def wait_until_up(server: LiveServer, ready_path: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited early:\n{server.log()}")
        try:
            httpx.get(f"{server.url}{ready_path}", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"daphne did not come up:\n{server.log()}")


@pytest.fixture(scope="session")
def live_server_daphne(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One Daphne server for the whole run, sharing pytest-django's (file) test database.

    Tests that create rows the server must see use `transactional_db`.
    """
    from tests import secrets_scan

    # A short hang-up grace, so a test sees a call end when its customer leaves; a dialled
    # customer who does not answer gives up soon; a call whose pages all closed ends soon.
    server = start_daphne(
        tmp_path_factory.mktemp("daphne"),
        CUSTOMER_HANGUP_GRACE="3",
        DIAL_RING_SECONDS="5",
        CALL_PAGE_GRACE="4",
    )
    yield server
    before = len(secrets_scan.leaks)
    server.stop()
    assert secrets_scan.leaks[before:] == []


# --- The cast: alice and bob are agents, charlie supervises. ----------------------------------

PASSWORD = "correct-horse-battery-9"


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once for the whole run, with the real hasher: a hash costs ~0.35 s
    here (PBKDF2), and hundreds of tests each make one to three users."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def make_user(username: str, *, supervisor: bool = False) -> object:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create(
        username=username, password=password_hash(), is_staff=supervisor
    )
    if supervisor:
        user.groups.add(Group.objects.get_or_create(name="Supervisors")[0])
    return user


@pytest.fixture
def alice(db: None) -> object:
    return make_user("alice")


@pytest.fixture
def bob(db: None) -> object:
    return make_user("bob")


@pytest.fixture
def charlie(db: None) -> object:
    return make_user("charlie", supervisor=True)


def client_for(user: object) -> object:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def sign_in(base_url: str, username: str) -> httpx.Client:
    """An HTTP client signed in as `username` through the login page of a live server."""
    client = httpx.Client(base_url=base_url, timeout=10)
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{base_url}/accounts/login/"},
    )
    return client


def status_socket(server: LiveServer, username: str, session: object) -> str:
    """The status socket's path for `session`, ticket included, as the console gets it."""
    client = sign_in(server.url, username)
    try:
        return client.get(f"/api/sessions/{session.public_id}").json()["status_socket"]
    finally:
        client.close()


def signed_in(user: object) -> object:
    """A request of `user`'s in a sign-in of their own, as socket tickets are issued in."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.session = client_for(user).session
    return request


# --- The sandbox as the upstream peer of in-process tests. -----------------------------------

SANDBOX_KEY = settings.KALLGLOT_SANDBOX_API_KEY  # made for this installation (.env)


@dataclass
class SandboxControl:
    """Drives the running sandbox's control API (kallglot_sandbox)."""

    base: str

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {SANDBOX_KEY}"} | kwargs.pop("headers", {})
        response = httpx.request(
            method, f"{self.base}/{path}", headers=headers, timeout=10, **kwargs
        )
        response.raise_for_status()
        return response

    def reset(self) -> None:
        self.call("POST", "_control/reset")

    def config(self, **values: object) -> dict:
        return self.call("POST", "_control/config", json=values).json()

    def fault(self, endpoint: str, status: int, code: str = "", **extra: object) -> None:
        body = {"endpoint": endpoint, "status": status, "code": code, "count": 1} | extra
        self.call("POST", "_control/faults", json=body)

    def sessions(self) -> list[dict]:
        body = self.call("GET", "_control/sessions").json()
        return body["data"] if isinstance(body, dict) else body

    def session(self, kallglot_id: str) -> dict:
        return self.call("GET", f"sessions/{kallglot_id}").json()

    def audio(self, kallglot_id: str) -> dict:
        return self.call("GET", f"_control/sessions/{kallglot_id}/audio").json()


# Nothing listens on the discard port: webhooks the sandbox sends there fail fast and are
# retried harmlessly, so in-process tests never race the server for the database.
WEBHOOK_SINK = "http://127.0.0.1:9/webhooks/kallglot"


@pytest.fixture
def sandbox(live_server_daphne: LiveServer, settings: object) -> Iterator[SandboxControl]:
    """The in-process app talks to the live sandbox; the sandbox starts from a clean slate."""
    from sessions_app.kallglot import reset_clients

    settings.KALLGLOT_API_BASE = live_server_daphne.sandbox_base
    settings.KALLGLOT_API_KEY = SANDBOX_KEY
    settings.KALLGLOT_MAX_ATTEMPTS = 2
    reset_clients()
    control = SandboxControl(live_server_daphne.sandbox_base)
    control.reset()
    control.config(webhook_url=WEBHOOK_SINK)
    yield control
    reset_clients()
