"""A supervisor's History of inbound calls (missed, answered and filed) runs as many queries
for a full page as for a few rows: each row's queue stay and disposition come with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import client_for
from tests.inbound.calls import filed, inbound_call, missed_call

pytestmark = pytest.mark.django_db


def some_calls(agent: object, rounds: int) -> None:
    for number in range(rounds):
        missed_call()
        filed(inbound_call(agent), f"Outcome {number % 3}", "A note")


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# Of any time: the calls are made at T0, months ago.
@pytest.mark.parametrize(
    "url",
    ["/sessions/?within=all", "/sessions/?calls=missed&within=all", "/sessions/?within=all&page=2"],
)
def test_a_full_page_costs_what_a_few_rows_cost(alice, charlie, url, django_assert_max_num_queries):
    client = client_for(charlie)
    some_calls(alice, 2)
    few = queries_of(client, url)

    some_calls(alice, 30)

    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 6
