"""A call that finally fails is logged once — method, path, status, code, request id — and
a call that succeeds after retries is not logged as a failure."""

from __future__ import annotations

import logging

import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import SESSION, Upstream, error_response, json_response

LOGGER = "sessions_app.kallglot"


def failures(caplog):
    return [r for r in caplog.records if r.name.startswith(LOGGER) and r.levelno >= logging.WARNING]


def test_it_logs_a_final_failure_once(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    upstream = Upstream([error_response(503, "unavailable")])

    with pytest.raises(KallglotError):
        make_client(upstream, max_attempts=3).end_session("sess_01HXYZ123456789")

    [record] = failures(caplog)
    message = record.getMessage()
    assert "POST /sessions/sess_01HXYZ123456789/end" in message
    assert "status=503" in message
    assert "code=unavailable" in message
    assert "request_id=req_503" in message
    assert "3 attempt(s)" in message


def test_it_logs_nothing_when_a_retry_succeeds(make_client, caplog):
    caplog.set_level(logging.DEBUG)
    upstream = Upstream([error_response(502, "bad_gateway"), json_response(200, SESSION)])

    make_client(upstream).get_session(SESSION["id"])

    assert failures(caplog) == []


def test_it_logs_an_unreadable_success_once(make_client, caplog):
    upstream = Upstream([json_response(200, {"id": "nope"})])

    with pytest.raises(KallglotError):
        make_client(upstream).get_session(SESSION["id"])

    [record] = failures(caplog)
    assert "code=invalid_response" in record.getMessage()
    assert "request_id=req_ok" in record.getMessage()
