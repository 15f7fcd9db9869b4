"""What every section needs: a database, users, Daphne servers, signed-in clients, webhooks,
and the one line each figure is printed on (figure, floor, ratio, target, verdict).

The bench talks to the app only over HTTP and WebSocket, as a browser or Kallglot would; it
imports the app's models (to seed rows), `signature_header` (to sign webhooks) and
`relay.session_group` (to name a call's group for the bare publisher), nothing else of it.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _workdir() -> Path:
    # Inherited by the processes the bench starts (bench/seed.py), so all work in one place.
    if "BENCH_WORKDIR" not in os.environ:
        os.environ["BENCH_WORKDIR"] = tempfile.mkdtemp(prefix="kallglot-bench-")
    return Path(os.environ["BENCH_WORKDIR"])


WORKDIR = _workdir()
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
PASSWORD = "bench-password-123"
SECRET = "whsec_bench_local"
REDIS_URL = "redis://127.0.0.1:6379/6"
CREATE_BODY = {
    "mode": "bidirectional_translation",
    "source_language": "en",
    "target_language": "es",
}

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "kallglot_web.settings",
    "DATABASE_URL": DATABASE_URL,
    "KALLGLOT_WEBHOOK_SECRET": SECRET,
    "KALLGLOT_SANDBOX_RETRY_SCALE": "0.001",
    # Every bench client comes from 127.0.0.1: the fairness flood must not lock the address
    # out of sign-in for the sections after it (its wrong passwords are all hashed, as when
    # an attacker spreads them over addresses and accounts).
    "SIGNIN_FAILURE_LIMIT": "1000000",
    "SESSION_CREATE_PER_MINUTE": "1000000",
    "MAX_LIVE_SESSIONS_PER_AGENT": "1000000",
    "LOG_LEVEL": "WARNING",
}
_sequence = itertools.count(1)


def setup_django(database_url: str = DATABASE_URL) -> None:
    os.environ.update(BASE_ENV | {"DATABASE_URL": database_url})
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_user(username: str, *, supervisor: bool = False) -> object:
    """A user who signs in with PASSWORD; a supervisor is staff too (the admin needs it)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_password(PASSWORD)
        user.is_staff = supervisor
        user.save()
        if supervisor:
            user.groups.add(Group.objects.get(name="Supervisors"))
    return user


def make_calls(agent: object, count: int) -> list[object]:
    from sessions_app.models import CallSession

    return [
        CallSession.objects.create(
            kallglot_id=f"sess_BENCH{uuid.uuid4().hex[:16].upper()}", agent=agent, mode="ai_agent"
        )
        for _ in range(count)
    ]


# --- servers ---------------------------------------------------------------------------------


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
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_started: list[Server] = []


@atexit.register
def stop_all() -> None:
    """Every server this run started, stopped (a section that failed half-way included)."""
    while _started:
        _started.pop().stop()


