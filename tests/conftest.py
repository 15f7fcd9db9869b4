"""Shared fixtures: the cast of users and a live Daphne server running the whole app."""

from __future__ import annotations

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

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def server_env(port: int, **overrides: str) -> dict[str, str]:
    """The environment of a Daphne test server: the test database file, fast sandbox retries."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    db_name = settings.DATABASES["default"].get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db_name}"
    env.update(
        DJANGO_SETTINGS_MODULE="kallglot_web.settings",
        APP_BASE_URL=f"http://127.0.0.1:{port}",
        KALLGLOT_SANDBOX_RETRY_SCALE="0.001",
    )
    env.update(overrides)
    return env


def start_daphne(
    tmp_dir: Path, app: str = "kallglot_web.asgi:application", **env: str
) -> LiveServer:
    port = free_port()
    log_path = tmp_dir / f"daphne-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT,
        env=server_env(port, **env),
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(port=port, process=process, log_path=log_path, env=env)
    wait_until_up(server)
    return server


def wait_until_up(server: LiveServer, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited early:\n{server.log()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code in (200, 503):
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
    server = start_daphne(tmp_path_factory.mktemp("daphne"))
    yield server
    server.stop()
