"""The API key never appears in an error's str() or repr(), nor in any log record — not
even when upstream echoes it back in an error body or a header."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest

from sessions_app.kallglot import KallglotError, upstream_status
from tests.kallglot.conftest import API_KEY, SESSION, Upstream, json_response

PLAIN_KEY = "plain-secret-without-prefix-123"  # no sk_ shape: only the exact match can catch it


def echoing(key):
    """Every text field of the envelope, and the request id header, echo the key."""

    def answer(request):
        echoed = f"Key {key} / {request.headers['authorization']} is not valid"
        body = {
            "error": {
                "type": echoed,
                "code": f"invalid_api_key:{key}",
                "message": echoed,
                "param": key,
                "request_id": f"req_{key}",
            }
        }
        return httpx.Response(401, json=body, headers={"X-Request-ID": key})

    return answer


def raising_with_the_key(request):
    raise httpx.ConnectError(f"could not connect with {request.headers['authorization']}")


def everything_logged(caplog):
    parts = []
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


@pytest.mark.parametrize("key", [API_KEY, PLAIN_KEY])
@pytest.mark.parametrize("answer", [echoing, lambda key: raising_with_the_key])
def test_it_never_shows_the_key(make_client, caplog, key, answer):
    caplog.set_level(logging.DEBUG)
    client = make_client(Upstream([answer(key)]), api_key=key, max_attempts=2)

    with pytest.raises(KallglotError) as caught:
        client.create_session(mode="bidirectional_translation")
    error = caught.value

    assert key not in str(error)
    assert key not in repr(error)
    assert key not in repr(error.args)
    assert all(key not in str(value) for value in vars(error).values())
    assert key not in repr(pickle.loads(pickle.dumps(error)))  # noqa: S301
    assert key not in everything_logged(caplog)
    assert key not in repr(client)
    assert caplog.records  # the failure was logged


def test_it_scrubs_key_and_token_shapes_it_was_not_told_about():
    error = KallglotError(
        "Bad key sk_live_abc-DEF-123 and token kst_live_xyz for Bearer abc.def",
        code="invalid_api_key",
    )

    assert "sk_live_abc-DEF-123" not in str(error)
    assert "kst_live_xyz" not in str(error)
    assert "abc.def" not in str(error)
    assert str(error) == "Bad key [redacted] and token [redacted] for [redacted]"


def test_it_keeps_the_stream_token_out_of_a_sessions_repr(make_client):
    session = make_client(Upstream([json_response(201, SESSION)])).create_session(
        mode="bidirectional_translation"
    )

    assert session.stream.token == SESSION["stream"]["token"]
    assert SESSION["stream"]["token"] not in repr(session)


def test_it_scrubs_a_request_id_header_that_echoes_the_key(make_client):
    upstream = Upstream([json_response(200, SESSION, **{"X-Request-ID": f"req_{API_KEY}"})])

    session = make_client(upstream).get_session(SESSION["id"])

    assert API_KEY not in repr(session)
    assert API_KEY not in repr(upstream_status())
