"""/sessions/: own calls for agents, everyone's for supervisors, filtered and searchable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.aftercall.factories import T0, ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def listed(client, query: str = "?within=all") -> list[str]:
    """The calls History lists for `query` (by default of any time: the factories' calls are
    from T0, months ago)."""
    response = client.get(f"/sessions/{query}")
    assert response.status_code == 200
    return [call.kallglot_id for call in response.context["page"].object_list]


def test_it_requires_sign_in(client):
    response = client.get("/sessions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_agent_sees_only_their_calls_newest_first(alice, bob):
    older = ended_call(alice, created_at=T0)
    newer = ended_call(alice, created_at=T0 + timedelta(hours=1))
    ended_call(bob)

    assert listed(client_for(alice)) == [newer.kallglot_id, older.kallglot_id]


def test_a_supervisor_sees_everyones_calls_and_can_filter_by_agent(alice, bob, charlie):
    mine = ended_call(alice)
    theirs = ended_call(bob)
    client = client_for(charlie)

    assert set(listed(client)) == {mine.kallglot_id, theirs.kallglot_id}
    assert listed(client, "?agent=bob&within=all") == [theirs.kallglot_id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=active&within=all", ["live"]),
        ("?mode=ai_agent&within=all", ["ai"]),
        ("?language=de&within=all", ["german"]),
        ("?since=2026-03-27", ["later"]),
        ("?until=2026-03-26", ["live", "ai", "german", "phone", "crm"]),
        ("?q=CALL-42", ["crm"]),
        ("?q=cust-7", ["crm"]),
        ("?q=TICK-1", ["crm"]),
        ("?q=tick", []),  # a whole id, not a part of one
        ("?q=sess_LATER", ["later"]),
        ("?q=%2B49%2030%20901820", ["phone"]),
        ("?q=030%20901820", ["phone"]),  # as typed in Germany
        ("?status=nonsense&within=all", ["later", "live", "ai", "german", "phone", "crm"]),
    ],
)
def test_it_filters_and_searches(alice, query, expected):
    calls = {
        "crm": ended_call(
            alice,
            metadata={
                "external_call_id": "call-42",
                "customer_id": "cust-7",
                "ticket_id": "tick-1",
            },
        ),
        "phone": ended_call(alice, customer_number="+4930901820"),
        "german": ended_call(alice, source_language="de", created_at=T0 + timedelta(minutes=1)),
        "ai": ended_call(alice, mode="ai_agent", created_at=T0 + timedelta(minutes=2)),
        "live": ended_call(alice, status="active", created_at=T0 + timedelta(minutes=3)),
        "later": ended_call(alice, kallglot_id="sess_LATER", created_at=T0 + timedelta(days=2)),
    }
    names = {call.kallglot_id: name for name, call in calls.items()}

    assert [names[kallglot_id] for kallglot_id in listed(client_for(alice), query)] == expected


def test_it_pages_through_many_calls(alice):
    for minute in range(30):
        ended_call(alice, created_at=T0 + timedelta(minutes=minute))
    client = client_for(alice)

    first, second = listed(client), listed(client, "?within=all&page=2")

    assert (len(first), len(second)) == (25, 5)
    assert not set(first) & set(second)
