"""The last credits and rate-limit headers, and the last failure, are kept for the admin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sessions_app.kallglot import KallglotError, upstream_status
from tests.kallglot.conftest import SESSION, WALL_START, Upstream, error_response, json_response

HEADERS = {
    "X-API-Credits-Remaining": "41",
    "X-API-Credits-Used": "59",
    "X-RateLimit-Limit": "120",
    "X-RateLimit-Remaining": "118",
    "X-RateLimit-Reset": "1711454460",
    "X-Request-ID": "req_seen",
}


def test_it_starts_empty():
    status = upstream_status()

    assert (status.credits_remaining, status.seen_at, status.last_error) == (None, None, None)


def test_it_keeps_the_last_seen_headers(make_client):
    make_client(Upstream([json_response(201, SESSION, **HEADERS)])).create_session(mode="ai_agent")

    status = upstream_status()
    assert (status.credits_remaining, status.credits_used) == (41, 59)
    assert (status.rate_limit_limit, status.rate_limit_remaining) == (120, 118)
    assert status.rate_limit_reset == 1711454460
    assert status.rate_limit_resets_at == datetime(2024, 3, 26, 12, 1, tzinfo=UTC)
    assert status.request_id == "req_seen"
    assert status.seen_at == datetime.fromtimestamp(WALL_START, UTC)
    assert status.last_error is None


def test_it_keeps_figures_a_later_response_leaves_out(make_client):
    upstream = Upstream([json_response(201, SESSION, **HEADERS), json_response(200, SESSION)])
    client = make_client(upstream)

    client.create_session(mode="ai_agent")
    client.get_session(SESSION["id"])

    assert upstream_status().credits_remaining == 41
    assert upstream_status().request_id == "req_ok"


def test_it_ignores_unreadable_figures(make_client):
    headers = {"X-API-Credits-Remaining": "lots", "X-RateLimit-Limit": "-1"}
    make_client(Upstream([json_response(200, SESSION, **headers)])).get_session(SESSION["id"])

    assert (upstream_status().credits_remaining, upstream_status().rate_limit_limit) == (None, None)


def test_it_keeps_the_last_failure(make_client):
    upstream = Upstream([error_response(402, "insufficient_api_credits", **HEADERS)])

    with pytest.raises(KallglotError):
        make_client(upstream).create_session(mode="ai_agent")

    error = upstream_status().last_error
    assert (error.code, error.status, error.request_id) == (
        "insufficient_api_credits",
        402,
        "req_seen",
    )
    assert error.at == datetime.fromtimestamp(WALL_START, UTC)
    assert upstream_status().credits_remaining == 41  # error responses count as seen too


def test_a_reset_time_no_calendar_holds_is_left_unsaid(make_client):
    headers = HEADERS | {"X-RateLimit-Reset": "999999999999999999"}
    make_client(Upstream([json_response(201, SESSION, **headers)])).create_session(mode="ai_agent")

    assert upstream_status().rate_limit_reset == 999999999999999999
    assert upstream_status().rate_limit_resets_at is None
