"""Detail, stream and end: the owner and supervisors may, everyone else gets 404."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.models import CallSession, SessionEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(sandbox, alice) -> dict:
    body = json.dumps({"mode": "bidirectional_translation", "source_language": "en"})
    response = client_for(alice).post("/api/sessions", body, content_type="application/json")
    assert response.status_code == 201
    return response.json()


def test_the_owner_and_a_supervisor_see_the_session_without_its_token(call, alice, charlie):
    for user in (alice, charlie):
        response = client_for(user).get(f"/api/sessions/{call['id']}")
        assert response.status_code == 200
        assert response.json()["kallglot_id"] == call["kallglot_id"]
        assert "stream" not in response.json()
        assert response.json()["agent"] == "alice"


def test_an_agents_own_call_is_found_without_asking_about_supervisors(call, alice):
    client = client_for(alice)
    client.get(f"/api/sessions/{call['id']}")  # the sign-in session is now cached

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/sessions/{call['id']}")

    assert response.status_code == 200
    statements = [query["sql"] for query in queries]
    assert not [sql for sql in statements if "auth_group" in sql or "auth_permission" in sql]
    assert len(statements) == 2  # the user, the call


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("post", "/stream"), ("post", "/end"), ("get", "/events")],
)
def test_another_agent_gets_404_everywhere(call, bob, sandbox, method, suffix):
    response = getattr(client_for(bob), method)(f"/api/sessions/{call['id']}{suffix}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert sandbox.session(call["kallglot_id"])["status"] == "created"


def test_an_unknown_id_gets_404(alice, db):
    response = client_for(alice).get(f"/api/sessions/{uuid.uuid4()}")

    assert response.status_code == 404


def test_the_owner_gets_fresh_stream_credentials(call, alice):
    response = client_for(alice).post(f"/api/sessions/{call['id']}/stream")

    assert response.status_code == 200
    stream = response.json()["stream"]
    assert stream["url"] == call["stream"]["url"]
    assert stream["token"].startswith("kst_")
    assert stream["token"] != call["stream"]["token"]


def test_only_the_agent_on_the_call_streams_audio(call, charlie):
    response = client_for(charlie).post(f"/api/sessions/{call['id']}/stream")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_your_call"


def test_ending_ends_upstream_and_is_safe_to_repeat(call, alice, sandbox):
    client = client_for(alice)
    first = client.post(f"/api/sessions/{call['id']}/end")
    second = client.post(f"/api/sessions/{call['id']}/end")

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "ended"
    assert first.json()["ended_at"]
    assert sandbox.session(call["kallglot_id"])["status"] == "ended"
    session = CallSession.objects.get()
    kinds = list(SessionEvent.objects.filter(session=session).values_list("kind", "actor"))
    assert kinds == [("session.created", None), ("session.ended", alice.pk)]


def test_a_supervisor_can_end_an_agents_call(call, charlie, sandbox):
    response = client_for(charlie).post(f"/api/sessions/{call['id']}/end")

    assert response.status_code == 200
    assert sandbox.session(call["kallglot_id"])["status"] == "ended"


def test_an_ended_call_gets_no_new_stream_credentials(call, alice):
    client = client_for(alice)
    client.post(f"/api/sessions/{call['id']}/end")

    response = client.post(f"/api/sessions/{call['id']}/stream")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"


def test_a_call_ended_upstream_is_recorded_when_credentials_are_asked_for(call, alice, sandbox):
    sandbox.call("POST", f"sessions/{call['kallglot_id']}/end")

    response = client_for(alice).post(f"/api/sessions/{call['id']}/stream")

    assert response.status_code == 409
    assert CallSession.objects.get().status == "ended"


def test_events_come_in_order_after_a_given_number(call, alice):
    client = client_for(alice)
    client.post(f"/api/sessions/{call['id']}/end")

    everything = client.get(f"/api/sessions/{call['id']}/events").json()
    later = client.get(f"/api/sessions/{call['id']}/events?after=1").json()
    bad = client.get(f"/api/sessions/{call['id']}/events?after=-1")

    assert [e["seq"] for e in everything["events"]] == [1, 2]
    assert [e["kind"] for e in later["events"]] == ["session.ended"]
    assert everything["last_event_seq"] == 2
    assert bad.status_code == 400
