"""`_control/faults`: the next N calls of an endpoint fail (or wait) as asked, then it recovers."""

from __future__ import annotations

import time

import httpx
import pytest

BODY = {"mode": "bidirectional_translation"}


def test_it_answers_queued_faults_instead_of_doing_the_work(sandbox_api):
    sandbox_api.fault("sessions.create", 503, code="service_unavailable", retry_after=7, count=2)
    sandbox_api.fault("sessions.create", 429, code="rate_limit_exceeded", message="slow down")

    responses = [sandbox_api.post("sessions", json=BODY) for _ in range(4)]

    assert [r.status_code for r in responses] == [503, 503, 429, 201]
    assert responses[0].headers["Retry-After"] == "7"
    error = responses[0].json()["error"]
    assert (error["code"], error["type"], error["retry_after"]) == (
        "service_unavailable",
        "api_error",
        7,
    )
    assert responses[2].json()["error"]["message"] == "slow down"
    assert "Retry-After" not in responses[2].headers
    assert len(sandbox_api.sessions()) == 1


def test_it_keeps_faults_to_their_endpoint(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.fault("sessions.retrieve", 500)

    assert sandbox_api.post("sessions", json=BODY).status_code == 201
    assert sandbox_api.get(f"sessions/{session['id']}").status_code == 500
    assert sandbox_api.get(f"sessions/{session['id']}").status_code == 200


def test_it_can_answer_a_raw_body(sandbox_api):
    page = "<html><body>502 Bad Gateway</body></html>"
    sandbox_api.fault("recordings.retrieve", 502, body=page, retry_after=0.5)

    response = sandbox_api.get("recordings/rec_anything")

    assert response.status_code == 502
    assert response.text == page
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"] == "0.5"


def test_it_delays_a_call_then_does_the_work(sandbox_api):
    sandbox_api.fault("sessions.create", 0, latency_ms=1500)

    with pytest.raises(httpx.ReadTimeout):
        sandbox_api.post("sessions", json=BODY, timeout=0.5)
    started = time.monotonic()
    response = sandbox_api.post("sessions", json=BODY)

    assert response.status_code == 201
    assert time.monotonic() - started < 1.5  # the delay is not applied again


def test_a_call_still_waiting_when_the_sandbox_is_reset_does_nothing(sandbox_api):
    # A test's slow create must not create a call (and send its webhooks) in the next test.
    sandbox_api.fault("sessions.create", 0, latency_ms=800)
    with pytest.raises(httpx.ReadTimeout):
        sandbox_api.post("sessions", json=BODY, timeout=0.2)

    sandbox_api.control("POST", "reset")
    time.sleep(1.0)  # past the delay: the waiting create has had its turn

    assert sandbox_api.sessions() == []
    assert sandbox_api.control("GET", "webhooks")["data"] == []


def test_it_adds_latency_to_every_call(sandbox_api):
    sandbox_api.config(latency_ms=300)

    started = time.monotonic()
    response = sandbox_api.get("sessions/sess_x")

    assert response.status_code == 404
    assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "sessions.delete", "status": 500},
        {"endpoint": "sessions.create", "status": 200},
        {"endpoint": "sessions.create", "status": 500, "count": 0},
        {"endpoint": "sessions.create", "status": 500, "retry_after": "soon"},
    ],
)
def test_it_refuses_a_fault_it_cannot_inject(sandbox_api, body):
    response = sandbox_api.post("_control/faults", json=body)

    assert response.status_code == 400
    assert sandbox_api.post("sessions", json=BODY).status_code == 201
