"""Framing only by configured CRM origins; Partitioned cookies when embedding is on."""

from __future__ import annotations

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("frame-ancestors"))


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/sessions/", "/healthz"])
def test_no_one_may_frame_the_app_by_default(alice, path):
    response = client_for(alice).get(path)

    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_console_tells_the_page_which_origins_it_may_talk_to(alice, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://crm.example"]

    response = client_for(alice).get("/")

    assert response.context["console_config"]["embed"] == {
        "allowed_origins": ["https://crm.example"]
    }


def test_partitioned_session_and_csrf_cookies_when_embedding(client, alice, settings):
    settings.EMBED_ALLOWED_ORIGINS = ["https://crm.example"]
    settings.SESSION_COOKIE_SAMESITE = settings.CSRF_COOKIE_SAMESITE = "None"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    login = client.get("/accounts/login/")
    signed_in = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct-horse-battery-9"}
    )

    csrf = login.cookies["csrftoken"].output()
    session = signed_in.cookies["sessionid"].output()
    for header in (csrf, session):
        assert "SameSite=None" in header
        assert "Secure" in header
        assert header.endswith("; Partitioned")


def test_cookies_are_not_partitioned_without_embedding(client, alice):
    login = client.get("/accounts/login/")

    assert "Partitioned" not in login.cookies["csrftoken"].output()
