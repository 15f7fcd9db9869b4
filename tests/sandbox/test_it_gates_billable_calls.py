"""Credits (402), an inactive organisation (403) and the rate limit (429)."""

from __future__ import annotations

BODY = {"mode": "bidirectional_translation"}


def test_it_refuses_a_session_without_credits(sandbox_api):
    sandbox_api.config(credits=1)
    assert sandbox_api.post("sessions", json=BODY).status_code == 201

    response = sandbox_api.post("sessions", json=BODY)

    assert response.status_code == 402
    error = response.json()["error"]
    assert (error["code"], error["type"]) == ("insufficient_api_credits", "permission_error")
    assert response.headers["X-API-Credits-Remaining"] == "0"
    assert len(sandbox_api.sessions()) == 1


def test_it_refuses_an_analysis_without_credits(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")
    sandbox_api.config(credits=0)

    response = sandbox_api.post(f"sessions/{session['id']}/analysis")

    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_api_credits"


def test_it_refuses_billable_calls_for_an_inactive_organisation(sandbox_api):
    sandbox_api.config(org_active=False)

    response = sandbox_api.post("sessions", json=BODY)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "organization_inactive"
    assert sandbox_api.sessions() == []


def test_it_limits_the_requests_per_minute(sandbox_api):
    sandbox_api.config(rate_limit_per_minute=3)
    statuses = [sandbox_api.get("sessions/sess_x").status_code for _ in range(3)]

    limited = sandbox_api.post("sessions", json=BODY)

    assert statuses == [404, 404, 404]
    assert limited.status_code == 429
    error = limited.json()["error"]
    assert (error["code"], error["type"]) == ("rate_limit_exceeded", "rate_limit_error")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert error["retry_after"] == int(limited.headers["Retry-After"])
    assert limited.headers["X-RateLimit-Limit"] == "3"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert sandbox_api.sessions() == []
