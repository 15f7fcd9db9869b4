"""With KALLGLOT_SANDBOX off the app serves no sandbox route at all, REST or stream."""

from __future__ import annotations

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidStatus

from tests.conftest import start_daphne
from tests.sandbox.conftest import AUTH


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None):
    server = start_daphne(
        tmp_path_factory.mktemp("no-sandbox"),
        KALLGLOT_SANDBOX="false",
        KALLGLOT_API_KEY="sk_test_real_upstream_key",
        KALLGLOT_API_BASE="http://127.0.0.1:9/v1",
        KALLGLOT_WEBHOOK_SECRET="whsec_production_like",
        DJANGO_SECRET_KEY="a-production-like-secret-key-of-reasonable-length-0123456789",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", ""), ("POST", "sessions"), ("GET", "_control/sessions"), ("POST", "_control/reset")],
)
def test_it_serves_no_sandbox_url(live_app, live_server_daphne, method, path):
    off = httpx.request(method, f"{live_app.url}/sandbox/v1/{path}", headers=AUTH)
    on = httpx.request(method, f"{live_server_daphne.sandbox_base}/{path}", headers=AUTH)

    assert off.status_code == 404
    assert "X-Request-ID" not in off.headers  # Django's 404, not the sandbox's
    assert "X-Request-ID" in on.headers


async def test_it_opens_no_sandbox_stream(live_app):
    url = f"{live_app.ws_url}/sandbox/v1/sessions/sess_01HXYZ/connect?token=kst_test_x"

    with pytest.raises((InvalidStatus, InvalidHandshake, OSError)):
        async with connect(url, open_timeout=5) as ws:
            await ws.recv()
