"""/recordings/<id>/audio serves only audio types it knows, never sniffed, as one clean file.

The upstream here is hostile (tests/hostile_upstream.py, a real socket): it answers with
scriptable types, header values no honest server sends, and recordings whose `format` tries
to add a second file name or a header of its own. The app stores each recording as it does
in production, from the upstream's JSON after a signed `recording.ready` webhook.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client

from sessions_app.kallglot import reset_clients
from sessions_app.models import Recording
from sessions_app.recordings import passed_headers
from tests.aftercall.factories import ended_call
from tests.hostile_upstream import HostileUpstream
from tests.webhooks.helpers import deliver, envelope

pytestmark = pytest.mark.django_db

SCRIPT = b"window.pwned = true; document.title = 'pwned';"
HTML = b"<!doctype html><title>x</title><script>window.pwned = true;</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>window.pwned = true;</script></svg>'


@pytest.fixture
def hostile(settings: object) -> Iterator[HostileUpstream]:
    """The in-process app talks to the hostile upstream, with no retries."""
    with HostileUpstream() as upstream:
        settings.KALLGLOT_API_BASE = upstream.base
        settings.KALLGLOT_API_KEY = "sk_test_hostile_upstream"
        settings.KALLGLOT_MAX_ATTEMPTS = 1
        reset_clients()
        yield upstream
        reset_clients()


def stored(hostile: HostileUpstream, agent: object, **fields: object) -> Recording:
    """A recording of the agent's call, stored from the upstream's JSON as production does."""
    call = ended_call(agent)
    fake = hostile.add(call.kallglot_id, **fields)
    data = {"id": fake.kallglot_id, "object": "recording", "session_id": call.kallglot_id}
    assert deliver(Client(), envelope("recording.ready", data)).status_code == 200
    return Recording.objects.get(kallglot_id=fake.kallglot_id)


def download(user: object, recording: Recording, **headers: str) -> tuple[object, bytes]:
    async def fetch() -> tuple[object, bytes]:
        client = AsyncClient(raise_request_exception=False)
        await client.aforce_login(user)
        response = await client.get(f"/recordings/{recording.public_id}/audio", headers=headers)
        if not response.streaming:
            return response, response.content
        return response, b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(fetch)()


def assert_never_sniffed(response: object) -> None:
    """Served as declared, and if opened as a page, a sandbox that runs no script."""
    assert response["X-Content-Type-Options"] == "nosniff"
    parts = (part.split() for part in response["Content-Security-Policy"].split(";"))
    policy = {name: values for name, *values in parts}
    assert "allow-scripts" not in policy["sandbox"]
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy


@pytest.mark.parametrize(
    ("upstream_type", "body"),
    [
        pytest.param(b"text/html; charset=utf-8", HTML, id="html"),
        pytest.param(b"image/svg+xml", SVG, id="svg"),
        pytest.param(b"application/javascript", SCRIPT, id="javascript"),
        pytest.param(b"text/javascript", SCRIPT, id="text-javascript"),
        pytest.param(b"application/xhtml+xml", HTML, id="xhtml"),
        pytest.param(b"audio/wav, text/html", HTML, id="audio-then-html"),
        pytest.param(b"audio/", SCRIPT, id="no-subtype"),
        pytest.param(None, SCRIPT, id="no-type"),
    ],
)
def test_anything_but_known_audio_is_a_download_of_bytes(
    hostile: HostileUpstream, alice: object, upstream_type: bytes | None, body: bytes
) -> None:
    recording = stored(hostile, alice, content_type=upstream_type, body=body, format="mp3")

    response, received = download(alice, recording)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    kallglot_id = recording.session.kallglot_id
    assert response["Content-Disposition"] == f'attachment; filename="recording-{kallglot_id}.mp3"'
    assert_never_sniffed(response)
    assert received == body


@pytest.mark.parametrize(
    ("upstream_type", "served_type", "extension"),
    [
        (b"audio/wav", "audio/wav", "wav"),
        (b"audio/x-wav", "audio/wav", "wav"),
        (b"audio/wave", "audio/wav", "wav"),
        (b"audio/mpeg", "audio/mpeg", "mp3"),
        (b"audio/mp3", "audio/mpeg", "mp3"),
        (b'Audio/MPEG; codecs="mp3"', "audio/mpeg", "mp3"),
        (b"audio/ogg; codecs=opus", "audio/ogg", "ogg"),
        (b'audio/webm; codecs="opus"; x="<script>"', "audio/webm", "webm"),
        (b"audio/flac", "audio/flac", "flac"),
        (b"audio/mp4", "audio/mp4", "m4a"),
        (b"audio/aac", "audio/aac", "aac"),
    ],
)
def test_known_audio_plays_inline_under_its_one_name(
    hostile: HostileUpstream, alice: object, upstream_type: bytes, served_type: str, extension: str
) -> None:
    recording = stored(hostile, alice, content_type=upstream_type, format="wav")

    response, received = download(alice, recording)

    assert response.status_code == 200
    assert response["Content-Type"] == served_type
    kallglot_id = recording.session.kallglot_id
    expected = f'inline; filename="recording-{kallglot_id}.{extension}"'
    assert response["Content-Disposition"] == expected
    assert_never_sniffed(response)
    assert received.startswith(b"RIFF")


# Recording.format holds 16 characters on PostgreSQL: each hostile format fits.
@pytest.mark.parametrize(
    "hostile_format",
    [
        '"; filename=x.js',
        'wav";filename="x',
        "\r\nSet-Cookie:a=b",
        "wav\nX-Evil: 1",
        "../../x.html",
    ],
)
def test_a_hostile_format_cannot_name_the_file_or_add_a_header(
    hostile: HostileUpstream, alice: object, hostile_format: str
) -> None:
    recording = stored(hostile, alice, format=hostile_format)
    assert recording.format == hostile_format

    response, _ = download(alice, recording)

    assert response.status_code == 200
    kallglot_id = recording.session.kallglot_id
    assert response["Content-Disposition"] == f'inline; filename="recording-{kallglot_id}.wav"'
    assert "Set-Cookie" not in response
    assert "X-Evil" not in response
    assert "a" not in response.cookies
    assert_never_sniffed(response)


@pytest.mark.parametrize(
    ("stored_format", "extension"),
    [("WAV", "wav"), ("ogg", "ogg"), ("html", "bin"), ('"; filename=x.js', "bin"), ("", "bin")],
)
def test_a_download_of_bytes_is_named_after_a_known_format_or_bin(
    hostile: HostileUpstream, alice: object, stored_format: str, extension: str
) -> None:
    recording = stored(hostile, alice, content_type=b"text/html", body=HTML, format=stored_format)

    response, _ = download(alice, recording)

    kallglot_id = recording.session.kallglot_id
    expected = f'attachment; filename="recording-{kallglot_id}.{extension}"'
    assert response["Content-Disposition"] == expected
    assert response["Content-Type"] == "application/octet-stream"


def test_header_values_that_are_not_plain_ascii_are_dropped(
    hostile: HostileUpstream, alice: object
) -> None:
    odd = ((b"Content-Range", "bytes 0-1/2\u2028".encode()), (b"Accept-Ranges", b"bytes\xc2\x85"))
    recording = stored(hostile, alice, headers=odd)

    response, received = download(alice, recording)

    assert response.status_code == 200
    assert "Content-Range" not in response
    assert "Accept-Ranges" not in response
    assert response["Content-Length"] == str(len(received))
    assert_never_sniffed(response)


def test_a_range_that_is_not_plain_ascii_is_not_forwarded(
    hostile: HostileUpstream, alice: object
) -> None:
    recording = stored(hostile, alice)
    fake = hostile.recordings[recording.kallglot_id]

    response, received = download(alice, recording, Range="bytes=0-\u00ff")

    assert response.status_code == 200
    assert received == fake.body
    assert [request.headers.get("Range") for request in hostile.audio_requests(fake)] == [None]


def test_a_range_is_still_forwarded_and_its_answer_passed_on(
    hostile: HostileUpstream, alice: object
) -> None:
    headers = ((b"Content-Range", b"bytes 0-3/1644"),)
    recording = stored(hostile, alice, http_status=206, body=b"RIFF", headers=headers)
    fake = hostile.recordings[recording.kallglot_id]

    response, received = download(alice, recording, Range="bytes=0-3")

    assert response.status_code == 206
    assert received == b"RIFF"
    assert response["Content-Range"] == "bytes 0-3/1644"
    assert response["Content-Length"] == "4"
    assert response["Accept-Ranges"] == "bytes"
    assert [request.headers.get("Range") for request in hostile.audio_requests(fake)] == [
        "bytes=0-3"
    ]


def test_header_breaking_values_are_never_passed_on() -> None:
    """What h11 refuses to read off a socket, another transport could still hand over."""
    upstream = {
        "content-type": "audio/wav",
        "content-length": "12\r\nSet-Cookie: a=b",
        "content-range": "bytes 0-1/2\nX-Evil: 1",
        "accept-ranges": "bytes\r",
    }

    assert passed_headers(upstream) == {}
    assert passed_headers({"content-length": "+12"}) == {}
    assert passed_headers({"content-length": "12", "accept-ranges": "none"}) == {
        "Content-Length": "12",
        "Accept-Ranges": "none",
    }
