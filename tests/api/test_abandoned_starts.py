"""POST /api/sessions/abandon: a page that clicked Start went away before it learned of the
call, so the call that click makes is ended, whether its create has finished or not."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create(client, key: str):
    body = json.dumps({"mode": "bidirectional_translation"})
    return client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def abandon(client, key: str):
    """As the console's beacon sends it: a form with the CSRF token and the click's key."""
    return client.post("/api/sessions/abandon", {"idempotency_key": key})


def test_it_ends_a_call_whose_create_has_finished(sandbox, alice):
    client = client_for(alice)
    created = create(client, "click-1").json()

    response = abandon(client, "click-1")

    assert response.status_code == 200
    assert response.json()["session"]["id"] == created["id"]
    assert response.json()["session"]["status"] == "ended"
    assert sandbox.session(created["kallglot_id"])["status"] == "ended"


def test_a_create_that_finishes_after_the_page_left_ends_its_call(sandbox, alice):
    client = client_for(alice)
    assert abandon(client, "click-1").json() == {"session": None}

    created = create(client, "click-1")

    assert created.status_code == 201
    assert created.json()["status"] == "ended"
    assert created.json()["stream"] is None
    call = CallSession.objects.get()
    assert call.status == "ended"
    assert sandbox.session(call.kallglot_id)["status"] == "ended"


def test_it_takes_the_key_as_the_create_does(sandbox, alice):
    client = client_for(alice)
    created = create(client, "click-1").json()

    response = client.post("/api/sessions/abandon", HTTP_IDEMPOTENCY_KEY="click-1")

    assert response.json()["session"]["status"] == "ended"
    assert sandbox.session(created["kallglot_id"])["status"] == "ended"


def test_it_leaves_other_clicks_and_other_agents_alone(sandbox, alice, bob):
    alices = create(client_for(alice), "click-1").json()
    create(client_for(alice), "click-2")
    bobs_client = client_for(bob)

    assert abandon(bobs_client, "click-1").json() == {"session": None}
    assert create(bobs_client, "click-2").json()["status"] == "created"

    assert CallSession.objects.filter(status="ended").count() == 0
    assert sandbox.session(alices["kallglot_id"])["status"] != "ended"


def test_it_needs_the_key(alice):
    response = client_for(alice).post("/api/sessions/abandon", {})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "missing_idempotency_key"


def test_it_refuses_a_key_the_create_would_refuse(alice):
    response = abandon(client_for(alice), "a key with spaces")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


def test_it_is_only_for_signed_in_agents_with_a_csrf_token(alice, client):
    assert abandon(client, "click-1").status_code == 401
    strict = client_for(alice)
    strict.handler.enforce_csrf_checks = True

    response = abandon(strict, "click-1")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
