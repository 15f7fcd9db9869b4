"""The async client has the sync client's methods and behaviour, and never blocks the loop."""

from __future__ import annotations

import asyncio
import inspect

import httpx
import pytest

from sessions_app.kallglot import AsyncKallglotClient, KallglotClient, KallglotError
from tests.kallglot.conftest import API_KEY, SESSION, Upstream, error_response, json_response

SID = SESSION["id"]


def test_it_has_the_same_methods_and_signatures():
    public = [name for name in vars(KallglotClient) if not name.startswith("_")]
    for name in public:
        if name == "close":
            continue
        sync, async_ = getattr(KallglotClient, name), getattr(AsyncKallglotClient, name)
        sync_params = inspect.signature(sync).parameters
        assert sync_params == inspect.signature(async_).parameters, name
    assert inspect.signature(KallglotClient.__init__).parameters.keys() == (
        inspect.signature(AsyncKallglotClient.__init__).parameters.keys()
    )


async def test_it_retries_with_the_same_key_and_delays(make_async_client, fake_time):
    upstream = Upstream(
        [
            error_response(429, "rate_limit_exceeded", **{"Retry-After": "2"}),
            httpx.ConnectError,
            error_response(409, "idempotency_conflict"),
            json_response(201, SESSION),
        ]
    )

    async with make_async_client(upstream) as client:
        session = await client.create_session(mode="bidirectional_translation")

    assert session.id == SID
    assert len(upstream.requests) == 4
    assert len(set(upstream.keys())) == 1
    assert fake_time.sleeps == [2.0, 0.25, 0.5]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 422])
async def test_it_does_not_retry_client_errors(make_async_client, fake_time, status):
    upstream = Upstream([error_response(status, "nope")])

    async with make_async_client(upstream) as client:
        with pytest.raises(KallglotError) as caught:
            await client.end_session(SID)

    assert len(upstream.requests) == 1
    assert fake_time.sleeps == []
    assert (caught.value.status, caught.value.retryable) == (status, False)


async def test_it_gives_up_at_the_deadline(make_async_client, fake_time):
    upstream = Upstream([error_response(503, "unavailable", **{"Retry-After": "25"})])

    async with make_async_client(upstream, deadline=20) as client:
        with pytest.raises(KallglotError) as caught:
            await client.get_transcript(SID)

    assert fake_time.sleeps == []
    assert caught.value.retryable is True


async def test_it_maps_a_timeout(make_async_client):
    upstream = Upstream([httpx.ReadTimeout])

    async with make_async_client(upstream, max_attempts=2) as client:
        with pytest.raises(KallglotError) as caught:
            await client.get_session(SID)

    assert (caught.value.code, len(upstream.requests)) == ("timeout", 2)
    assert API_KEY not in repr(caught.value)


async def test_it_calls_every_endpoint(make_async_client):
    answers = {
        f"/v1/sessions/{SID}": SESSION,
        f"/v1/sessions/{SID}/end": {"id": SID, "status": "ended", "duration_seconds": 1.0},
        f"/v1/sessions/{SID}/transcript": {"session_id": SID, "status": "in_progress", "turns": []},
        f"/v1/sessions/{SID}/recordings": {"object": "list", "data": []},
        "/v1/recordings/rec_1": {"id": "rec_1", "session_id": SID, "status": "ready"},
        f"/v1/sessions/{SID}/analysis": {"id": "anl_1", "session_id": SID, "status": "processing"},
        "/v1/analyses/anl_1": {"id": "anl_1", "session_id": SID, "status": "completed"},
    }
    upstream = Upstream([lambda request: json_response(200, answers[request.url.path])])

    async with make_async_client(upstream) as client:
        assert (await client.get_session(SID)).status == "created"
        assert (await client.end_session(SID)).duration_seconds == 1.0
        assert (await client.get_transcript(SID)).turns == ()
        assert (await client.list_recordings(SID)).items == []
        assert (await client.get_recording("rec_1")).status == "ready"
        assert (await client.create_analysis(SID)).status == "processing"
        assert (await client.get_analysis("anl_1")).status == "completed"

    assert len(upstream.requests) == len(answers)


async def test_it_does_not_block_the_event_loop():
    in_flight, most = 0, 0

    async def slow(request):
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.2)
        in_flight -= 1
        return json_response(200, SESSION)

    client = AsyncKallglotClient(
        api_key=API_KEY,
        base_url="https://api.kallglot.test/v1",
        transport=httpx.MockTransport(slow),
    )
    async with client:
        sessions = await asyncio.gather(*(client.get_session(SID) for _ in range(10)))

    assert len(sessions) == 10
    assert most == 10  # all ten waited upstream at once: none held the loop
