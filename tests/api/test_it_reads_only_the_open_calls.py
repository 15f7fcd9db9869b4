"""The board's list of open calls and the console's (the calls that count against an agent's
limit) read only the calls of the last hours: the same queries with a year of calls behind
them as with none, each searching an index by time, never scanning the calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app import board, services
from sessions_app.models import CallSession
from tests.aftercall.factories import ended_call
from tests.api.test_limits import query_plan
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_calls(alice, bob) -> list[CallSession]:
    return [
        CallSession.objects.create(kallglot_id=f"sess_OPEN{n}", agent=agent, mode="ai_agent")
        for n, agent in enumerate((alice, bob))
    ]


def a_year(*agents: object) -> None:
    for day in range(1, 41):
        for agent in agents:
            ended_call(agent, created_at=timezone.now() - timedelta(days=day * 9))


def queries_of(read: object) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        read()
    return [query["sql"] for query in captured]


def test_the_boards_list_costs_the_same_with_a_year_behind_it(alice, bob, open_calls):
    before = queries_of(board.board_json)

    a_year(alice, bob)

    assert len(queries_of(board.board_json)) == len(before)
    assert [call["kallglot_id"] for call in board.live_sessions()] == ["sess_OPEN1", "sess_OPEN0"]


def test_the_boards_list_searches_the_calls_by_time(alice, bob, open_calls):
    a_year(alice, bob)
    (statement,) = [
        sql for sql in queries_of(board.live_sessions) if "sessions_app_callsession" in sql
    ]

    searches = query_plan(statement)  # and the joined agent's and route's, by their keys

    assert any("created_at" in search for search in searches), searches


def test_the_consoles_list_searches_the_agents_calls_by_time(alice, open_calls):
    a_year(alice)
    statements = queries_of(lambda: list(services.open_calls(alice)))

    searches = query_plan(statements[0])

    assert any("agent_id" in s and "created_at" in s for s in searches), searches


def test_the_console_and_the_board_pages_cost_the_same_with_a_year(
    alice, charlie, open_calls, django_assert_max_num_queries
):
    agent, supervisor = client_for(alice), client_for(charlie)
    pages = {agent: "/", supervisor: "/supervisor/"}
    before = {client: len(queries_of(lambda c=client: c.get(pages[c]))) for client in pages}

    a_year(alice)

    for client, url in pages.items():
        with django_assert_max_num_queries(before[client]):
            assert client.get(url).status_code == 200
