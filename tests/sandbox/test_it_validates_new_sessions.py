"""`POST sessions` refuses what the CURRENT contract does not allow, and creates nothing."""

from __future__ import annotations

import pytest

MODE = {"mode": "bidirectional_translation"}


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({}, "invalid_request", "mode"),
        ({"mode": "translate_everything"}, "invalid_request", "mode"),
        ({"mode": None}, "invalid_request", "mode"),
        (MODE | {"source_language": "xx"}, "invalid_language_code", "source_language"),
        (MODE | {"target_language": "EN"}, "invalid_language_code", "target_language"),
        (MODE | {"target_language": 7}, "invalid_language_code", "target_language"),
        (MODE | {"provider": {"type": "twilio"}}, "invalid_request", "provider"),
        (MODE | {"provider": "twilio"}, "invalid_request", "provider"),
        (MODE | {"metadata": {f"k{i}": "v" for i in range(51)}}, "invalid_request", "metadata"),
        (MODE | {"metadata": {"note": "x" * 501}}, "invalid_request", "metadata"),
        (MODE | {"metadata": {"count": 3}}, "invalid_request", "metadata"),
        (MODE | {"metadata": ["a"]}, "invalid_request", "metadata"),
        (MODE | {"recording": True}, "invalid_request", "recording"),
        (MODE | {"recording": {"enabled": "yes"}}, "invalid_request", "recording"),
        (MODE | {"routing": "sip"}, "invalid_request", "routing"),
    ],
)
def test_it_refuses_an_invalid_body(sandbox_api, body, code, param):
    response = sandbox_api.post("sessions", json=body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"], error["type"]) == (code, param, "validation_error")
    assert error["message"]
    assert sandbox_api.sessions() == []
    assert response.headers["X-API-Credits-Remaining"] == "1000"


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"mode"'])
def test_it_refuses_a_body_that_is_not_a_json_object(sandbox_api, raw):
    response = sandbox_api.post(
        "sessions", content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert sandbox_api.sessions() == []


def test_it_accepts_the_limits_themselves(sandbox_api):
    metadata = {f"k{i}": "x" * 500 for i in range(50)}
    body = MODE | {
        "metadata": metadata,
        "source_language": "ko",
        "target_language": "pt",
        "routing": {"type": "sip"},
        "unknown_field": "ignored",
    }
    response = sandbox_api.post("sessions", json=body)

    assert response.status_code == 201
    assert response.json()["metadata"] == metadata
