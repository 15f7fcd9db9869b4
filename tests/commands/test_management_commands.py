"""Management commands: reprocess failed deliveries, re-sync a session, end stale ones."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sessions_app.models import CallSession, WebhookEvent
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def upstream_call(sandbox, alice) -> CallSession:
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    return CallSession.objects.create(kallglot_id=upstream["id"], agent=alice, mode="ai_agent")


def test_reprocess_applies_failed_deliveries(client, upstream_call, sandbox):
    sandbox.call("POST", f"sessions/{upstream_call.kallglot_id}/end")
    sandbox.fault("sessions.retrieve", 503, "unavailable", count=2)
    deliver(client, envelope("session.ended", session_data(upstream_call.kallglot_id, "ended")))
    assert WebhookEvent.objects.get().outcome == "failed"

    assert run("reprocess_webhooks") == "reprocessed 1, still failing 0\n"

    upstream_call.refresh_from_db()
    assert upstream_call.status == "ended"
    assert WebhookEvent.objects.get().outcome == "applied"


def test_resync_reads_the_session_upstream(upstream_call, sandbox):
    sandbox.call("POST", f"sessions/{upstream_call.kallglot_id}/end")

    output = run("resync_session", upstream_call.kallglot_id)

    assert output == f"{upstream_call.kallglot_id}: ended\n"
    upstream_call.refresh_from_db()
    assert upstream_call.transcript_status == "completed"
    assert run("resync_session", str(upstream_call.public_id)).endswith(": ended\n")


def test_resync_says_when_there_is_no_such_session(db):
    with pytest.raises(CommandError, match="no session sess_NOPE"):
        run("resync_session", "sess_NOPE")


def test_stale_sessions_are_ended_upstream(upstream_call, sandbox, alice):
    fresh = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    CallSession.objects.create(kallglot_id=fresh["id"], agent=alice, mode="ai_agent")
    CallSession.objects.filter(pk=upstream_call.pk).update(
        created_at=timezone.now() - timedelta(hours=5)
    )

    assert run("end_stale_sessions", "--older-than", "240") == (
        "ended 1 stale session(s)\nended 0 session(s) whose customer hung up\n"
        "closed 0 session(s) Kallglot no longer knows\n"
    )

    assert sandbox.session(upstream_call.kallglot_id)["status"] == "ended"
    assert sandbox.session(fresh["id"])["status"] == "created"
    upstream_call.refresh_from_db()
    assert (upstream_call.status, upstream_call.end_reason) == ("ended", "stale")
