"""Webhook faults for tests: duplicates, a reversed end of call, dropped first attempts."""

from __future__ import annotations

import time

from tests.sandbox.receiver import Delivery


def end_a_recorded_call(sandbox_api) -> dict:
    session = sandbox_api.create_session(recording={"enabled": True})
    sandbox_api.post(f"sessions/{session['id']}/end")
    return session


def types(deliveries: list[Delivery]) -> list[str]:
    return [delivery.type for delivery in deliveries]


def test_it_sends_each_event_twice_when_asked(sandbox_api, receiver):
    sandbox_api.config(webhook_duplicate_rate=1)
    sandbox_api.create_session()

    first, second = receiver.wait_for(lambda got: len(got) >= 2)[:2]

    assert first.event["id"] == second.event["id"]
    assert first.body == second.body
    assert first.headers["kallglot-webhook-id"] != second.headers["kallglot-webhook-id"]


def test_it_delivers_the_end_of_a_call_in_reverse_when_asked(sandbox_api, receiver):
    sandbox_api.config(webhook_reorder=True)
    end_a_recorded_call(sandbox_api)

    deliveries = receiver.wait_for(lambda got: len(got) >= 4)

    assert types(deliveries) == [
        "session.created",
        "recording.ready",
        "transcript.ready",
        "session.ended",
    ]


def test_it_keeps_the_end_of_a_call_in_order_by_default(sandbox_api, receiver):
    end_a_recorded_call(sandbox_api)

    deliveries = receiver.wait_for(lambda got: len(got) >= 4)

    assert types(deliveries)[1:] == ["session.ended", "transcript.ready", "recording.ready"]


def test_it_drops_first_attempts_but_still_retries(sandbox_api, receiver):
    sandbox_api.config(webhook_drop_rate=1)
    sandbox_api.create_session()

    delivery = receiver.wait_for(lambda got: len(got) >= 1)[0]
    time.sleep(0.2)

    assert delivery.headers["kallglot-retry-count"] == "1"
    assert len(receiver.deliveries) == 1
    log = sandbox_api.webhook_log(at_least=2)
    assert [(entry["attempt"], entry["status_code"]) for entry in log] == [(1, None), (2, 200)]
    assert "dropped" in log[0]["error"]
