"""Each endpoint method sends the documented request: path under the client's base URL,
auth and identity headers, the CURRENT body (never `provider` or `routing`)."""

from __future__ import annotations

import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import API_KEY, SESSION, Upstream, json_response

SID = SESSION["id"]
RECORDING = {
    "id": "rec_01HABC987654321",
    "object": "recording",
    "session_id": SID,
    "status": "ready",
}
ANALYSIS = {"id": "anl_01HDEF456789012", "session_id": SID, "status": "processing"}
TRANSCRIPT = {"session_id": SID, "status": "in_progress", "turns": []}


def test_it_creates_a_browser_only_session(make_client):
    upstream = Upstream([json_response(201, SESSION)])

    make_client(upstream).create_session(
        mode="bidirectional_translation",
        source_language="de",
        target_language="en",
        metadata={"customer_id": "123"},
        recording=True,
    )

    [request] = upstream.requests
    assert (request.method, str(request.url)) == ("POST", "https://api.kallglot.test/v1/sessions")
    assert upstream.bodies == [
        {
            "mode": "bidirectional_translation",
            "source_language": "de",
            "target_language": "en",
            "metadata": {"customer_id": "123"},
            "recording": {"enabled": True},
        }
    ]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "kallglot-agent-console/0.1"


def test_it_leaves_out_what_was_not_asked_for(make_client):
    upstream = Upstream([json_response(201, SESSION)])

    make_client(upstream).create_session(mode="assistive_translation")

    assert upstream.bodies == [{"mode": "assistive_translation"}]


def test_it_keeps_the_base_path_of_a_mounted_sandbox(make_client):
    upstream = Upstream([json_response(200, SESSION)])

    make_client(upstream, base_url="http://127.0.0.1:8000/sandbox/v1/").get_session(SID)

    assert str(upstream.requests[0].url) == f"http://127.0.0.1:8000/sandbox/v1/sessions/{SID}"


@pytest.mark.parametrize(
    ("call", "answer", "method", "path", "body"),
    [
        (lambda c: c.get_session(SID), SESSION, "GET", f"/v1/sessions/{SID}", None),
        (
            lambda c: c.end_session(SID),
            SESSION | {"status": "ended"},
            "POST",
            f"/v1/sessions/{SID}/end",
            None,
        ),
        (
            lambda c: c.get_transcript(SID),
            TRANSCRIPT,
            "GET",
            f"/v1/sessions/{SID}/transcript",
            None,
        ),
        (
            lambda c: c.get_recording("rec_01HABC987654321"),
            RECORDING,
            "GET",
            "/v1/recordings/rec_01HABC987654321",
            None,
        ),
        (
            lambda c: c.create_analysis(SID),
            ANALYSIS,
            "POST",
            f"/v1/sessions/{SID}/analysis",
            {"profile": "default"},
        ),
        (
            lambda c: c.create_analysis(SID, profile="qa", include=("summary", "sentiment")),
            ANALYSIS,
            "POST",
            f"/v1/sessions/{SID}/analysis",
            {"profile": "qa", "include": ["summary", "sentiment"]},
        ),
        (
            lambda c: c.get_analysis("anl_01HDEF456789012"),
            ANALYSIS,
            "GET",
            "/v1/analyses/anl_01HDEF456789012",
            None,
        ),
    ],
)
def test_it_calls_each_endpoint(make_client, call, answer, method, path, body):
    upstream = Upstream([json_response(200, answer)])

    call(make_client(upstream))

    [request] = upstream.requests
    assert (request.method, request.url.path) == (method, path)
    assert upstream.bodies == [body]


def test_it_pages_through_recordings(make_client):
    page = {"object": "list", "data": [RECORDING], "has_more": True, "url": "/v1/sessions/x"}
    upstream = Upstream([json_response(200, page)])

    result = make_client(upstream).list_recordings(SID, limit=10, starting_after="rec_0")

    assert upstream.requests[0].url.path == f"/v1/sessions/{SID}/recordings"
    assert dict(upstream.requests[0].url.params) == {"limit": "10", "starting_after": "rec_0"}
    assert [item.id for item in result.items] == ["rec_01HABC987654321"]
    assert result.has_more is True


def test_it_fills_in_the_session_of_legacy_list_items(make_client):
    item = {
        "id": "rec_2",
        "status": "ready",
        "channel": "agent",
        "download_url": "/v1/recordings/rec_2/audio",
    }
    upstream = Upstream([json_response(200, {"object": "list", "data": [item]})])

    result = make_client(upstream).list_recordings(SID)

    assert result.items[0].session_id == SID
    assert result.items[0].download_url == "https://api.kallglot.test/v1/recordings/rec_2/audio"
    assert result.has_more is False
    assert upstream.requests[0].url.query == b""


@pytest.mark.parametrize("bad", ["", "../recordings/rec_1", "sess_1/end", "a?b=c", "a%2F", 42])
def test_it_refuses_ids_that_would_change_the_path(make_client, bad):
    upstream = Upstream([json_response(200, SESSION)])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream).get_session(bad)

    assert caught.value.code == "invalid_request"
    assert upstream.requests == []


def test_it_carries_the_request_id_on_the_session(make_client):
    upstream = Upstream([json_response(200, SESSION, **{"X-Request-ID": "req_abc"})])

    assert make_client(upstream).get_session(SID).request_id == "req_abc"
