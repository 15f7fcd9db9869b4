"""The suite-wide scanner really catches a leak (so its silence means something)."""

from __future__ import annotations

import logging

from django.http import HttpResponse

from tests import secrets_scan


def caught(action) -> list[str]:
    before = len(secrets_scan.leaks)
    action()
    found = secrets_scan.leaks[before:]
    del secrets_scan.leaks[before:]
    return found


def test_every_in_process_response_passes_the_scanner(settings):
    assert settings.MIDDLEWARE[0] == "tests.secrets_scan.ScanResponses"


def test_it_catches_the_key_in_a_body_header_or_cookie(settings):
    def respond(response: HttpResponse) -> None:
        secrets_scan.ScanResponses(lambda request: response)(
            type("R", (), {"method": "GET", "path": "/x"})()
        )

    body = HttpResponse(f"key={settings.KALLGLOT_API_KEY}")
    header = HttpResponse("ok", headers={"X-Debug": settings.KALLGLOT_WEBHOOK_SECRET})
    cookie = HttpResponse("ok")
    cookie.set_cookie("c", settings.KALLGLOT_API_KEY)

    assert len(caught(lambda: respond(body))) == 1
    assert len(caught(lambda: respond(header))) == 1
    assert len(caught(lambda: respond(cookie))) == 1
    assert caught(lambda: respond(HttpResponse("nothing to see"))) == []


def test_it_catches_the_secret_in_a_log_record(settings):
    logger = logging.getLogger("tests.leaky")

    found = caught(lambda: logger.warning("signing with %s", settings.KALLGLOT_WEBHOOK_SECRET))

    assert found == ["log record from tests.leaky contains KALLGLOT_WEBHOOK_SECRET"]


def test_it_catches_the_twilio_auth_token(settings):
    logger = logging.getLogger("tests.leaky")
    token = settings.TWILIO_AUTH_TOKEN
    assert len(token) >= 16
    respond = secrets_scan.ScanResponses(lambda request: HttpResponse(f"<Say>{token}</Say>"))

    in_a_log = caught(lambda: logger.warning("validating with %s", token))
    in_a_response = caught(lambda: respond(type("R", (), {"method": "POST", "path": "/x"})()))

    assert in_a_log == ["log record from tests.leaky contains TWILIO_AUTH_TOKEN"]
    assert in_a_response == ["response to POST /x contains TWILIO_AUTH_TOKEN"]


def test_static_files_hold_no_secret(settings):
    from pathlib import Path

    files = [
        p
        for root in (settings.STATICFILES_DIRS[0], settings.STATIC_ROOT)
        for p in Path(root).rglob("*")
        if p.is_file()
    ]
    assert files
    for path in files:
        assert secrets_scan.found_in(path.read_bytes().decode("latin-1"), str(path)) == []
