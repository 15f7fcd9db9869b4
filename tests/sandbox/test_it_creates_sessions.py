"""`POST sessions`: 201 with the CURRENT session object and its stream credentials."""

from __future__ import annotations

import re
import time
from datetime import datetime

import httpx

from tests.sandbox.conftest import AUTH

ULID = r"[0-9A-HJKMNP-TV-Z]{26}"


def parse_time(value: str) -> float:
    assert value.endswith("Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_it_answers_201_with_the_session_and_a_stream(sandbox_api, live_server_daphne):
    body = {
        "mode": "assistive_translation",
        "source_language": "de",
        "target_language": "en",
        "metadata": {"customer_id": "c-42"},
    }
    response = sandbox_api.post("sessions", json=body)

    assert response.status_code == 201
    session = response.json()
    assert re.fullmatch(f"sess_{ULID}", session["id"])
    assert session["object"] == "session"
    assert session["status"] == "created"
    assert session["mode"] == "assistive_translation"
    assert (session["source_language"], session["target_language"]) == ("de", "en")
    assert session["provider"] is None
    assert session["phone_number"] is None
    assert session["recording"] == {"enabled": False}
    assert session["metadata"] == {"customer_id": "c-42"}
    assert session["started_at"] is None
    assert session["ended_at"] is None
    assert abs(parse_time(session["created_at"]) - time.time()) < 5
    stream = session["stream"]
    expected_url = f"{live_server_daphne.ws_url}/sandbox/v1/sessions/{session['id']}/connect"
    assert stream["url"] == expected_url
    assert re.fullmatch(r"kst_test_[0-9a-f]{32}", stream["token"])
    assert abs(parse_time(stream["expires_at"]) - (time.time() + 300)) < 5


def test_it_leaves_languages_and_metadata_null_when_not_given(sandbox_api):
    session = sandbox_api.create_session()

    assert session["source_language"] is None
    assert session["target_language"] is None
    assert session["metadata"] is None


def test_it_honours_the_recording_request(sandbox_api):
    session = sandbox_api.create_session(recording={"enabled": True})

    assert session["recording"] == {"enabled": True}


def test_it_builds_the_stream_url_from_the_host_it_was_called_on(sandbox_api, live_server_daphne):
    base = f"http://localhost:{live_server_daphne.port}/sandbox/v1"
    response = httpx.post(f"{base}/sessions", json={"mode": "ai_agent"}, headers=AUTH)

    session = response.json()
    assert session["stream"]["url"] == (
        f"ws://localhost:{live_server_daphne.port}/sandbox/v1/sessions/{session['id']}/connect"
    )


def test_it_charges_one_credit_per_session(sandbox_api):
    sandbox_api.create_session()
    response = sandbox_api.post("sessions", json={"mode": "help_chat_voice"})

    assert response.headers["X-API-Credits-Remaining"] == "998"
    assert response.headers["X-API-Credits-Used"] == "2"
    assert sandbox_api.control("GET", "config")["credits"] == 998
    assert len(sandbox_api.sessions()) == 2
