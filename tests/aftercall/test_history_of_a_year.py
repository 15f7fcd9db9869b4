"""History with a year of calls: it opens on the last 30 days (the Date filter widens it, a
search or dates look through every call), pages "Older"/"Newer" from the calls it shows
rather than by an offset, and never counts the calls it lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def ago(**delta: float) -> object:
    return timezone.now() - timedelta(**delta)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/sessions/{query}")
    assert response.status_code == 200
    return [call.kallglot_id for call in response.context["page"].object_list]


@pytest.fixture
def year(alice) -> dict[str, object]:
    return {
        "hour": ended_call(alice, created_at=ago(hours=1)),
        "week": ended_call(alice, created_at=ago(days=6)),
        "month": ended_call(alice, created_at=ago(days=20)),
        "old": ended_call(alice, created_at=ago(days=200), metadata={"customer_id": "CUST-OLD"}),
    }


def names(year: dict, kallglot_ids: list[str]) -> list[str]:
    by_id = {call.kallglot_id: name for name, call in year.items()}
    return [by_id[kallglot_id] for kallglot_id in kallglot_ids]


def test_it_opens_on_the_last_30_days(alice, year):
    response = client_for(alice).get("/sessions/")

    assert names(year, listed(client_for(alice))) == ["hour", "week", "month"]
    assert "Last 30 days, newest first" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?within=7d", ["hour", "week"]),
        ("?within=30d", ["hour", "week", "month"]),
        ("?within=all", ["hour", "week", "month", "old"]),
        ("?q=cust-old", ["old"]),  # a search looks through every call
        ("?q=cust-old&within=30d", []),  # unless a window is chosen
        (
            f"?since={(timezone.now() - timedelta(days=365)):%Y-%m-%d}",
            ["hour", "week", "month", "old"],
        ),
        ("?within=nonsense", ["hour", "week", "month"]),
    ],
)
def test_the_date_filter_widens_or_narrows_it(alice, year, query, expected):
    assert names(year, listed(client_for(alice), query)) == expected


def test_today_starts_at_local_midnight(alice, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: "today" is rarely UTC's today
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = ended_call(alice, created_at=midnight + timedelta(seconds=1))
    ended_call(alice, created_at=midnight - timedelta(seconds=1))

    assert listed(client_for(alice), "?within=today") == [today.kallglot_id]


def test_an_empty_window_offers_every_call(alice, year):
    page = client_for(alice).get("/sessions/?within=today&status=active").content.decode()

    assert "No calls match" in page
    assert "within=all" in page


def test_it_pages_older_and_newer_from_the_calls_it_shows(alice):
    # 60 calls, some sharing an instant: a page boundary may fall between them.
    start = ago(hours=2)
    calls = [ended_call(alice, created_at=start + timedelta(minutes=n // 3)) for n in range(60)]
    newest_first = [call.kallglot_id for call in reversed(calls)]
    client = client_for(alice)

    first = client.get("/sessions/").context["page"]
    second = client.get(f"/sessions/?before={first.oldest.public_id}").context["page"]
    third = client.get(f"/sessions/?before={second.oldest.public_id}").context["page"]
    back = client.get(f"/sessions/?after={third.newest.public_id}").context["page"]

    pages = [[call.kallglot_id for call in page.object_list] for page in (first, second, third)]
    assert pages[0] + pages[1] + pages[2] == newest_first
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [call.kallglot_id for call in back.object_list] == pages[1]
    assert (first.has_newer, first.has_older, third.has_older, back.has_newer) == (
        False,
        True,
        False,
        True,
    )


def test_its_links_carry_the_filters_and_the_call_to_page_from(alice):
    for minute in range(30):
        ended_call(alice, mode="ai_agent", created_at=ago(minutes=minute))
    client = client_for(alice)

    response = client.get("/sessions/?mode=ai_agent")
    oldest = response.context["page"].oldest

    assert f'href="?mode=ai_agent&amp;before={oldest.public_id}" rel="next"' in (
        response.content.decode()
    )
    assert len(listed(client, f"?mode=ai_agent&before={oldest.public_id}")) == 5


def test_a_call_it_may_not_see_is_no_place_to_page_from(alice, bob):
    mine = ended_call(alice, created_at=ago(hours=1))
    theirs = ended_call(bob, created_at=ago(hours=2))

    assert listed(client_for(alice), f"?before={theirs.public_id}") == [mine.kallglot_id]


def test_it_never_counts_the_calls(alice, charlie, year):
    for client in (client_for(alice), client_for(charlie)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sessions/?q=CUST-OLD").status_code == 200
        assert not any("COUNT(" in query["sql"].upper() for query in queries), queries
