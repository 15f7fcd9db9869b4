"""Twilio's webhooks are believed only when X-Twilio-Signature verifies, as Twilio computes it
(the twilio package's own RequestValidator) for the public URL and the centre's auth token;
anything else is a 403 in the JSON error envelope and changes nothing, here or upstream."""

from __future__ import annotations

import pytest
from django.conf import settings

from sessions_app.models import CallSession, QueuedCall, WebhookEvent
from tests.telephony.inbound import (
    STATUS,
    VOICE,
    from_twilio,
    make_queue,
    status_form,
    twilio_signature,
    twiml,
    voice_form,
)

pytestmark = pytest.mark.django_db

FORGERIES = ["wrong token", "tampered field", "other host", "other path", "query added"]


def forged(client, path: str, form: dict, forgery: str) -> object:
    url = f"{settings.APP_BASE_URL}{path}"
    if forgery == "wrong token":
        return from_twilio(client, path, form, token="f" * 32)
    if forgery == "tampered field":
        return tampered(client, path, form)
    if forgery == "other host":
        return from_twilio(client, path, form, url=f"https://evil.example{path}")
    if forgery == "other path":
        other = STATUS if path == VOICE else VOICE
        return from_twilio(client, path, form, url=f"{settings.APP_BASE_URL}{other}")
    return from_twilio(client, path, form, url=f"{url}?to=elsewhere")


def tampered(client, path: str, form: dict) -> object:
    """Signed for `form`, sent with another caller number."""
    signature = twilio_signature(f"{settings.APP_BASE_URL}{path}", form)
    changed = form | {"From": "+4917099999999"}
    return client.post(path, changed, HTTP_X_TWILIO_SIGNATURE=signature)


def assert_refused(response: object) -> None:
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "invalid_signature"


def assert_nothing_made(sandbox) -> None:
    assert not CallSession.objects.exists()
    assert not QueuedCall.objects.exists()
    assert not WebhookEvent.objects.exists()
    assert sandbox.sessions() == []


@pytest.fixture
def queue(db):
    return make_queue(greeting="Willkommen.")


def test_a_signed_voice_webhook_is_answered_with_twiml(client, sandbox, queue):
    response = from_twilio(client, VOICE, voice_form())

    assert twiml(response).find("./Connect/Stream") is not None
    assert QueuedCall.objects.count() == 1
    assert len(sandbox.sessions()) == 1


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_voice_webhook_is_refused(client, sandbox, queue, forgery):
    response = forged(client, VOICE, voice_form(), forgery)

    assert_refused(response)
    assert_nothing_made(sandbox)


def test_a_voice_webhook_without_a_signature_is_refused(client, sandbox, queue):
    response = client.post(VOICE, voice_form())

    assert_refused(response)
    assert_nothing_made(sandbox)


def test_without_an_auth_token_every_webhook_is_refused(client, sandbox, queue, settings):
    settings.TWILIO_AUTH_TOKEN = ""

    response = from_twilio(client, VOICE, voice_form())  # signed with the empty token

    assert_refused(response)
    assert_nothing_made(sandbox)


def test_a_signed_status_callback_is_stored(client, sandbox, queue):
    response = from_twilio(client, STATUS, status_form(voice_form()["CallSid"], "in-progress"))

    assert response.status_code == 204
    assert WebhookEvent.objects.count() == 1


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_status_callback_is_refused(client, sandbox, queue, forgery):
    response = forged(client, STATUS, status_form(voice_form()["CallSid"], "completed"), forgery)

    assert_refused(response)
    assert_nothing_made(sandbox)


def test_a_status_callback_without_a_signature_is_refused(client, sandbox, queue):
    response = client.post(STATUS, status_form(voice_form()["CallSid"], "completed"))

    assert_refused(response)
    assert_nothing_made(sandbox)


@pytest.mark.parametrize("path", [VOICE, STATUS])
def test_only_post_is_allowed(client, sandbox, queue, path):
    response = client.get(path)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert_nothing_made(sandbox)
