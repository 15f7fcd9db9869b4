"""CSRF on every state-changing browser endpoint; the security headers on every page."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.test import Client

from tests.aftercall.factories import ended_call
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

STATE_CHANGING = [
    "/api/sessions",
    "/api/sessions/{id}/stream",
    "/api/sessions/{id}/end",
    "/api/sessions/{id}/analysis",
]


@pytest.fixture
def strict(alice) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


@pytest.mark.parametrize("url", STATE_CHANGING)
def test_api_posts_without_a_csrf_token_are_refused(strict, alice, url):
    call = ended_call(alice)
    body = json.dumps({"mode": "ai_agent"})

    response = strict.post(url.format(id=call.public_id), body, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    call.refresh_from_db()
    assert call.events.count() == 0


def test_sign_out_and_admin_actions_need_the_token_too(strict, charlie):
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(charlie)

    assert strict.post("/accounts/logout/").status_code == 403
    response = admin.post(
        "/admin/sessions_app/callsession/", {"action": "end_upstream", "_selected_action": [1]}
    )
    assert response.status_code == 403


def test_the_webhook_is_the_one_csrf_exempt_post(strict):
    assert (
        strict.post("/webhooks/kallglot", b"{}", content_type="application/json").status_code == 400
    )


@pytest.mark.parametrize("path", ["/", "/sessions/", "/accounts/login/", "/api/sessions/x"])
def test_every_page_sends_the_security_headers(client, alice, path):
    client.force_login(alice)

    response = client.get(path)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_hsts_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/healthz", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_pass_the_deploy_check():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kallglot_web.settings",
        "KALLGLOT_API_KEY": "sk_live_deploy-check",
        "KALLGLOT_WEBHOOK_SECRET": "whsec_placeholder_for_check",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-1234567890",
        "ALLOWED_HOSTS": "console.example.com",
        "SECURE_SSL_REDIRECT": "true",
        "SESSION_COOKIE_SECURE": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
