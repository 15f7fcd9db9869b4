"""The paths an agent's day repeats most run a fixed, small number of queries, whatever the
history holds: a query added to one of them shows up here before it shows up in bench/."""

from __future__ import annotations

import json

import pytest

from sessions_app import services
from sessions_app.models import CallSession
from tests.aftercall.factories import ended_call
from tests.conftest import client_for
from tests.webhooks.helpers import deliver, envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(alice) -> list[CallSession]:
    return [ended_call(alice) for _ in range(30)]


@pytest.fixture
def live(alice) -> CallSession:
    session = CallSession.objects.create(kallglot_id="sess_HOT", agent=alice, mode="ai_agent")
    for kind in ("session.created", "session.started"):
        services.record_event(session, kind, {})
    return session


def test_a_create(sandbox, alice, history, django_assert_max_num_queries):
    client = client_for(alice)
    body = json.dumps({"mode": "bidirectional_translation"})
    with django_assert_max_num_queries(15):  # the route is looked up too
        response = client.post(
            "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
        )
    assert response.status_code == 201


def test_a_caption_webhook(client, live, django_assert_max_num_queries):
    data = {"session_id": "sess_HOT", "sequence": 1, "speaker": "agent", "text": "Hello"}
    with django_assert_max_num_queries(10):
        response = deliver(client, envelope("transcript.segment", data))
    assert response.json()["outcome"] == "applied"


def test_the_call_api_get(alice, live, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(2):
        response = client.get(f"/api/sessions/{live.public_id}")
    assert response.json()["last_event_seq"] == 2


def test_the_events_after_a_gap(alice, live, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(3):
        response = client.get(f"/api/sessions/{live.public_id}/events?after=0")
    assert [event["seq"] for event in response.json()["events"]] == [1, 2]


def test_the_history_page(alice, history, django_assert_max_num_queries):
    client = client_for(alice)
    with django_assert_max_num_queries(8):
        response = client.get("/sessions/?within=all")  # the calls are from T0, months ago
    assert len(response.context["rows"]) == 25
