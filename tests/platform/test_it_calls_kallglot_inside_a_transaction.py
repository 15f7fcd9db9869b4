"""A request that calls Kallglot inside a transaction gets its answer, also when the one
process serving it is the sandbox that answers: the call needs another request of the same
process to run meanwhile (tests/platform/atomic_urls.py holds the view)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import WEBHOOK_SINK, LiveServer, start_daphne
from tests.live_agents import signed_in, start_call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(django_db_setup: None, tmp_path) -> Iterator[LiveServer]:
    """One process, the in-memory channel layer; a stuck call gives up within seconds."""
    server = start_daphne(
        tmp_path,
        DJANGO_SETTINGS_MODULE="tests.platform.atomic_settings",
        REDIS_URL="",
        KALLGLOT_SANDBOX_WEBHOOK_URL=WEBHOOK_SINK,
        KALLGLOT_DEADLINE="5",
        KALLGLOT_TIMEOUT_READ="4",
    )
    yield server
    server.stop()


def test_it_gets_kallglots_answer_inside_a_transaction(server, alice):
    agent = signed_in(server, alice)
    call = start_call(agent, "a-call").json()

    response = agent.get(f"/test/atomic-call/{call['kallglot_id']}")

    assert response.status_code == 200, response.text
    assert response.json() == {"id": call["kallglot_id"], "status": call["status"]}
