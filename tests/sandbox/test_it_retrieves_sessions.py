"""`GET sessions/<id>`: a fresh stream token while not ended, none once ended; 404 shapes."""

from __future__ import annotations

import pytest

from tests.sandbox.stream import open_stream, receive


async def test_it_issues_a_fresh_token_and_keeps_the_old_one_valid(sandbox_api):
    session = sandbox_api.create_session()
    again = sandbox_api.get(f"sessions/{session['id']}").json()

    assert again["stream"]["url"] == session["stream"]["url"]
    assert again["stream"]["token"] != session["stream"]["token"]
    for token in (session["stream"]["token"], again["stream"]["token"]):
        async with open_stream(session, token) as ws:
            assert (await receive(ws))["type"] == "session.ready"


def test_it_shows_no_stream_once_ended(sandbox_api):
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")

    ended = sandbox_api.get(f"sessions/{session['id']}").json()

    assert "stream" not in ended
    assert ended["status"] == "ended"
    assert ended["ended_at"] is not None
    assert ended["duration_seconds"] == 0.0  # never active, nothing billed


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "sessions/sess_01HXYZ123456789"),
        ("POST", "sessions/sess_01HXYZ123456789/end"),
        ("GET", "sessions/sess_01HXYZ123456789/transcript"),
        ("GET", "sessions/sess_01HXYZ123456789/recordings"),
        ("POST", "sessions/sess_01HXYZ123456789/analysis"),
        ("GET", "recordings/rec_01HABC987654321"),
        ("GET", "recordings/rec_01HABC987654321/audio"),
        ("GET", "analyses/anl_01HDEF456789012"),
        ("GET", "analysis/anl_01HDEF456789012"),
    ],
)
def test_it_answers_404_for_unknown_ids(sandbox_api, method, path):
    response = sandbox_api.request(method, path)

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "resource_not_found"
    assert error["param"] == "id"
    assert error["request_id"] == response.headers["X-Request-ID"]
