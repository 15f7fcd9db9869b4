"""Neither the API key, the webhook secret nor the Twilio auth token reaches the browser: not in
any response header or body of a whole call, not in a stream message, not in any static file
the app serves."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Response, WebSocket

from tests.conftest import SandboxControl
from tests.e2e.pages import ConsolePage

pytestmark = pytest.mark.e2e


def secrets() -> list[str]:
    values = [
        settings.KALLGLOT_API_KEY,
        settings.KALLGLOT_WEBHOOK_SECRET,
        settings.TWILIO_AUTH_TOKEN,
    ]
    assert all(len(value) >= 8 for value in values)
    return values


def record_response(seen: list[tuple[str, str]], response: Response) -> None:
    headers = "\n".join(f"{k}: {v}" for k, v in response.all_headers().items())
    try:
        body = response.body().decode("utf-8", errors="replace")
    except PlaywrightError:  # a redirect has no body to read
        body = ""
    seen.append((response.url, f"{response.status}\n{headers}\n\n{body}"))


def record_socket(seen: list[tuple[str, str]], socket: WebSocket) -> None:
    socket.on("framereceived", lambda payload: seen.append((socket.url, str(payload))))
    socket.on("framesent", lambda payload: seen.append((socket.url, str(payload))))


def static_paths() -> list[str]:
    """Every file the server serves under STATIC_URL: the finders' and STATIC_ROOT's."""
    paths = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    root = Path(settings.STATIC_ROOT)
    if root.is_dir():
        paths |= {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return sorted(path.replace("\\", "/") for path in paths)


def test_it_keeps_the_secrets_out_of_everything_the_browser_gets(
    console: ConsolePage, upstream: SandboxControl, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[tuple[str, str]] = []
    console.page.on("response", lambda response: record_response(seen, response))
    console.page.on("websocket", lambda socket: record_socket(seen, socket))
    console.page.reload()  # the console page itself, its scripts and stylesheet
    console.wait_for_state("idle")

    console.page.click("#start")
    console.wait_for_state("live")
    console.final_caption("customer")
    console.page.click("#end")
    console.wait_for_state("ended")
    # Each click waits for its own page: waiting for "load" alone can return before the
    # navigation starts, while the page it leaves is still loaded (flaky on a busy machine).
    console.page.get_by_role("link", name="Open this call in History").click()
    console.page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]+/$"))
    console.page.get_by_role("link", name="History").first.click()
    console.page.wait_for_url(f"{console.server.url}/sessions/")
    console.page.goto(f"{console.server.url}/accounts/login/")

    # One log line per file fetched (140 of them) would bury a failure's message in CI's log.
    caplog.set_level(logging.WARNING, logger="httpx")
    with httpx.Client(base_url=console.server.url, timeout=10) as client:
        for path in static_paths():
            response = client.get(f"{settings.STATIC_URL}{path}")
            assert response.status_code == 200, path
            seen.append((str(response.url), f"{response.headers}\n{response.text}"))

    urls = {url for url, _ in seen}
    paths = {url.removeprefix(console.server.url) for url in urls}
    assert {"/", "/api/sessions", "/static/js/console.js", "/sessions/"} <= paths
    assert any(path.startswith("/sessions/") and path != "/sessions/" for path in paths)
    assert any(url.startswith("ws") for url in urls)
    for secret in secrets():
        leaks = [url for url, text in seen if secret in text]
        assert leaks == [], f"a secret appears in {leaks}"
