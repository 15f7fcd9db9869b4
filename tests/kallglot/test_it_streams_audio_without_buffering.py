"""Recording audio is passed on chunk by chunk as it arrives, never held whole in memory,
and is always fetched from the client's own base URL."""

from __future__ import annotations

import tracemalloc

import httpx
import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import Upstream, error_response

RID = "rec_01HABC987654321"
CHUNK = 64 * 1024
AUDIO_HEADERS = {
    "Content-Type": "audio/mpeg",
    "Content-Length": str(1000 * CHUNK),
    "Accept-Ranges": "bytes",
    "Content-Disposition": 'attachment; filename="recording-sess_01HXYZ123456789.mp3"',
    "X-Request-ID": "req_audio",
}


class Source:
    """Produces `count` chunks on demand and counts how many were asked for."""

    def __init__(self, count: int = 1000) -> None:
        self.count = count
        self.produced = 0

    def __iter__(self):
        for _ in range(self.count):
            self.produced += 1
            yield b"\xff" * CHUNK

    async def __aiter__(self):
        for chunk in self:
            yield chunk

    def respond(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=AUDIO_HEADERS, content=iter(self))

    def respond_async(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=AUDIO_HEADERS, content=self.__aiter__())


def test_it_hands_over_chunks_as_they_arrive(make_client):
    source = Source()
    upstream = Upstream([source.respond])

    with make_client(upstream).stream_recording_audio(RID) as audio:
        assert source.produced == 0  # nothing read before the caller asks
        first = next(audio.chunks)
        assert len(first) == CHUNK
        assert source.produced == 1
        next(audio.chunks)
        next(audio.chunks)
        assert source.produced == 3

    assert audio.status == 200
    assert audio.headers == {
        "content-type": "audio/mpeg",
        "content-length": str(1000 * CHUNK),
        "accept-ranges": "bytes",
        "content-disposition": 'attachment; filename="recording-sess_01HXYZ123456789.mp3"',
    }


def test_it_streams_a_large_recording_in_little_memory(make_client):
    source = Source(count=1000)  # 64 MiB
    upstream = Upstream([source.respond])
    total = 0

    tracemalloc.start()
    try:
        with make_client(upstream).stream_recording_audio(RID) as audio:
            for chunk in audio.chunks:
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert total == 1000 * CHUNK
    assert peak < 4 * 1024 * 1024


def test_it_asks_for_a_range_under_its_own_base_url(make_client):
    def partial(request):
        return httpx.Response(
            206,
            headers={"Content-Range": "bytes 100-199/5000", "Content-Type": "audio/mpeg"},
            content=b"x" * 100,
        )

    upstream = Upstream([partial])
    client = make_client(upstream, base_url="http://127.0.0.1:8000/sandbox/v1")

    with client.stream_recording_audio(RID, range_header="bytes=100-199") as audio:
        body = b"".join(audio.chunks)

    [request] = upstream.requests
    assert str(request.url) == f"http://127.0.0.1:8000/sandbox/v1/recordings/{RID}/audio"
    assert request.headers["range"] == "bytes=100-199"
    assert request.headers["authorization"].startswith("Bearer ")
    assert (audio.status, audio.headers["content-range"], body) == (
        206,
        "bytes 100-199/5000",
        b"x" * 100,
    )


def test_it_retries_before_the_audio_starts(make_client, fake_time):
    source = Source(count=2)
    upstream = Upstream([error_response(503, "unavailable"), source.respond])

    with make_client(upstream).stream_recording_audio(RID) as audio:
        assert len(b"".join(audio.chunks)) == 2 * CHUNK

    assert len(upstream.requests) == 2
    assert fake_time.sleeps == [0.125]


def test_it_raises_when_the_recording_is_missing(make_client):
    upstream = Upstream([error_response(404, "resource_not_found")])

    with pytest.raises(KallglotError) as caught, make_client(upstream).stream_recording_audio(RID):
        pass

    assert (caught.value.status, caught.value.code) == (404, "resource_not_found")


def test_it_refuses_a_success_that_is_not_audio(make_client):
    upstream = Upstream([httpx.Response(202, json={"status": "processing"})])

    with pytest.raises(KallglotError) as caught, make_client(upstream).stream_recording_audio(RID):
        pass

    assert (caught.value.status, caught.value.code) == (202, "invalid_response")


async def test_it_streams_from_async_code_too(make_async_client):
    source = Source()
    upstream = Upstream([source.respond_async])

    async with make_async_client(upstream) as client, client.stream_recording_audio(RID) as audio:
        first = await anext(audio.chunks)
        assert len(first) == CHUNK
        assert source.produced == 1
        await anext(audio.chunks)
        assert source.produced == 2

    assert audio.headers["content-type"] == "audio/mpeg"


class Interrupted(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Two chunks, then the connection drops."""

    def __iter__(self):
        yield b"a" * CHUNK
        yield b"b" * CHUNK
        raise httpx.ReadError("connection reset")

    async def __aiter__(self):
        for chunk in (b"a" * CHUNK, b"b" * CHUNK):
            yield chunk
        raise httpx.ReadError("connection reset")


def test_it_reports_a_stream_cut_short_as_a_kallglot_error(make_client, caplog):
    upstream = Upstream([lambda request: httpx.Response(200, stream=Interrupted())])
    received = []

    with (
        pytest.raises(KallglotError) as caught,
        make_client(upstream).stream_recording_audio(RID) as audio,
    ):
        received.extend(audio.chunks)

    assert len(received) == 2
    assert caught.value.code == "network_error"
    assert len(upstream.requests) == 1
    assert f"GET /recordings/{RID}/audio" in caplog.text


async def test_it_reports_an_async_stream_cut_short_as_a_kallglot_error(make_async_client):
    upstream = Upstream([lambda request: httpx.Response(200, stream=Interrupted())])
    received = []

    async def consume(client):
        async with client.stream_recording_audio(RID) as audio:
            async for chunk in audio.chunks:
                received.append(chunk)

    async with make_async_client(upstream) as client:
        with pytest.raises(KallglotError) as caught:
            await consume(client)

    assert len(received) == 2
    assert caught.value.code == "network_error"
