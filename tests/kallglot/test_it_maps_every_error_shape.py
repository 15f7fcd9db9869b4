"""Every way a call can fail becomes one `KallglotError` with the same fields."""

from __future__ import annotations

import pickle

import httpx
import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import Upstream


def fail_with(make_client, response_or_error, **options):
    upstream = Upstream([response_or_error])
    with pytest.raises(KallglotError) as caught:
        make_client(upstream, max_attempts=1, **options).get_session("sess_01HXYZ123456789")
    return caught.value


def test_it_maps_the_current_envelope(make_client):
    body = {
        "error": {
            "type": "permission_error",
            "code": "insufficient_api_credits",
            "message": "API credits exhausted. Purchase more credits to continue.",
            "param": None,
            "request_id": "req_123",
            "retry_after": None,
        }
    }
    error = fail_with(make_client, httpx.Response(402, json=body))

    assert error.status == 402
    assert error.code == "insufficient_api_credits"
    assert error.type == "permission_error"
    assert error.message == "API credits exhausted. Purchase more credits to continue."
    assert error.param is None
    assert error.request_id == "req_123"
    assert error.retry_after is None
    assert error.retryable is False
    assert (
        str(error)
        == "API credits exhausted. Purchase more credits to continue. (reference req_123)"
    )


def test_it_maps_the_current_envelope_with_a_param(make_client):
    body = {
        "error": {
            "code": "invalid_request",
            "message": "The 'mode' field is required.",
            "type": "validation_error",
            "param": "mode",
        }
    }
    error = fail_with(
        make_client, httpx.Response(400, json=body, headers={"X-Request-ID": "req_h"})
    )

    assert (error.code, error.type, error.param) == ("invalid_request", "validation_error", "mode")
    assert error.request_id == "req_h"  # from the header when the body has none


def test_it_maps_the_legacy_envelope(make_client):
    body = {
        "error": {
            "code": "invalid_api_key",
            "message": "The API key provided is invalid.",
            "type": "authentication_error",
            "param": None,
            "doc_url": "https://developer.kallglot.com/errors#invalid_api_key",
        }
    }
    error = fail_with(make_client, httpx.Response(401, json=body))

    assert (error.status, error.code, error.type) == (
        401,
        "invalid_api_key",
        "authentication_error",
    )
    assert error.message == "The API key provided is invalid."
    assert error.request_id is None
    assert "doc_url" not in repr(error)


def test_it_maps_a_proxys_html_502_without_echoing_it(make_client):
    html = "<html><body><h1>502 Bad Gateway</h1><p>nginx/1.25 internal-host-7</p></body></html>"
    response = httpx.Response(502, text=html, headers={"Content-Type": "text/html"})
    error = fail_with(make_client, response)

    assert (error.status, error.code, error.retryable) == (502, "bad_gateway", True)
    assert error.message == "The translation service is temporarily unavailable."
    assert "nginx" not in str(error)
    assert "nginx" not in repr(error)


def test_it_maps_an_empty_body(make_client):
    error = fail_with(make_client, httpx.Response(500))

    assert (error.status, error.code, error.retryable) == (500, "upstream_error", True)
    assert error.message == "The translation service returned an unexpected error."


def test_it_maps_json_without_an_error_member(make_client):
    error = fail_with(make_client, httpx.Response(404, json={"detail": "Not found."}))

    assert (error.status, error.code, error.retryable) == (404, "upstream_error", False)
    assert "Not found" not in str(error)


def test_it_maps_json_that_is_not_an_object(make_client):
    error = fail_with(make_client, httpx.Response(429, json=["busy"]))

    assert (error.status, error.code, error.retryable) == (429, "rate_limit_exceeded", True)


def test_it_maps_a_connect_error(make_client):
    error = fail_with(make_client, httpx.ConnectError)

    assert (error.status, error.code, error.retryable) == (None, "network_error", True)
    assert str(error) == "Could not reach the translation service."


def test_it_maps_a_timeout(make_client):
    error = fail_with(make_client, httpx.ReadTimeout)

    assert (error.status, error.code, error.retryable) == (None, "timeout", True)
    assert str(error) == "The translation service did not answer in time."


def test_it_maps_a_success_that_is_not_json(make_client):
    response = httpx.Response(200, text="<html>ok</html>", headers={"X-Request-ID": "req_bad"})
    error = fail_with(make_client, response)

    assert (error.status, error.code, error.retryable) == (200, "invalid_response", False)
    assert error.request_id == "req_bad"


def test_it_maps_a_success_that_breaks_the_contract(make_client):
    error = fail_with(make_client, httpx.Response(200, json={"id": "rec_1", "status": "created"}))

    assert (error.code, error.param) == ("invalid_response", "id")


def test_it_shortens_a_long_upstream_message(make_client):
    body = {"error": {"code": "invalid_request", "message": "x" * 5000}}
    error = fail_with(make_client, httpx.Response(400, json=body))

    assert len(error.message) == 300


def test_it_survives_pickling():
    error = KallglotError("Busy.", status=429, code="rate_limit_exceeded", retry_after=3.0)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

    assert (copy.status, copy.code, copy.retry_after, str(copy)) == (
        429,
        "rate_limit_exceeded",
        3.0,
        "Busy.",
    )
