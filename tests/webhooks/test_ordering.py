"""Whatever order a session's lifecycle events arrive in, the final state is the same."""

from __future__ import annotations

import itertools

import pytest

from sessions_app.models import CallSession
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db

STARTED = "2026-03-26T11:00:15Z"
ENDED = "2026-03-26T11:04:20Z"
NAMES = ("created", "started", "ended", "transcript")


def lifecycle(kallglot_id: str) -> dict[str, dict]:
    ended = session_data(kallglot_id, "ended", started_at=STARTED, ended_at=ENDED, duration=245.0)
    return {
        "created": envelope("session.created", session_data(kallglot_id, "created")),
        "started": envelope(
            "session.started", session_data(kallglot_id, "active", started_at=STARTED)
        ),
        "ended": envelope("session.ended", ended),
        "transcript": envelope("transcript.ready", {"session_id": kallglot_id}),
    }


@pytest.fixture
def upstream_session(sandbox) -> str:
    """An ended sandbox session, so the transcript can be re-read upstream."""
    kallglot_id = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()["id"]
    sandbox.call("POST", f"sessions/{kallglot_id}/end")
    return kallglot_id


@pytest.mark.parametrize("order", list(itertools.permutations(NAMES)))
def test_every_order_ends_in_the_same_state(client, alice, upstream_session, order):
    session = CallSession.objects.create(kallglot_id=upstream_session, agent=alice, mode="ai_agent")
    events = lifecycle(upstream_session)

    for name in order:
        assert deliver(client, events[name]).status_code == 200

    session.refresh_from_db()
    assert session.status == "ended"
    assert session.started_at.isoformat() == "2026-03-26T11:00:15+00:00"
    assert session.ended_at.isoformat() == "2026-03-26T11:04:20+00:00"
    assert session.duration_seconds == 245.0
    assert session.transcript_status == "completed"
    kinds = sorted(session.events.values_list("kind", flat=True))
    assert kinds == ["session.ended", "session.started", "transcript.ready"]
    assert sorted(session.events.values_list("seq", flat=True)) == [1, 2, 3]


def test_a_late_start_does_not_reopen_an_ended_session(client, alice):
    session = CallSession.objects.create(kallglot_id="sess_O1", agent=alice, mode="ai_agent")
    events = lifecycle("sess_O1")
    deliver(client, events["ended"])
    deliver(client, events["started"])

    session.refresh_from_db()
    assert session.status == "ended"
