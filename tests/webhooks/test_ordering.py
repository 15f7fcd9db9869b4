"""Whatever order a session's lifecycle events arrive in, the final state is the same."""

from __future__ import annotations

import itertools

import pytest

from sessions_app.models import CallSession
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db

STARTED = "2026-03-26T11:00:15Z"
ENDED = "2026-03-26T11:04:20Z"
LIFECYCLE = {
    "created": envelope("session.created", session_data("sess_O1", "created"), "evt_c"),
    "started": envelope(
        "session.started", session_data("sess_O1", "active", started_at=STARTED), "evt_s"
    ),
    "ended": envelope(
        "session.ended",
        session_data("sess_O1", "ended", started_at=STARTED, ended_at=ENDED, duration=245.0),
        "evt_e",
    ),
    "transcript": envelope("transcript.ready", {"session_id": "sess_O1"}, "evt_t"),
}


@pytest.mark.parametrize("order", list(itertools.permutations(LIFECYCLE)))
def test_every_order_ends_in_the_same_state(client, alice, order):
    session = CallSession.objects.create(kallglot_id="sess_O1", agent=alice, mode="ai_agent")

    for name in order:
        assert deliver(client, LIFECYCLE[name]).status_code == 200

    session.refresh_from_db()
    assert session.status == "ended"
    assert session.started_at.isoformat() == "2026-03-26T11:00:15+00:00"
    assert session.ended_at.isoformat() == "2026-03-26T11:04:20+00:00"
    assert session.duration_seconds == 245.0
    kinds = sorted(session.events.values_list("kind", flat=True))
    assert kinds == ["session.ended", "session.started", "transcript.ready"]
    assert sorted(session.events.values_list("seq", flat=True)) == [1, 2, 3]


def test_a_late_start_does_not_reopen_an_ended_session(client, alice):
    session = CallSession.objects.create(kallglot_id="sess_O1", agent=alice, mode="ai_agent")
    deliver(client, LIFECYCLE["ended"])
    deliver(client, LIFECYCLE["started"])

    session.refresh_from_db()
    assert session.status == "ended"
