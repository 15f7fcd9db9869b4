"""An overall deadline bounds every call: no sleep reaches past it, no attempt's timeouts
reach past it, and giving up early still says the failure was retryable."""

from __future__ import annotations

import socket

import pytest

from sessions_app.kallglot import KallglotClient, KallglotError
from tests.kallglot.conftest import SESSION, Upstream, error_response, json_response


def test_it_does_not_sleep_past_the_deadline_for_a_long_retry_after(make_client, fake_time):
    upstream = Upstream([error_response(429, "rate_limit_exceeded", **{"Retry-After": "30"})])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream, deadline=20).create_session(mode="bidirectional_translation")

    assert len(upstream.requests) == 1
    assert fake_time.sleeps == []
    assert caught.value.retryable is True
    assert caught.value.retry_after == 30.0


def test_it_stops_when_the_deadline_is_spent(make_client, fake_time):
    def slow_failure(request):
        fake_time.now += 4  # each attempt takes 4 s before failing
        return error_response(503, "unavailable", **{"Retry-After": "1"})

    upstream = Upstream([slow_failure])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream, max_attempts=10, deadline=12).get_session("sess_01HXYZ123456789")

    # t=4 fail, sleep to 5; t=9 fail, sleep to 10; t=14 fail: 14 + 1 >= 12, give up.
    assert len(upstream.requests) == 3
    assert fake_time.sleeps == [1.0, 1.0]
    assert caught.value.status == 503


def test_it_shortens_attempt_timeouts_to_the_time_left(make_client, fake_time):
    def slow_failure(request):
        fake_time.now += 5
        return error_response(502, "bad_gateway", **{"Retry-After": "1"})

    upstream = Upstream([slow_failure, slow_failure, json_response(200, SESSION)])

    make_client(upstream, deadline=13, timeout_read=10, timeout_connect=3).get_session(
        "sess_01HXYZ123456789"
    )

    timeouts = [request.extensions["timeout"] for request in upstream.requests]
    assert timeouts[0] == {"connect": 3, "read": 10, "write": 10, "pool": 3}
    assert timeouts[1]["read"] == 7  # started at t=6 of 13
    assert timeouts[2] == {"connect": 1, "read": 1, "write": 1, "pool": 1}  # t=12


def test_it_uses_the_configured_timeouts(make_client):
    upstream = Upstream([json_response(200, SESSION)])

    make_client(upstream, timeout_connect=1.5, timeout_read=4).get_session("sess_01HXYZ123456789")

    assert upstream.requests[0].extensions["timeout"] == {
        "connect": 1.5,
        "read": 4,
        "write": 4,
        "pool": 1.5,
    }


def test_a_real_timeout_ends_the_call(fake_time):
    """Against a socket that never answers, the read timeout fires and becomes `timeout`."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        base = f"http://127.0.0.1:{server.getsockname()[1]}/v1"
        with (
            KallglotClient(
                api_key="sk_test_x",
                base_url=base,
                timeout_read=0.2,
                max_attempts=2,
                sleep=fake_time.sleep,
            ) as client,
            pytest.raises(KallglotError) as caught,
        ):
            client.get_session("sess_01HXYZ123456789")

    assert caught.value.code == "timeout"
    assert caught.value.retryable is True
    assert len(fake_time.sleeps) == 1
