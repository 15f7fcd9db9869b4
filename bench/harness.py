"""What every benchmark needs: a database, users, Daphne servers, a signed-in HTTP client."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WORKDIR = Path(tempfile.mkdtemp(prefix="kallglot-bench-"))
DB_PATH = WORKDIR / "bench.sqlite3"
PASSWORD = "bench-password-123"
SECRET = "whsec_bench_local"
SANDBOX_KEY = "sk_test_sandbox"  # the key the sandbox accepts by default

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "kallglot_web.settings",
    # BENCH_DATABASE_URL=postgres://… measures on PostgreSQL instead of a fresh SQLite file.
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{DB_PATH}"),
    "KALLGLOT_WEBHOOK_SECRET": SECRET,
    "KALLGLOT_SANDBOX_RETRY_SCALE": "0.001",
    "SESSION_CREATE_PER_MINUTE": "1000000",
    "MAX_LIVE_SESSIONS_PER_AGENT": "1000000",
    "LOG_LEVEL": "WARNING",
}


def setup_django() -> None:
    os.environ.update(BASE_ENV)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_user(username: str, *, supervisor: bool = False) -> object:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.save()
        if supervisor:
            user.groups.add(Group.objects.get(name="Supervisors"))
    return user


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    app: str = "kallglot_web.asgi:application",
    ready_path: str = "/healthz",
    port: int | None = None,
    **env: str,
) -> Server:
    port = port or free_port()
    full_env = os.environ | BASE_ENV | {"APP_BASE_URL": f"http://127.0.0.1:{port}"} | env
    log = (WORKDIR / f"daphne-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Server(port, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{server.url}{ready_path}", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on {port} did not start")


def start_with_own_sandbox(**env: str) -> tuple[Server, Server]:
    """The app (with `env`) and, in a process of its own as Kallglot would be, its sandbox."""
    port = free_port()
    sandbox = start(
        app="kallglot_sandbox.asgi:application",
        ready_path="/v1/",
        KALLGLOT_SANDBOX_WEBHOOK_URL=f"http://127.0.0.1:{port}/webhooks/kallglot",
    )
    return start(port=port, KALLGLOT_API_BASE=f"{sandbox.url}/v1", **env), sandbox


def start_forwarder(sandbox: Server) -> Server:
    """`bench/forwarder.py` under Daphne, passing creates on to `sandbox`."""
    return start(
        app="bench.forwarder:application",
        ready_path="/",
        KALLGLOT_API_BASE=f"{sandbox.url}/v1",
        KALLGLOT_API_KEY=SANDBOX_KEY,
    )


def signed_in(server: Server, username: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"]
    client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{server.url}/accounts/login/"},
    )
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def status_socket(server: Server, username: str, session: object) -> str:
    """The status socket's path for `session`, ticket included, as the console gets it."""
    client = signed_in(server, username)
    try:
        return client.get(f"/api/sessions/{session.public_id}").json()["status_socket"]
    finally:
        client.close()


def signed_webhook(event: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    t = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    headers = {"Kallglot-Signature": f"t={t},v1={digest}", "Content-Type": "application/json"}
    return body, headers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, value: str, target: str, ok: bool) -> None:
    print(f"{name:<58} {value:>22}   target {target:<22} {'ok' if ok else 'MISSED'}", flush=True)


def inform(name: str, value: str) -> None:
    """A figure printed beside the targets to read them by, with no target of its own."""
    print(f"{name:<58} {value:>22}", flush=True)
