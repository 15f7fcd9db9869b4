"""History shows inbound calls as they went: a missed call (no agent) to supervisors only, with
how long the caller waited and why it was missed; the caller on the call's line; and every
filed call's disposition. Supervisors filter by missed calls and by disposition."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Disposition
from tests.aftercall.factories import ended_call
from tests.conftest import client_for
from tests.inbound.calls import filed, inbound_call, missed_call

pytestmark = pytest.mark.django_db


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/sessions/{query}")
    assert response.status_code == 200
    return [call.kallglot_id for call in response.context["page"].object_list]


def row_of(page: str, session) -> list[str]:
    """The text of each cell of the call's row."""
    start = page.index(f'data-session="{session.public_id}"')
    cells = page[start : page.index("</tr>", start)].split("<td")[1:]
    return [" ".join(re.sub(r"<[^>]*>", " ", "<td" + cell).split()) for cell in cells]


@pytest.fixture
def calls(alice, bob):
    minutes = iter(range(10))
    start = timezone.now() - timedelta(hours=1)  # within History's default 30 days

    def at() -> object:
        return start + timedelta(minutes=next(minutes))

    return {
        "console": ended_call(alice, created_at=at()),
        "answered": filed(inbound_call(alice, created_at=at()), "Billing question", "Refund"),
        "timed out": missed_call("queue_timeout", 42.4, created_at=at()),
        "hung up": missed_call("caller_hung_up", 75, created_at=at()),
        "bobs": filed(inbound_call(bob, created_at=at()), "Complaint"),
    }


def names(calls: dict, kallglot_ids: list[str]) -> list[str]:
    by_id = {call.kallglot_id: name for name, call in calls.items()}
    return [by_id[kallglot_id] for kallglot_id in kallglot_ids]


def test_a_supervisor_sees_missed_calls_with_the_wait_and_the_reason(calls, charlie):
    page = client_for(charlie).get("/sessions/").content.decode()

    _when, agent, status, line, *_ = row_of(page, calls["timed out"])
    assert agent == "—"
    assert status == "Missed — waited 42 s (queue timeout)"
    assert line == "German line from +49 30 123456"
    assert row_of(page, calls["hung up"])[2] == "Missed — waited 1 min 15 s (caller hung up)"


def test_an_agent_sees_only_their_own_calls_never_missed_ones(calls, alice):
    client = client_for(alice)

    assert names(calls, listed(client)) == ["answered", "console"]
    assert names(calls, listed(client, "?calls=missed")) == ["answered", "console"]
    assert "Missed calls" not in client.get("/sessions/").content.decode()


def test_the_disposition_column_and_the_caller(calls, charlie):
    page = client_for(charlie).get("/sessions/").content.decode()

    answered = row_of(page, calls["answered"])
    assert answered[2] == "Ended Answered after 12 s"
    assert answered[3] == "German line from +49 30 123456"
    assert answered[7] == "Billing question"
    assert answered[8] == "\N{EN DASH}"  # the call's own facts are no CRM references
    assert row_of(page, calls["console"])[7] == "\N{EN DASH}"  # not filed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?calls=missed", ["hung up", "timed out"]),
        ("?calls=inbound", ["bobs", "hung up", "timed out", "answered"]),
        ("?calls=answered", ["bobs", "answered"]),
        ("?calls=console", ["console"]),
        ("?calls=missed&agent=alice", []),
        ("?disposition=none", ["hung up", "timed out", "console"]),
        ("?q=%2B4930123456", ["bobs", "hung up", "timed out", "answered"]),
    ],
)
def test_a_supervisor_filters_by_how_calls_went(calls, charlie, query, expected):
    assert names(calls, listed(client_for(charlie), query)) == expected


def test_a_supervisor_filters_by_disposition(calls, charlie):
    complaint = Disposition.objects.get(label="Complaint")

    assert names(calls, listed(client_for(charlie), f"?disposition={complaint.pk}")) == ["bobs"]
