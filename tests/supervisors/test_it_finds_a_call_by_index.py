"""A search of History or the admin (a Kallglot id, the CRM's call, customer or ticket id, a
phone number as typed) is an index's lookup on SQLite and PostgreSQL alike: the database's own
plan of each search names the indexes and reads no call beside them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.models import CallSession, WebhookEvent
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SEARCHES = {
    "Kallglot id": ("sess_Y00000017", "kallglot_id"),
    "CRM call id": ("ext-00000017", "crm_call_id"),
    "customer id": ("CUST-00017", "crm_customer_id"),
    "ticket id": ("t-00000017", "crm_ticket_id"),
    "phone number": ("030 9018 0017", "customer_number"),
}


@pytest.fixture
def year(alice, bob) -> None:
    """300 calls, of two agents over two weeks."""
    now = timezone.now()
    CallSession.objects.bulk_create(
        CallSession(
            kallglot_id=f"sess_Y{n:08d}",
            agent=(alice, bob)[n % 2],
            mode="ai_agent",
            status="ended",
            created_at=now - timedelta(hours=n),
            customer_number=f"+49309018{n:04d}",
            metadata={
                "external_call_id": f"EXT-{n:08d}",
                "customer_id": f"CUST-{n:05d}",
                "ticket_id": f"T-{n:08d}",
            },
        )
        for n in range(300)
    )


def searches_of(client, url: str) -> list[str]:
    """The statements the page ran that search the calls by what was typed."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [
        query["sql"]
        for query in queries
        if "crm_customer_id" in query["sql"] and 'FROM "sessions_app_callsession"' in query["sql"]
    ]


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return "\n".join(row[-1] for row in cursor.fetchall())
        # Without statistics (ANALYZE would leave them to the tests after this one), a table
        # this small is read whole whatever its indexes; other plans are costed as they are.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_searches_by_index(sql: str, column: str) -> None:
    """The plan looks `column` up in an index, and reads the calls table no other way."""
    found = plan(sql)
    if connection.vendor == "sqlite":
        assert any("USING INDEX" in line and f"({column}=?)" in line for line in found.split("\n"))
        assert "SCAN sessions_app_callsession" not in found, found
    else:
        lines = found.split("\n")
        assert any("Index Cond" in line and column in line for line in lines), found
        assert "Seq Scan on sessions_app_callsession" not in found, found
        assert "Index Scan Backward using sessions_app_callsession_created_at" not in found


@pytest.mark.parametrize("kind", SEARCHES)
def test_historys_search_is_an_index_lookup(charlie, year, kind):
    text, column = SEARCHES[kind]

    (statement,) = searches_of(client_for(charlie), f"/sessions/?q={text}")

    assert_searches_by_index(statement, column)


@pytest.mark.parametrize("kind", SEARCHES)
def test_the_admins_search_is_an_index_lookup(charlie, year, kind):
    text, column = SEARCHES[kind]

    statements = searches_of(client_for(charlie), f"/admin/sessions_app/callsession/?q={text}")

    assert statements  # the page, and its count when the page has no room for every call
    for statement in statements:
        assert_searches_by_index(statement, column)


@pytest.mark.parametrize("kind", SEARCHES)
def test_each_search_finds_its_call(charlie, year, kind):
    text, _ = SEARCHES[kind]
    client = client_for(charlie)

    history = client.get(f"/sessions/?q={text}").context["page"].object_list
    admin = client.get(f"/admin/sessions_app/callsession/?q={text}").context["cl"].result_list

    assert [call.kallglot_id for call in history] == ["sess_Y00000017"]
    assert [call.kallglot_id for call in admin] == ["sess_Y00000017"]


def test_a_part_of_an_id_finds_nothing(charlie, year):
    client = client_for(charlie)

    assert list(client.get("/sessions/?q=CUST-0001").context["page"].object_list) == []


@pytest.fixture
def deliveries() -> None:
    WebhookEvent.objects.bulk_create(
        WebhookEvent(
            event_id=f"evt_{n}",
            event_type="session.ended",
            kallglot_session_id=f"sess_Y{n:08d}",
            body="{}",
            outcome="applied",
        )
        for n in range(300)
    )


def test_the_admins_webhook_search_is_an_index_lookup(charlie, deliveries):
    with CaptureQueriesContext(connection) as queries:
        response = client_for(charlie).get("/admin/sessions_app/webhookevent/?q=evt_1")
    assert response.status_code == 200

    assert [e.event_id for e in response.context["cl"].result_list] == ["evt_1"]
    (statement, *_) = [q["sql"] for q in queries if "sessions_app_webhookevent" in q["sql"]]
    found = plan(statement)
    assert "event_id" in found, found
    assert "kallglot_session_id" in found, found
    assert "SCAN sessions_app_webhookevent" not in found
    assert "Seq Scan on sessions_app_webhookevent" not in found
