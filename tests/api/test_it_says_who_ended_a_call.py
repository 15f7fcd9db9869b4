"""The end reason says who ended a call (its agent, a supervisor by name, the customer, Kallglot),
and History, the call's page and the API show it in words."""

from __future__ import annotations

import json

import pytest

from sessions_app import end_reasons
from sessions_app.models import CallSession
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(sandbox, alice) -> CallSession:
    body = json.dumps({"mode": "bidirectional_translation"})
    response = client_for(alice).post("/api/sessions", body, content_type="application/json")
    return CallSession.objects.get(public_id=response.json()["id"])


def end(user, call: CallSession) -> dict:
    response = client_for(user).post(f"/api/sessions/{call.public_id}/end")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_agents_end_is_the_agents(alice, call):
    body = end(alice, call)

    assert body["end_reason"] == "ended_by_agent"
    assert body["end_reason_label"] == "Ended by the agent"
    event = call.events.get(kind="session.ended")
    assert event.data["by"] == "alice"
    assert event.label == "Ended by the agent"


def test_a_supervisors_end_names_the_supervisor(charlie, call):
    charlie.first_name, charlie.last_name = "Charlie", "Day"
    charlie.save()

    body = end(charlie, call)

    assert body["end_reason"] == "ended_by_supervisor"
    event = call.events.get(kind="session.ended")
    assert (event.actor, event.data["by"]) == (charlie, "Charlie Day")
    assert event.data["label"] == "Ended by supervisor Charlie Day"


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("ended_by_user", "Ended in the app (by the agent or a supervisor)"),  # stored before
        ("ended_by_supervisor", "Ended by a supervisor"),
        ("customer_hung_up", "The customer hung up"),
        ("idle_timeout", "Ended by Kallglot after a long silence"),
        ("upstream_lost", "Kallglot no longer knew this call"),
        ("some_new_reason", "Some new reason"),
        ("", ""),
    ],
)
def test_every_reason_has_words(reason, words):
    assert end_reasons.words(reason) == words


def test_history_and_the_calls_page_say_why_it_ended(alice, call):
    CallSession.objects.filter(pk=call.pk).update(status="ended", end_reason="ended_by_user")
    client = client_for(alice)

    history = client.get("/sessions/").content.decode()
    page = client.get(f"/sessions/{call.public_id}/").content.decode()

    assert "Ended in the app (by the agent or a supervisor)" in history
    assert "ended_by_user" not in history
    assert '<dd id="detail-end-reason">Ended in the app (by the agent or a supervisor)</dd>' in page
