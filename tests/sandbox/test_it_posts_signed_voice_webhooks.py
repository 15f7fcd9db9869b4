"""`POST _control/twilio/calls` makes a CallSid and posts Twilio's voice webhook to the app:
form-encoded, with Twilio's fields, signed as Twilio signs (checked with the `twilio` package)."""

from __future__ import annotations

import re

from twilio.request_validator import RequestValidator

NUMBER, CALLER = "+4930901820", "+4915112345678"


def test_it_posts_a_signed_voice_webhook_with_twilios_fields(sandbox_api, twilio_app):
    response = sandbox_api.post("_control/twilio/calls", json={"to": NUMBER, "from": CALLER})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"call_sid", "status"}
    assert re.fullmatch(r"CA[0-9a-f]{32}", body["call_sid"])
    assert body["status"] == "ringing"
    voice = twilio_app.voice_webhooks()[0]
    assert voice.signed
    assert voice.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert re.fullmatch(r"AC[0-9a-f]{32}", voice.params["AccountSid"])
    assert voice.params == {
        "AccountSid": voice.params["AccountSid"],
        "ApiVersion": "2010-04-01",
        "CallSid": body["call_sid"],
        "CallStatus": "ringing",
        "Called": NUMBER,
        "Caller": CALLER,
        "Direction": "inbound",
        "From": CALLER,
        "To": NUMBER,
    }


def test_its_signature_fails_with_another_token_or_url(sandbox_api, twilio_app):
    sandbox_api.ring()
    voice = twilio_app.voice_webhooks()[0]
    signature = voice.headers["x-twilio-signature"]

    assert (
        RequestValidator("a-token-that-is-not-the-apps").validate(
            twilio_app.voice_url, voice.params, signature
        )
        is False
    )
    assert (
        RequestValidator("twilio-test-auth-token-0123456789ab").validate(
            twilio_app.status_url, voice.params, signature
        )
        is False
    )


def test_it_gives_each_call_its_own_sid(sandbox_api, twilio_app):
    first, second = sandbox_api.ring(), sandbox_api.ring()

    assert first != second
    sids = {request.params["CallSid"] for request in twilio_app.voice_webhooks(count=2)}
    assert sids == {first, second}
