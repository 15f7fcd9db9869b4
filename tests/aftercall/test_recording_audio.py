"""/recordings/<id>/audio streams the upstream audio through the app, with Range support."""

from __future__ import annotations

import pytest
from django.test import AsyncClient

from tests.aftercall.calls import recorded_call
from tests.conftest import SANDBOX_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(alice, sandbox, client):
    return recorded_call(alice, sandbox, client)


def download(user, recording, **headers) -> tuple[object, bytes]:
    from asgiref.sync import async_to_sync

    async def fetch() -> tuple[object, bytes]:
        client = AsyncClient()
        if user is not None:
            await client.aforce_login(user)
        response = await client.get(f"/recordings/{recording.public_id}/audio", headers=headers)
        if response.status_code >= 300:
            return response, response.content
        body = b"".join([chunk async for chunk in response.streaming_content])
        return response, body

    return async_to_sync(fetch)()


def upstream_audio(sandbox, recording, **headers) -> bytes:
    return sandbox.call("GET", f"recordings/{recording.kallglot_id}/audio", headers=headers).content


def test_the_owner_gets_the_recording_as_upstream_serves_it(call, alice, sandbox):
    recording = call.recordings.get()

    response, body = download(alice, recording)

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert int(response["Content-Length"]) == len(body) == recording.size_bytes
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Disposition"] == (
        f'inline; filename="recording-{call.kallglot_id}.wav"'
    )
    assert body.startswith(b"RIFF")
    assert body == upstream_audio(sandbox, recording)
    assert SANDBOX_KEY.encode() not in body


def test_a_range_request_gets_just_that_part(call, alice, sandbox):
    recording = call.recordings.get()

    response, body = download(alice, recording, Range="bytes=100-199")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{recording.size_bytes}"
    assert body == upstream_audio(sandbox, recording)[100:200]
    assert body == upstream_audio(sandbox, recording, Range="bytes=100-199")


def test_another_agent_and_anonymous_users_get_404(call, bob, charlie):
    recording = call.recordings.get()

    assert download(bob, recording)[0].status_code == 404
    assert download(None, recording)[0].status_code == 404
    assert download(charlie, recording)[0].status_code == 200


def test_a_recording_gone_upstream_is_404(call, alice, sandbox):
    recording = call.recordings.get()
    sandbox.fault("recordings.audio", 404, "resource_not_found")

    assert download(alice, recording)[0].status_code == 404
