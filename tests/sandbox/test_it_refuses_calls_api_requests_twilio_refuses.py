"""The Calls API stand-in refuses what Twilio refuses, with Twilio's JSON error: wrong or missing
credentials (401, 20003), another account's URL, a bad `To` (21211), no `Url` (21205), a bad
`Method`, `StatusCallbackEvent` or `Timeout`, TwiML sources it does not play, unknown calls
and URLs (404, 20404). Nothing refused places a call."""

from __future__ import annotations

import pytest
from django.test import Client as DjangoClient
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from kallglot_sandbox.twilio_client import SandboxTwilioHttpClient
from tests.sandbox.twilio_app import AUTH_TOKEN

CUSTOMER, CENTRE = "+4917612345678", "+4930901821"
SID = "CA" + "0" * 32


def calls_url(sandbox_api, account_sid: str) -> str:
    return f"{sandbox_api.base}/twilio/2010-04-01/Accounts/{account_sid}/Calls.json"


def no_calls(sandbox_api) -> bool:
    return sandbox_api.control("GET", "twilio/calls")["data"] == []


def test_a_wrong_auth_token_is_20003(sandbox_api, twilio_app):
    http_client = SandboxTwilioHttpClient(sandbox_api.base, timeout=10)
    client = Client(sandbox_api.twilio_account_sid(), "not-the-token", http_client=http_client)

    with pytest.raises(TwilioRestException) as refused:
        client.calls.create(to=CUSTOMER, from_=CENTRE, url=twilio_app.voice_url)

    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert no_calls(sandbox_api)


def test_no_credentials_are_20003_in_twilios_shape(sandbox_api, twilio_app):
    form = {"To": CUSTOMER, "From": CENTRE, "Url": twilio_app.voice_url}

    response = sandbox_api.client.post(
        calls_url(sandbox_api, sandbox_api.twilio_account_sid()), data=form
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    body = response.json()
    assert (body["code"], body["message"], body["status"]) == (20003, "Authenticate", 401)
    assert body["more_info"] == "https://www.twilio.com/docs/errors/20003"
    assert no_calls(sandbox_api)


def test_another_accounts_url_is_refused(sandbox_api, twilio_app):
    other = "AC" + "1" * 32
    form = {"To": CUSTOMER, "From": CENTRE, "Url": twilio_app.voice_url}

    response = sandbox_api.client.post(
        calls_url(sandbox_api, other),
        data=form,
        auth=(sandbox_api.twilio_account_sid(), AUTH_TOKEN),
    )

    assert (response.status_code, response.json()["code"]) == (401, 20003)
    assert no_calls(sandbox_api)


def test_nobody_logs_in_without_an_auth_token(settings):
    """In-process, where the settings are this test's: no TWILIO_AUTH_TOKEN, no override."""
    settings.TWILIO_AUTH_TOKEN = ""
    client = DjangoClient()
    account_sid = "AC" + "5a4db0c5" * 4
    url = f"/sandbox/v1/twilio/2010-04-01/Accounts/{account_sid}/Calls.json"

    response = client.post(url, {"To": CUSTOMER}, HTTP_AUTHORIZATION="Basic QUM6")

    assert (response.status_code, response.json()["code"]) == (401, 20003)
    assert "TWILIO_AUTH_TOKEN" in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"to": "030 12345678"}, 21211),
        ({"to": "sip:alice@example.com"}, 21211),
        ({"from_": "anonymous"}, 21212),
        ({"url": None}, 21205),
        ({"url": "/telephony/twilio/voice"}, 21205),
        ({"method": "PUT"}, 21209),
        ({"status_callback_method": "DELETE"}, 21209),
        ({"status_callback_event": ["picked-up"]}, 21626),
        ({"timeout": 0}, 21208),
        ({"twiml": "<Response><Hangup/></Response>"}, 21200),
        ({"application_sid": "AP" + "0" * 32}, 21200),
        ({"machine_detection": "Enable"}, 21200),
    ],
)
def test_it_refuses_a_call_twilio_would_refuse(
    sandbox_api, twilio_app, twilio_client, fields, code
):
    request = {"to": CUSTOMER, "from_": CENTRE, "url": twilio_app.voice_url} | fields
    request = {name: value for name, value in request.items() if value is not None}

    with pytest.raises(TwilioRestException) as refused:
        twilio_client.calls.create(**request)

    assert (refused.value.status, refused.value.code) == (400, code)
    assert no_calls(sandbox_api)


def test_a_missing_number_is_named(sandbox_api, twilio_app):
    auth = (sandbox_api.twilio_account_sid(), AUTH_TOKEN)
    url = calls_url(sandbox_api, auth[0])

    no_to = sandbox_api.client.post(url, data={"From": CENTRE}, auth=auth)
    no_from = sandbox_api.client.post(url, data={"To": CUSTOMER}, auth=auth)

    assert (no_to.status_code, no_to.json()["code"]) == (400, 21201)
    assert (no_from.status_code, no_from.json()["code"]) == (400, 21213)


def test_an_unknown_call_is_20404(sandbox_api, twilio_app, twilio_client):
    with pytest.raises(TwilioRestException) as refused:
        twilio_client.calls(SID).fetch()

    assert (refused.value.status, refused.value.code) == (404, 20404)


def test_an_update_other_than_the_status_is_refused(sandbox_api, twilio_app, twilio_client):
    sid = twilio_client.calls.create(to=CUSTOMER, from_=CENTRE, url=twilio_app.voice_url).sid

    with pytest.raises(TwilioRestException) as refused:
        twilio_client.calls(sid).update(twiml="<Response><Hangup/></Response>")

    assert (refused.value.status, refused.value.code) == (400, 21200)


def test_other_twilio_resources_are_not_stood_in(sandbox_api, twilio_app):
    auth = (sandbox_api.twilio_account_sid(), AUTH_TOKEN)
    url = f"{sandbox_api.base}/twilio/2010-04-01/Accounts/{auth[0]}/Messages.json"

    response = sandbox_api.client.get(url, auth=auth)

    assert (response.status_code, response.json()["code"]) == (404, 20404)
