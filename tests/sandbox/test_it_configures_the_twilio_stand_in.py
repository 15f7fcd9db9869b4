"""The Twilio stand-in's settings: the app's URLs under APP_BASE_URL unless `_control/config`
(or the KALLGLOT_SANDBOX_TWILIO_* settings) say otherwise; an auth token it never shows; no call
without one (409); a call body it cannot use is a 400 naming the field."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.sandbox.conftest import AUTH


def test_it_calls_the_app_under_app_base_url_by_default(sandbox_api, live_server_daphne):
    config = sandbox_api.control("GET", "config")

    assert config["twilio_voice_url"] == f"{live_server_daphne.url}/telephony/twilio/voice"
    assert config["twilio_status_url"] == f"{live_server_daphne.url}/telephony/twilio/status"


def test_it_shows_the_auth_token_only_as_set(sandbox_api):
    changed = sandbox_api.config(
        twilio_voice_url="http://127.0.0.1:9/voice", twilio_auth_token="a-secret-token"
    )

    assert changed["twilio_voice_url"] == "http://127.0.0.1:9/voice"
    assert changed["twilio_auth_token"] == "[redacted]"
    assert "a-secret-token" not in sandbox_api.get("_control/config").text
    bad = sandbox_api.post("_control/config", json={"twilio_auth_token": ""})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({}, "to"),
        ({"to": "030 901820"}, "to"),
        ({"to": "+4930901820", "from": "anonymous"}, "from"),
        ({"to": "+4930901820", "caller_hangup_after_s": -1}, "caller_hangup_after_s"),
        ({"to": "+4930901820", "ring": True}, "ring"),
    ],
)
def test_it_refuses_a_call_it_cannot_place(sandbox_api, twilio_app, body, param):
    response = sandbox_api.post("_control/twilio/calls", json=body)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert sandbox_api.control("GET", "twilio/calls")["data"] == []


def test_it_needs_the_key(sandbox_api, twilio_app):
    response = sandbox_api.client.post(
        f"{sandbox_api.base}/_control/twilio/calls", json={"to": "+4930901820"}
    )

    assert response.status_code == 401
    assert twilio_app.requests == []


def test_it_places_no_call_without_an_auth_token(settings):
    """In-process, where the settings are this test's: no TWILIO_AUTH_TOKEN, no override."""
    settings.TWILIO_AUTH_TOKEN = ""
    client = Client(headers=AUTH)
    client.post("/sandbox/v1/_control/reset")

    response = client.post(
        "/sandbox/v1/_control/twilio/calls", {"to": "+4930901820"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert "TWILIO_AUTH_TOKEN must be set" in response.json()["error"]["message"]
    assert client.get("/sandbox/v1/_control/twilio/calls").json()["data"] == []


def test_it_lists_the_calls_it_placed(sandbox_api, twilio_app):
    first, second = sandbox_api.ring(), sandbox_api.ring(to="+14155550123")

    listed = sandbox_api.control("GET", "twilio/calls")["data"]

    assert [(c["call_sid"], c["to"]) for c in listed] == [
        (first, "+4930901820"),
        (second, "+14155550123"),
    ]
    assert listed[0]["voice_url"] == twilio_app.voice_url
    assert "auth_token" not in str(listed)
    assert sandbox_api.get("_control/twilio/calls/CA0000").status_code == 404


def test_it_takes_another_account_sid(sandbox_api, twilio_app):
    other = "AC" + "ab" * 16

    changed = sandbox_api.config(twilio_account_sid=other)
    call = sandbox_api.twilio_call(sandbox_api.ring())

    assert (changed["twilio_account_sid"], call["account_sid"]) == (other, other)
    bad = sandbox_api.post("_control/config", json={"twilio_account_sid": "AC123"})
    assert bad.status_code == 400


def test_it_uses_the_apps_account_sid(settings):
    """In-process: without a sandbox setting, the app's own TWILIO_ACCOUNT_SID is the account
    its Calls API logs in and its calls carry, as TWILIO_AUTH_TOKEN is the token."""
    settings.KALLGLOT_SANDBOX_TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_ACCOUNT_SID = "AC" + "cd" * 16
    client = Client(headers=AUTH)
    client.post("/sandbox/v1/_control/reset")

    config = client.get("/sandbox/v1/_control/config").json()

    assert config["twilio_account_sid"] == settings.TWILIO_ACCOUNT_SID
