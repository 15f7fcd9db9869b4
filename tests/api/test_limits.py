"""Per-agent limits: each session costs an upstream credit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app import services
from sessions_app.models import OPEN_WINDOW, CallSession
from sessions_app.validation import SessionRequest
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def create(client, key: str):
    body = json.dumps({"mode": "bidirectional_translation"})
    return client.post(
        "/api/sessions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_it_limits_how_many_calls_an_agent_starts_per_minute(sandbox, alice, bob, settings):
    settings.SESSION_CREATE_PER_MINUTE = 2
    client = client_for(alice)
    assert [create(client, key).status_code for key in ("a", "b")] == [201, 201]

    response = create(client, "c")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert "open_calls" not in response.json()["error"]  # they would not help
    assert 1 <= int(response["Retry-After"]) <= 60
    assert create(client_for(bob), "a").status_code == 201
    assert len(sandbox.sessions()) == 3


def test_a_replayed_click_does_not_count_against_the_limit(sandbox, alice, settings):
    settings.SESSION_CREATE_PER_MINUTE = 1
    client = client_for(alice)

    assert create(client, "a").status_code == 201
    assert create(client, "a").status_code == 201


def test_it_limits_open_calls_per_agent(sandbox, alice, settings):
    settings.MAX_LIVE_SESSIONS_PER_AGENT = 1
    client = client_for(alice)
    first = create(client, "a").json()

    refused = create(client, "b")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_live_sessions"
    assert "reload" not in refused.json()["error"]["message"]
    assert refused.json()["error"]["open_calls"] == [
        {
            "id": first["id"],
            "kallglot_id": first["kallglot_id"],
            "started_at": CallSession.objects.get(
                kallglot_id=first["kallglot_id"]
            ).created_at.isoformat(),
            "detail_url": f"/sessions/{first['id']}/",
        }
    ]
    assert refused["Retry-After"]

    client.post(f"/api/sessions/{first['id']}/end")
    assert create(client, "c").status_code == 201


def a_call(agent, age: timedelta, **fields) -> CallSession:
    return CallSession.objects.create(
        kallglot_id=f"sess_OLD{CallSession.objects.count()}",
        agent=agent,
        mode="ai_agent",
        created_at=timezone.now() - age,
        **fields,
    )


def test_calls_started_over_a_minute_ago_do_not_count_against_the_rate(sandbox, alice, settings):
    settings.SESSION_CREATE_PER_MINUTE = 1
    a_call(alice, timedelta(seconds=61), status="ended")

    assert create(client_for(alice), "a").status_code == 201


def test_retry_after_is_when_the_oldest_call_of_the_minute_leaves_it(sandbox, alice, settings):
    settings.SESSION_CREATE_PER_MINUTE = 1
    a_call(alice, timedelta(seconds=50), status="ended")

    response = create(client_for(alice), "a")

    assert response.status_code == 429
    assert 9 <= int(response["Retry-After"]) <= 11


def test_an_open_call_older_than_the_live_window_is_not_counted(sandbox, alice, settings):
    settings.MAX_LIVE_SESSIONS_PER_AGENT = 1
    a_call(alice, OPEN_WINDOW + timedelta(minutes=1))  # never ended upstream-side
    client = client_for(alice)

    assert create(client, "a").status_code == 201
    refused = create(client, "b")
    assert refused.json()["error"]["code"] == "too_many_live_sessions"


def test_the_create_reads_only_the_calls_it_counts(alice):
    """The repeat-click lookup and both limits search an index on the agent *and* the key
    or the time: an agent with a year of calls must not make every create read all of them.
    """
    click = SessionRequest("ai_agent", "", "", {})
    with CaptureQueriesContext(connection) as queries:
        services.session_reserve(agent=alice, request=click, idempotency_key="a-click")
    statements = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and "sessions_app_callsession" in query["sql"]
    ]

    assert len(statements) == 3  # the repeat, the minute's count, the open count
    for statement in statements:
        (search,) = query_plan(statement)
        assert "agent_id" in search, search
        assert "idempotency_key" in search or "created_at" in search, search


def query_plan(sql: str) -> list[str]:
    """How the database finds the rows of each part: an index search's condition."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall() if "callsession" in row[-1]]
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is otherwise scanned
        cursor.execute(f"EXPLAIN {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    assert not any("Filter" in line and "agent_id" in line for line in lines), lines
    return [line for line in lines if "Index Cond" in line]


def test_the_console_lists_the_open_calls_that_count_against_the_limit(alice, bob):
    counted = a_call(alice, timedelta(minutes=5), status="active")
    newest = a_call(alice, timedelta(minutes=4), status="active")
    a_call(alice, timedelta(minutes=3), status="ended")
    a_call(alice, OPEN_WINDOW + timedelta(minutes=1))
    a_call(bob, timedelta(minutes=2))

    response = client_for(alice).get("/")

    html = response.content.decode()
    assert html.count('data-session-id="') == 1
    assert f'data-session-id="{counted.public_id}"' in html
    assert "js/open-calls.js" in html
    # The newest the console takes back (test_it_takes_a_live_call_back.py), not listed.
    assert response.context["console_config"]["resume"]["id"] == str(newest.public_id)


def test_the_console_shows_no_list_without_open_calls(alice):
    a_call(alice, timedelta(minutes=3), status="ended")

    html = client_for(alice).get("/").content.decode()

    assert 'id="open-calls"' not in html
    assert "js/open-calls.js" not in html
