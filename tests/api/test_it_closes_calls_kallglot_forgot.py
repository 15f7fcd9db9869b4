"""A call Kallglot no longer knows (404: it lost the call, say in a restart) is closed here by
every way out, once, with the reason `upstream_lost`; it then stops counting against limits."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sessions_app import services
from sessions_app.models import CallSession, SessionEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def start(client, key: str = "a") -> dict:
    body = json.dumps({"mode": "bidirectional_translation"})
    response = client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def forgotten(sandbox, alice) -> CallSession:
    """Alice's live call, which the sandbox has since forgotten."""
    call = start(client_for(alice))
    sandbox.call("POST", f"_control/sessions/{call['kallglot_id']}/forget")
    return CallSession.objects.get(public_id=call["id"])


def ended_events(session: CallSession) -> list[SessionEvent]:
    return list(SessionEvent.objects.filter(session=session, kind="session.ended"))


def test_the_agents_end_closes_it_here_once(alice, forgotten):
    client = client_for(alice)

    first = client.post(f"/api/sessions/{forgotten.public_id}/end")
    again = client.post(f"/api/sessions/{forgotten.public_id}/end")

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "ended"
    assert first.json()["end_reason"] == "upstream_lost"
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.end_reason) == ("ended", "upstream_lost")
    [event] = ended_events(forgotten)
    assert event.data["reason"] == "upstream_lost"
    assert event.data["label"] == "Kallglot no longer knew this call"
    assert event.actor == alice


def test_a_supervisors_end_closes_it_here(charlie, forgotten):
    response = client_for(charlie).post(f"/api/sessions/{forgotten.public_id}/end")

    assert response.status_code == 200
    [event] = ended_events(forgotten)
    assert (event.data["reason"], event.data["by"]) == ("upstream_lost", "charlie")


def test_once_closed_it_no_longer_counts_against_the_limit(alice, forgotten, settings):
    settings.MAX_LIVE_SESSIONS_PER_AGENT = 1
    client = client_for(alice)
    body = json.dumps({"mode": "bidirectional_translation"})
    refused = client.post("/api/sessions", body, content_type="application/json")
    assert refused.status_code == 429

    client.post(f"/api/sessions/{forgotten.public_id}/end")

    assert start(client, "b")["status"] == "created"
    assert list(services.open_calls(alice)) != [forgotten]


def test_asking_for_a_fresh_stream_closes_it_and_says_it_ended(alice, forgotten):
    response = client_for(alice).post(f"/api/sessions/{forgotten.public_id}/stream")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"
    forgotten.refresh_from_db()
    assert forgotten.end_reason == "upstream_lost"
    assert len(ended_events(forgotten)) == 1


def test_a_refresh_closes_it_and_records_the_refresh(charlie, forgotten):
    services.session_refresh(session=forgotten, actor=charlie)

    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.end_reason) == ("ended", "upstream_lost")
    kinds = list(forgotten.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["session.ended", "action.refresh"]


def test_the_stale_sweep_closes_a_forgotten_stale_call(forgotten):
    CallSession.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )
    out = io.StringIO()

    call_command("end_stale_sessions", stdout=out, stderr=io.StringIO())

    assert "ended 1 stale session(s)" in out.getvalue()
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.end_reason) == ("ended", "upstream_lost")


def test_the_sweep_closes_a_forgotten_call_of_any_age(sandbox, alice, forgotten):
    kept = start(client_for(alice), "b")  # Kallglot still knows this one
    out = io.StringIO()

    call_command("end_stale_sessions", stdout=out, stderr=io.StringIO())

    assert "closed 1 session(s) Kallglot no longer knows" in out.getvalue()
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.end_reason) == ("ended", "upstream_lost")
    assert CallSession.objects.get(public_id=kept["id"]).status == "created"
    assert len(ended_events(forgotten)) == 1
