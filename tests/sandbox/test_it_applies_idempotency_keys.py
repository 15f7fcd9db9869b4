"""`Idempotency-Key` as kallglot-api.md §1.6 says: replay, mismatch, in flight, only successes."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.sandbox.conftest import AUTH

BODY = {"mode": "bidirectional_translation", "metadata": {"a": "1", "b": "2"}}


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_it_replays_the_first_success_for_the_same_key_and_body(sandbox_api):
    headers = key()
    first = sandbox_api.post("sessions", json=BODY, headers=headers)
    reordered = {"metadata": {"b": "2", "a": "1"}, "mode": "bidirectional_translation"}
    again = sandbox_api.post("sessions", json=reordered, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    assert [s["id"] for s in sandbox_api.sessions()] == [first.json()["id"]]
    assert sandbox_api.sessions()[0]["idempotency_key"] == headers["Idempotency-Key"]
    assert again.headers["X-API-Credits-Remaining"] == "999"


def test_it_refuses_the_same_key_with_another_body(sandbox_api):
    headers = key()
    sandbox_api.post("sessions", json=BODY, headers=headers)
    other = sandbox_api.post("sessions", json={"mode": "ai_agent"}, headers=headers)

    assert other.status_code == 400
    error = other.json()["error"]
    assert (error["code"], error["type"]) == ("idempotency_mismatch", "invalid_request_error")
    assert len(sandbox_api.sessions()) == 1


async def test_it_answers_409_while_the_first_request_is_running(sandbox_api):
    sandbox_api.fault("sessions.create", 0, latency_ms=2000)
    headers = {**AUTH, **key()}
    url = f"{sandbox_api.base}/sessions"
    async with httpx.AsyncClient(headers=headers, timeout=10) as client:
        slow = asyncio.create_task(client.post(url, json=BODY))
        await asyncio.sleep(0.5)
        conflict = await client.post(url, json=BODY)
        first = await slow
        after = await client.post(url, json=BODY)

    assert conflict.status_code == 409
    assert conflict.headers["Retry-After"] == "1"
    error = conflict.json()["error"]
    assert (error["code"], error["retry_after"]) == ("idempotency_conflict", 1)
    assert first.status_code == 201
    assert after.json() == first.json()
    assert len(sandbox_api.sessions()) == 1


def test_it_does_not_remember_failures(sandbox_api):
    headers = key()
    sandbox_api.fault("sessions.create", 503, code="service_unavailable")

    failed = sandbox_api.post("sessions", json=BODY, headers=headers)
    invalid = sandbox_api.post("sessions", json={"mode": "nope"}, headers=headers)
    created = sandbox_api.post("sessions", json=BODY, headers=headers)

    assert (failed.status_code, invalid.status_code, created.status_code) == (503, 400, 201)
    assert len(sandbox_api.sessions()) == 1


def test_it_keeps_keys_apart_by_path_for_end(sandbox_api):
    one, two = sandbox_api.create_session(), sandbox_api.create_session()
    headers = key()

    first = sandbox_api.post(f"sessions/{one['id']}/end", headers=headers)
    replay = sandbox_api.post(f"sessions/{one['id']}/end", headers=headers)
    other = sandbox_api.post(f"sessions/{two['id']}/end", headers=headers)

    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 400
    assert other.json()["error"]["code"] == "idempotency_mismatch"
    assert sandbox_api.get(f"sessions/{two['id']}").json()["status"] == "created"


def test_it_charges_an_analysis_once_per_key(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")
    headers = key()

    first = sandbox_api.post(f"sessions/{session['id']}/analysis", json={}, headers=headers)
    again = sandbox_api.post(f"sessions/{session['id']}/analysis", json={}, headers=headers)

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again.headers["X-API-Credits-Remaining"] == "998"  # the session and one analysis
