"""Auth by `Authorization: Bearer` or `X-API-Key`; every response carries a request id."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.conftest import KEY

BODY = {"mode": "bidirectional_translation"}


@pytest.mark.parametrize(
    "headers", [{"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY}], ids=["bearer", "x-api-key"]
)
def test_it_accepts_the_key_in_either_header(sandbox_api, headers):
    response = httpx.post(f"{sandbox_api.base}/sessions", json=BODY, headers=headers)

    assert response.status_code == 201
    assert response.json()["id"].startswith("sess_")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sk_test_someone_else"},
        {"X-API-Key": "sk_live_unknown"},
        {"Authorization": f"Basic {KEY}"},
    ],
    ids=["missing", "unknown-bearer", "unknown-x-api-key", "not-bearer"],
)
def test_it_refuses_a_missing_or_unknown_key(sandbox_api, headers):
    response = httpx.post(f"{sandbox_api.base}/sessions", json=BODY, headers=headers)

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["type"] == "authentication_error"
    assert error["code"] == "invalid_api_key"
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "X-API-Credits-Remaining" not in response.headers
    assert sandbox_api.sessions() == []


def test_it_gives_every_response_its_own_request_id(sandbox_api):
    responses = [
        sandbox_api.post("sessions", json=BODY),
        sandbox_api.get("sessions/sess_missing"),
        sandbox_api.get("no/such/route"),
        sandbox_api.get("sessions"),
        httpx.get(f"{sandbox_api.base}/sessions/sess_missing"),
    ]

    assert [r.status_code for r in responses] == [201, 404, 404, 405, 401]
    ids = [r.headers["X-Request-ID"] for r in responses]
    assert all(request_id.startswith("req_") for request_id in ids)
    assert len(set(ids)) == len(ids)
    for response in responses[1:]:
        assert response.json()["error"]["request_id"] == response.headers["X-Request-ID"]


def test_it_reports_credits_and_rate_limits_once_authenticated(sandbox_api):
    first = sandbox_api.post("sessions", json=BODY)
    second = sandbox_api.get(f"sessions/{first.json()['id']}")

    assert first.headers["X-API-Credits-Remaining"] == "999"
    assert first.headers["X-API-Credits-Used"] == "1"
    assert second.headers["X-API-Credits-Remaining"] == "999"  # reading costs nothing
    assert second.headers["X-RateLimit-Limit"] == first.headers["X-RateLimit-Limit"]
    remaining = [int(r.headers["X-RateLimit-Remaining"]) for r in (first, second)]
    assert remaining[1] == remaining[0] - 1
    assert int(second.headers["X-RateLimit-Reset"]) > 1_700_000_000
