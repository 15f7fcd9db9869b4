"""The number dialled says how the customer behaves (…0001 busy, …0002 never answers, …0003
cannot be reached, any other answers), unless `_control/twilio/next_outbound` says otherwise
for the next call. A call nobody takes ends `busy`, `no-answer` (after its `Timeout`) or
`failed`, reported by the `completed` event with `CallDuration` 0; its `Url` is never asked."""

from __future__ import annotations

import time

import pytest

CENTRE = "+4930901821"
ALL_EVENTS = ["initiated", "ringing", "answered", "completed"]


def dial(twilio_client, twilio_app, to: str, **extra) -> str:
    return twilio_client.calls.create(
        to=to,
        from_=CENTRE,
        url=twilio_app.voice_url,
        status_callback=twilio_app.status_url,
        status_callback_event=ALL_EVENTS,
        **extra,
    ).sid


@pytest.mark.parametrize(
    ("number", "status", "events"),
    [
        ("+4917600000001", "busy", ["initiated", "ringing", "busy"]),
        ("+4917600000003", "failed", ["initiated", "failed"]),
    ],
)
def test_the_number_decides(sandbox_api, twilio_app, twilio_client, number, status, events):
    sandbox_api.config(ring_ms=50)
    sid = dial(twilio_client, twilio_app, number)

    callbacks = twilio_app.status_callbacks(until=status)

    assert [r.status for r in callbacks] == events
    assert callbacks[-1].params["CallDuration"] == "0"
    assert twilio_app.voice_webhooks(count=0) == []
    fetched = twilio_client.calls(sid).fetch()
    assert (fetched.status, fetched.duration) == (status, None)


def test_nobody_answers_within_the_timeout(sandbox_api, twilio_app, twilio_client):
    started = time.monotonic()
    sid = dial(twilio_client, twilio_app, "+4917600000002", timeout=1)

    callbacks = twilio_app.status_callbacks(until="no-answer")

    assert time.monotonic() - started >= 1.0
    assert [r.status for r in callbacks] == ["initiated", "ringing", "no-answer"]
    call = sandbox_api.twilio_call(sid)
    assert (call["status"], call["timeout"]) == ("no-answer", 1)
    assert call["statuses"][-1]["reason"] == "no answer within 1 s"


def test_a_customer_slower_than_the_timeout_does_not_answer(sandbox_api, twilio_app, twilio_client):
    sandbox_api.plan_next_outbound("answer", after_ms=5000)
    dial(twilio_client, twilio_app, "+4917612345678", timeout=1)

    callbacks = twilio_app.status_callbacks(until="no-answer")

    assert [r.status for r in callbacks] == ["initiated", "ringing", "no-answer"]
    assert twilio_app.voice_webhooks(count=0) == []


def test_a_plan_overrides_the_number_for_one_call(sandbox_api, twilio_app, twilio_client):
    sandbox_api.config(ring_ms=50)
    sandbox_api.plan_next_outbound("busy", after_ms=0)
    first = dial(twilio_client, twilio_app, "+4917612345678")
    twilio_app.status_callbacks(until="busy")
    second = dial(twilio_client, twilio_app, "+4917612345678")

    twilio_app.status_callbacks(until="in-progress")  # the number's own plan again: it answers

    assert sandbox_api.twilio_call(first)["plan"]["answer"] == "busy"
    assert sandbox_api.twilio_call(second)["plan"]["answer"] == "answer"
    assert sandbox_api.control("GET", "twilio/next_outbound")["data"] == []


def test_plans_are_taken_in_order(sandbox_api):
    sandbox_api.plan_next_outbound("failed")
    sandbox_api.plan_next_outbound("no-answer", caller_hangup_after_s=1)

    queued = sandbox_api.control("GET", "twilio/next_outbound")["data"]

    assert queued == [
        {"answer": "failed", "after_ms": None, "caller_hangup_after_s": None},
        {"answer": "no-answer", "after_ms": None, "caller_hangup_after_s": 1},
    ]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"answer": "maybe"}, "answer"),
        ({}, "answer"),
        ({"answer": "busy", "after_ms": -1}, "after_ms"),
        ({"answer": "no-answer", "after_ms": 10}, "after_ms"),
        ({"answer": "answer", "caller_hangup_after_s": "soon"}, "caller_hangup_after_s"),
        ({"answer": "answer", "ring": 3}, "ring"),
    ],
)
def test_it_refuses_a_plan_it_cannot_follow(sandbox_api, body, param):
    response = sandbox_api.post("_control/twilio/next_outbound", json=body)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert sandbox_api.control("GET", "twilio/next_outbound")["data"] == []
