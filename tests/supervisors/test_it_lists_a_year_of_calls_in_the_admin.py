"""The admin's lists of calls and webhook deliveries with a year of rows: counts that stop at a
limit and estimate past it, filters from the configuration (no `DISTINCT` over the table), no
date drill-down, and the calls list on the last 30 days until a search, dates or its Date
filter say otherwise. Every filter and search still finds what it should."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app import changelists
from sessions_app.models import CallSession, WebhookEvent
from tests.aftercall.factories import ended_call
from tests.conftest import client_for
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db

CALLS = "/admin/sessions_app/callsession/"
DELIVERIES = "/admin/sessions_app/webhookevent/"


def ago(**delta: float) -> object:
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def calls(alice, bob) -> dict[str, CallSession]:
    return {
        "today": ended_call(alice, created_at=ago(hours=1), source_language="de"),
        "week": ended_call(bob, created_at=ago(days=5), target_language="fr", status="active"),
        "detected": ended_call(alice, created_at=ago(days=10), source_language=""),
        "old": ended_call(
            alice,
            created_at=ago(days=90),
            customer_number="+4930901820",
            metadata={"external_call_id": "ext-9", "customer_id": "cust-9", "ticket_id": "T-9"},
        ),
    }


def listed(client, url: str) -> list[object]:
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def names(calls: dict, found: list[CallSession]) -> list[str]:
    by_pk = {call.pk: name for name, call in calls.items()}
    return [by_pk[call.pk] for call in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["today", "week", "detected"]),  # the last 30 days
        ("?within=today", ["today"]),
        ("?within=7d", ["today", "week"]),
        ("?within=all", ["today", "week", "detected", "old"]),
        ("?status__exact=active", ["week"]),
        ("?source_language=de", ["today"]),
        ("?source_language=auto", ["detected"]),
        ("?target_language=fr", ["week"]),
        ("?mode__exact=bidirectional_translation&within=all", ["today", "week", "detected", "old"]),
        (
            "?created_at__gte=2026-01-01%2000%3A00%3A00%2B00%3A00",
            ["today", "week", "detected", "old"],
        ),  # dates: any time
        ("?q=EXT-9", ["old"]),  # a search looks through every call
        ("?q=cust-9", ["old"]),
        ("?q=t-9", ["old"]),
        ("?q=%2B49%2030%20901820", ["old"]),
        ("?q=030901820", ["old"]),
        ("?q=cust", []),
        ("?q=bob", ["week"]),
        ("?q=cust-9&within=7d", []),
    ],
)
def test_the_calls_list_filters_and_searches(charlie, calls, query, expected):
    assert names(calls, listed(client_for(charlie), CALLS + query)) == expected


def test_the_calls_list_offers_windows_and_the_configured_languages(charlie, calls, settings):
    settings.CONSOLE_LANGUAGES = ["en", "de", "ja"]

    page = client_for(charlie).get(CALLS).content.decode()

    for choice in ("Today", "Last 7 days", "Last 30 days", "Any time", "Japanese", "Detected"):
        assert choice in page
    assert "French" not in page  # stored on a call, but not offered
    assert 'class="xfull"' not in page  # no date drill-down


@pytest.mark.parametrize("url", [CALLS, CALLS + "?within=all", DELIVERIES])
def test_a_list_reads_no_distinct_and_counts_at_most_its_limit(charlie, calls, url, monkeypatch):
    monkeypatch.setattr(changelists, "COUNT_LIMIT", 2)
    with CaptureQueriesContext(connection) as queries:
        assert client_for(charlie).get(url).status_code == 200
    statements = [query["sql"] for query in queries]

    assert not any("DISTINCT" in sql for sql in statements), statements
    counts = [sql for sql in statements if "COUNT(" in sql]
    assert all(" LIMIT " in sql for sql in counts), counts


def test_past_its_limit_the_count_is_an_estimate(charlie, calls, monkeypatch):
    monkeypatch.setattr(changelists, "COUNT_LIMIT", 2)
    monkeypatch.setattr(changelists, "SQLITE_COUNT_LIMIT", 3)

    response = client_for(charlie).get(CALLS + "?within=all")

    paginator = response.context["cl"].paginator
    page = " ".join(response.content.decode().split())
    if connection.vendor == "sqlite":
        assert "more than 3 call sessions" in page
    else:
        assert paginator.estimated
        assert paginator.count >= 3
        assert f"about {paginator.count} call sessions" in page


def test_under_its_limit_the_count_is_exact(charlie, calls):
    response = client_for(charlie).get(CALLS)

    paginator = response.context["cl"].paginator
    assert not paginator.estimated
    assert not paginator.capped
    assert "> 3 call sessions" in " ".join(response.content.decode().split())


def test_the_calls_list_runs_a_fixed_number_of_queries(
    charlie, alice, django_assert_max_num_queries
):
    for hour in range(40):
        ended_call(alice, created_at=ago(hours=hour), metadata={"customer_id": f"c-{hour}"})
    client = client_for(charlie)
    client.get(CALLS)  # the session and the content types, once

    with django_assert_max_num_queries(12):
        client.get(CALLS)
    with django_assert_max_num_queries(12):
        client.get(CALLS + "?q=c-7")


@pytest.fixture
def deliveries(client, calls) -> None:
    for name in ("today", "old"):
        data = session_data(calls[name].kallglot_id, "ended")
        deliver(client, envelope("session.ended", data))
    deliver(client, envelope("session.teleported", session_data(calls["old"].kallglot_id, "x")))
    WebhookEvent.objects.filter(event_type="session.teleported").update(received_at=ago(days=90))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 3),
        ("?event_type=session.ended", 2),
        ("?event_type=session.teleported", 1),  # a type the app does not apply: by its name
        ("?outcome__exact=ignored", 1),
        ("?within=7d", 2),
        ("?within=all", 3),
    ],
)
def test_the_deliveries_list_filters(charlie, deliveries, query, expected):
    assert len(listed(client_for(charlie), DELIVERIES + query)) == expected


def test_the_deliveries_list_offers_the_types_the_app_applies(charlie, deliveries):
    page = client_for(charlie).get(DELIVERIES).content.decode()

    assert "transcript.segment" in page  # none stored, but the app applies it
    assert "?event_type=session.teleported" not in page  # stored, but not offered


def test_the_deliveries_list_searches_whole_ids(charlie, deliveries, calls):
    event = WebhookEvent.objects.filter(event_type="session.teleported").get()
    client = client_for(charlie)

    assert listed(client, f"{DELIVERIES}?q={event.event_id}") == [event]
    by_call = listed(client, f"{DELIVERIES}?q={calls['old'].kallglot_id}")
    assert len(by_call) == 2
    assert listed(client, f"{DELIVERIES}?q={event.event_id[:-2]}") == []
