"""The wait before a retry is the one the server asked for: `Retry-After` in seconds or as
an HTTP-date, the error body's `retry_after`, or `X-RateLimit-Reset` on a 429."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import SESSION, WALL_START, Upstream, error_response, json_response


def create_after(make_client, *failures):
    upstream = Upstream([*failures, json_response(201, SESSION)])
    make_client(upstream).create_session(mode="bidirectional_translation")
    return upstream


def test_it_waits_retry_after_seconds(make_client, fake_time):
    create_after(make_client, error_response(429, "rate_limit_exceeded", **{"Retry-After": "3"}))

    assert fake_time.sleeps == [3.0]


def test_it_waits_until_a_retry_after_http_date(make_client, fake_time):
    when = formatdate(WALL_START + 7, usegmt=True)  # e.g. "Fri, 20 Mar 2026 … GMT"
    create_after(make_client, error_response(503, "unavailable", **{"Retry-After": when}))

    assert fake_time.sleeps == [7.0]


def test_it_does_not_wait_for_a_retry_after_date_in_the_past(make_client, fake_time):
    when = formatdate(WALL_START - 60, usegmt=True)
    create_after(make_client, error_response(429, "rate_limit_exceeded", **{"Retry-After": when}))

    assert fake_time.sleeps == [0.0]


def test_it_waits_for_the_rate_limit_window_to_reset(make_client, fake_time):
    reset = str(int(WALL_START) + 5)
    create_after(
        make_client, error_response(429, "rate_limit_exceeded", **{"X-RateLimit-Reset": reset})
    )

    assert fake_time.sleeps == [5.0]


def test_it_prefers_retry_after_to_the_rate_limit_reset(make_client, fake_time):
    headers = {"Retry-After": "2", "X-RateLimit-Reset": str(int(WALL_START) + 9)}
    create_after(make_client, error_response(429, "rate_limit_exceeded", **headers))

    assert fake_time.sleeps == [2.0]


def test_it_ignores_the_rate_limit_reset_on_a_server_error(make_client, fake_time):
    reset = str(int(WALL_START) + 9)
    create_after(make_client, error_response(500, "server_error", **{"X-RateLimit-Reset": reset}))

    assert fake_time.sleeps == [0.125]


def test_it_waits_the_retry_after_of_the_error_body(make_client, fake_time):
    body = {"error": {"code": "idempotency_conflict", "message": "In flight.", "retry_after": 1.5}}
    create_after(make_client, httpx.Response(409, json=body))

    assert fake_time.sleeps == [1.5]


def test_it_falls_back_to_backoff_on_an_unreadable_retry_after(make_client, fake_time):
    create_after(make_client, error_response(429, "rate_limit_exceeded", **{"Retry-After": "soon"}))

    assert fake_time.sleeps == [0.125]


def test_it_reports_the_wait_on_the_error(make_client, fake_time):
    upstream = Upstream([error_response(429, "rate_limit_exceeded", **{"Retry-After": "40"})])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream).create_session(mode="bidirectional_translation")

    assert caught.value.retry_after == 40.0
