"""Bad deliveries are refused with a 4xx, and nothing is stored or applied."""

from __future__ import annotations

import json
import time

import pytest

from sessions_app.models import CallSession, WebhookEvent
from tests.webhooks.helpers import deliver, envelope, session_data, sign

pytestmark = pytest.mark.django_db

BODY = json.dumps(envelope("session.started", session_data("sess_X1", "active"))).encode()


def tampered() -> str:
    return sign(BODY.replace(b"active", b"ended"))


def signature_for(name: str) -> str | None:
    now = int(time.time())
    return {
        "missing": None,
        "empty": "",
        "no v1": f"t={now}",
        "no t": sign(BODY).split(",")[1],
        "garbage": "this is not a signature",
        "not hex": f"t={now},v1=zz",
        "t not a number": "t=abc,v1=" + "0" * 64,
        "wrong secret": sign(BODY, secret="whsec_someone_else"),
        "tampered body": tampered(),
        "stale": sign(BODY, t=now - 330),  # margins: the request may take a while under load
        "future": sign(BODY, t=now + 330),
    }[name]


@pytest.mark.parametrize(
    "name",
    [
        "missing",
        "empty",
        "no v1",
        "no t",
        "garbage",
        "not hex",
        "t not a number",
        "wrong secret",
        "tampered body",
        "stale",
        "future",
    ],
)
def test_it_refuses_a_bad_signature(client, name):
    response = deliver(client, BODY, signature=signature_for(name))

    assert response.status_code in (400, 401)
    assert response.json()["error"]["code"] in ("missing_signature", "invalid_signature")
    assert not WebhookEvent.objects.exists()


def test_it_accepts_a_signature_within_the_tolerance(client):
    response = deliver(client, BODY, signature=sign(BODY, t=int(time.time()) - 290))

    assert response.status_code == 200


def test_it_accepts_any_matching_v1_entry(client):
    good = sign(BODY)
    header = good.replace("v1=", "v1=" + "0" * 64 + ",v1=")

    assert deliver(client, BODY, signature=header).status_code == 200


def test_it_refuses_an_oversize_body_before_reading_it(client, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 1000
    body = json.dumps(envelope("x.y", {"pad": "a" * 2000})).encode()

    response = deliver(client, body)

    assert response.status_code == 413
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", "invalid_json"),
        (b"[1, 2, 3]", "invalid_event"),
        (b'{"type": "session.started", "data": {}}', "invalid_event"),
        (b'{"id": "evt_1", "data": {}}', "invalid_event"),
        (b'{"id": "", "type": "session.started"}', "invalid_event"),
        (b'{"id": 12, "type": "session.started"}', "invalid_event"),
    ],
)
def test_it_refuses_a_signed_body_that_is_not_an_event(client, body, code):
    response = deliver(client, body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    stored = WebhookEvent.objects.get()  # kept, known by a hash of its body
    assert (stored.event_type, stored.outcome) == ("unreadable", "failed")
    assert stored.body == body.decode()


def test_it_only_takes_post(client):
    assert client.get("/webhooks/kallglot").status_code == 405


def test_a_refused_delivery_changes_no_session(client, alice):
    session = CallSession.objects.create(kallglot_id="sess_X1", agent=alice, mode="ai_agent")

    deliver(client, BODY, signature=tampered())

    session.refresh_from_db()
    assert session.status == "created"
