"""Failed deliveries are retried on the §4.6 schedule (scaled by KALLGLOT_SANDBOX_RETRY_SCALE)."""

from __future__ import annotations

import time

from django.conf import settings

from tests.sandbox.receiver import signature_ok


def test_it_retries_after_a_500_with_the_same_delivery(sandbox_api, receiver):
    receiver.statuses = [500]
    sandbox_api.create_session()

    first, second = receiver.wait_for(lambda got: len(got) >= 2)[:2]

    assert first.body == second.body
    assert second.headers["kallglot-webhook-id"] == first.headers["kallglot-webhook-id"]
    assert (first.headers["kallglot-retry-count"], second.headers["kallglot-retry-count"]) == (
        "0",
        "1",
    )
    assert (
        second.headers["kallglot-original-timestamp"]
        == first.headers["kallglot-original-timestamp"]
    )
    assert signature_ok(
        settings.KALLGLOT_WEBHOOK_SECRET, second.headers["kallglot-signature"], second.body
    )
    assert second.received_at - first.received_at >= 60 * 0.001 * 0.9
    time.sleep(0.3)
    assert len(receiver.deliveries) == 2  # delivered: no third attempt
    log = [(e["attempt"], e["status_code"]) for e in sandbox_api.webhook_log(at_least=2)]
    assert log == [(1, 500), (2, 200)]


def test_it_retries_when_nothing_answers(sandbox_api):
    sandbox_api.config(webhook_url="http://127.0.0.1:9/closed")
    sandbox_api.create_session()

    log = sandbox_api.webhook_log(at_least=3)

    assert [entry["attempt"] for entry in log[:3]] == [1, 2, 3]
    assert {entry["event_id"] for entry in log} == {log[0]["event_id"]}
    assert all(entry["status_code"] is None and entry["error"] for entry in log)
