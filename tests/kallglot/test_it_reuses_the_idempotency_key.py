"""Every POST carries an Idempotency-Key — the caller's or a generated one — and every
retry of that call carries the same key. GETs carry none."""

from __future__ import annotations

import uuid

import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import SESSION, Upstream, error_response, json_response

ENDED = {"id": SESSION["id"], "object": "session", "status": "ended", "duration_seconds": 3.5}
ANALYSIS = {"id": "anl_01HDEF456789012", "session_id": SESSION["id"], "status": "processing"}


def flaky(success):
    return Upstream(
        [
            error_response(429, "rate_limit_exceeded"),
            error_response(409, "idempotency_conflict"),
            error_response(502, "bad_gateway"),
            success,
        ]
    )


def test_it_sends_one_generated_key_on_every_attempt(make_client):
    upstream = flaky(json_response(201, SESSION))

    make_client(upstream).create_session(mode="bidirectional_translation")

    keys = upstream.keys()
    assert len(keys) == 4
    assert len(set(keys)) == 1
    assert uuid.UUID(keys[0]).version == 4


def test_it_sends_the_callers_key_on_every_attempt(make_client):
    upstream = flaky(json_response(201, SESSION))

    make_client(upstream).create_session(mode="ai_agent", idempotency_key="agent-7:click-42")

    assert upstream.keys() == ["agent-7:click-42"] * 4


def test_it_generates_a_new_key_for_each_call(make_client):
    upstream = Upstream([json_response(201, SESSION)])
    client = make_client(upstream)

    client.create_session(mode="bidirectional_translation")
    client.create_session(mode="bidirectional_translation")

    first, second = upstream.keys()
    assert first != second


def test_it_keys_the_end_of_a_session(make_client):
    upstream = flaky(json_response(200, ENDED))

    make_client(upstream).end_session(SESSION["id"], idempotency_key="end:sess_01HXYZ123456789")

    assert upstream.keys() == ["end:sess_01HXYZ123456789"] * 4


def test_it_keys_an_analysis_request(make_client):
    upstream = flaky(json_response(202, ANALYSIS))

    make_client(upstream).create_analysis(SESSION["id"])

    keys = upstream.keys()
    assert keys[0]
    assert set(keys) == {keys[0]}


def test_it_sends_no_key_on_reads(make_client):
    upstream = Upstream([json_response(200, SESSION)])

    make_client(upstream).get_session(SESSION["id"])

    assert upstream.keys() == [None]


@pytest.mark.parametrize("key", ["", "a\nb", "x" * 256, "clé"])
def test_it_refuses_an_unusable_key_without_calling_upstream(make_client, key):
    upstream = Upstream([json_response(201, SESSION)])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream).create_session(mode="bidirectional_translation", idempotency_key=key)

    assert caught.value.code == "invalid_request"
    assert upstream.requests == []
