"""A storm of 10,000 webhook deliveries, with duplicates, drops and shuffled order, while the
app's worker is killed and restarted mid-storm: the sandbox retries, and every event is
applied exactly once."""

from __future__ import annotations

import time

import pytest

from sessions_app.models import CallSession, SessionEvent, WebhookEvent
from tests.conftest import SandboxControl, free_port, start_daphne

pytestmark = pytest.mark.django_db(transaction=True)

STORM = 10_000
SESSIONS = 20


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_every_event_of_a_storm_is_applied_exactly_once(django_db_setup, tmp_path, alice):
    app_port = free_port()
    webhook_url = f"http://127.0.0.1:{app_port}/webhooks/kallglot"
    sandbox = start_daphne(
        tmp_path,
        app="kallglot_sandbox.asgi:application",
        ready_path="/v1/",
        KALLGLOT_SANDBOX_WEBHOOK_URL=webhook_url,
    )
    app = start_daphne(tmp_path, port=app_port, KALLGLOT_API_BASE=f"{sandbox.url}/v1")
    control = SandboxControl(f"{sandbox.url}/v1")
    try:
        ids = [control.call("POST", "sessions", json={"mode": "ai_agent"}).json()["id"]
               for _ in range(SESSIONS)]  # fmt: skip
        for kallglot_id in ids:
            CallSession.objects.create(kallglot_id=kallglot_id, agent=alice, mode="ai_agent")
        control.config(webhook_duplicate_rate=0.1, webhook_drop_rate=0.02)
        control.call("POST", "_control/webhooks/storm", json={"session_ids": ids, "count": STORM})

        wait_for(lambda: WebhookEvent.objects.count() > STORM // 3, 120, "a third of the storm")
        app.kill()
        time.sleep(0.5)
        app = start_daphne(tmp_path, port=app_port, KALLGLOT_API_BASE=f"{sandbox.url}/v1")

        applied = WebhookEvent.objects.filter(event_type="transcript.segment", outcome="applied")
        wait_for(lambda: applied.count() == STORM, 400, "every event applied")
    finally:
        app.stop()
        sandbox.stop()

    segments = SessionEvent.objects.filter(kind="transcript.segment")
    assert segments.count() == STORM
    assert len({(e.session_id, e.data["sequence"]) for e in segments}) == STORM
    storm = WebhookEvent.objects.filter(event_type="transcript.segment")
    assert storm.count() == STORM
    assert storm.exclude(outcome="applied").count() == 0
    repeated = storm.filter(deliveries__gt=1).count()
    assert repeated > STORM * 0.05  # duplicates and retries really happened
    for session in CallSession.objects.all():
        seqs = list(session.events.values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