def start(
    app: str = "kallglot_web.asgi:application",
    ready_path: str = "/healthz",
    port: int | None = None,
    **env: str,
) -> Server:
    """One Daphne process serving `app`, with the bench's environment plus `env`."""
    port = port or free_port()
    full_env = os.environ | BASE_ENV | {"APP_BASE_URL": f"http://127.0.0.1:{port}"} | env
    log = (WORKDIR / f"daphne-{port}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Server(port, process)
    _started.append(server)
    wait_until_up(server, ready_path)
    return server


def wait_until_up(server: Server, ready_path: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{server.url}{ready_path}", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne on {server.port} did not start (see {WORKDIR})")


def start_with_own_sandbox(**env: str) -> tuple[Server, Server]:
    """The app (with `env`) and, in a process of its own as Kallglot would be, its sandbox."""
    port = free_port()
    sandbox = start(
        app="kallglot_sandbox.asgi:application",
        ready_path="/v1/",
        KALLGLOT_SANDBOX_WEBHOOK_URL=f"http://127.0.0.1:{port}/webhooks/kallglot",
    )
    return start(port=port, KALLGLOT_API_BASE=f"{sandbox.url}/v1", **env), sandbox


def start_floor(module: str, **env: str) -> Server:
    """A bare ASGI application of bench/ (a floor) under the same Daphne as the app."""
    return start(app=f"bench.{module}:application", ready_path="/", **env)


def sandbox_env(sandbox: Server) -> dict[str, str]:
    """What bench/forwarder.py needs to reach `sandbox`."""
    return {"KALLGLOT_API_BASE": f"{sandbox.url}/v1", "KALLGLOT_API_KEY": sandbox_key()}


def sandbox_key() -> str:
    """The key this installation's sandbox accepts (made in .env on the first run)."""
    from django.conf import settings

    return settings.KALLGLOT_SANDBOX_API_KEY


def stop(*servers: Server) -> None:
    for server in servers:
        server.stop()


# --- clients -------------------------------------------------------------------------------


def signed_in(server: Server, username: str) -> httpx.Client:
    """A client signed in as `username`, sending the CSRF token on every request."""
    client = httpx.Client(base_url=server.url, timeout=60)
    client.get("/accounts/login/")
    client.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{server.url}/accounts/login/"},
    )
    if "sessionid" not in client.cookies:
        raise RuntimeError(f"{username} could not sign in to {server.url}")
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def status_socket(client: httpx.Client, public_id: object) -> str:
    """The status socket's path (ticket included) for a call, as the API hands it out."""
    response = client.get(f"/api/sessions/{public_id}")
    response.raise_for_status()
    return response.json()["status_socket"]


def segment_event(kallglot_id: str) -> dict:
    """A `transcript.segment` event of the call, numbered uniquely in this run."""
    n = next(_sequence)
    return {
        "id": f"evt_bench{n:08d}{uuid.uuid4().hex[:6]}",
        "type": "transcript.segment",
        "api_version": "v1",
        "created_at": "2026-03-26T11:00:00Z",
        "data": {
            "session_id": kallglot_id,
            "sequence": n,
            "speaker": "agent",
            "language": "en",
            "text": "Hello, how can I help you today?",
            "translation": {"language": "es", "text": "Hola, ¿cómo puedo ayudarle hoy?"},
        },
    }


def signed_webhook(event: dict) -> tuple[bytes, dict[str, str]]:
    from sessions_app.kallglot import signature_header

    body = json.dumps(event).encode()
    signature = signature_header(body, SECRET, int(time.time()))
    return body, {"Kallglot-Signature": signature, "Content-Type": "application/json"}


# --- figures ---------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def amount(value: float, unit: str) -> str:
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:.{digits}f} {unit}"


def header() -> None:
    print(f"{'':<54} {'figure':>12} {'floor':>12} {'ratio':>7}  target", flush=True)


def line(
    name: str, figure: str, floor: str, ratio: str, target: str, ok: bool | None = None
) -> None:
    """One figure; `ok` None for a figure printed only to read the others by."""
    verdict = "" if ok is None else "ok" if ok else "MISSED"
    text = f"{name:<54} {figure:>12} {floor:>12} {ratio:>7}  {target:<22} {verdict}"
    print(text.rstrip(), flush=True)


def compare(
    name: str, figure: float, floor: float, unit: str, limit: float, *, at_least: bool = False
) -> None:
    """The figure beside its floor, and their ratio against the target `limit`."""
    ratio = figure / floor
    ok = ratio >= limit if at_least else ratio <= limit
    target = f"{'>=' if at_least else '<='} {limit:g}x"
    line(name, amount(figure, unit), amount(floor, unit), f"{ratio:.2f}x", target, ok)


def inform(name: str, value: str) -> None:
    """A detail under a figure, with no target of its own."""
    print(f"  {name:<52} {value}".rstrip(), flush=True)
