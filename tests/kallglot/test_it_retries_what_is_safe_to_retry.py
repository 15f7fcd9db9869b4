"""429, 409 idempotency_conflict, 500/502/503, connect errors and timeouts are retried
with exponential backoff and full jitter, up to the configured number of attempts."""

from __future__ import annotations

import httpx
import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import SESSION, Upstream, error_response, json_response

RETRYABLE = [
    pytest.param(lambda: error_response(429, "rate_limit_exceeded"), id="429"),
    pytest.param(lambda: error_response(409, "idempotency_conflict"), id="409-conflict"),
    pytest.param(lambda: error_response(500, "server_error"), id="500"),
    pytest.param(lambda: error_response(502, "bad_gateway"), id="502"),
    pytest.param(lambda: error_response(503, "unavailable"), id="503"),
    pytest.param(lambda: httpx.ConnectError, id="connect-error"),
    pytest.param(lambda: httpx.ConnectTimeout, id="connect-timeout"),
    pytest.param(lambda: httpx.ReadTimeout, id="read-timeout"),
]


@pytest.mark.parametrize("failure", RETRYABLE)
def test_it_retries_until_success(make_client, fake_time, failure):
    upstream = Upstream([failure(), failure(), json_response(201, SESSION)])

    session = make_client(upstream).create_session(mode="bidirectional_translation")

    assert session.id == SESSION["id"]
    assert len(upstream.requests) == 3
    # Full jitter with random() = 0.5: half of 0.25 * 2 ** (attempt - 1).
    assert fake_time.sleeps == [0.125, 0.25]


@pytest.mark.parametrize("failure", RETRYABLE)
def test_it_stops_after_max_attempts(make_client, fake_time, failure):
    upstream = Upstream([failure()])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream, max_attempts=4).get_session("sess_01HXYZ123456789")

    assert len(upstream.requests) == 4
    assert fake_time.sleeps == [0.125, 0.25, 0.5]
    assert caught.value.retryable is True


def test_it_caps_the_backoff(make_client, fake_time):
    upstream = Upstream([error_response(503, "unavailable")])

    with pytest.raises(KallglotError):
        make_client(upstream, max_attempts=7, deadline=1000, backoff_cap=1.0).get_session(
            "sess_01HXYZ123456789"
        )

    assert fake_time.sleeps == [0.125, 0.25, 0.5, 0.5, 0.5, 0.5]


def test_it_draws_each_delay_from_the_whole_jitter_range(make_client, fake_time):
    draws = iter([0.0, 0.999, 0.3])
    upstream = Upstream([error_response(500, "server_error")])

    with pytest.raises(KallglotError):
        make_client(upstream, random=lambda: next(draws)).get_session("sess_01HXYZ123456789")

    assert fake_time.sleeps == pytest.approx([0.0, 0.4995, 0.3])


def test_it_does_not_retry_when_max_attempts_is_one(make_client, fake_time):
    upstream = Upstream([error_response(503, "unavailable")])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream, max_attempts=1).get_session("sess_01HXYZ123456789")

    assert len(upstream.requests) == 1
    assert fake_time.sleeps == []
    assert caught.value.status == 503
