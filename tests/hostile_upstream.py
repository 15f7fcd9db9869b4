"""A hostile stand-in for Kallglot on a real socket, for the recording endpoints the app calls.

It answers `GET …/recordings/<id>` (the JSON a `recording.ready` webhook makes the app fetch)
and `GET …/recordings/<id>/audio` (the bytes the app streams through) with whatever a test
scripts: any `Content-Type`, any `format`, header bytes no well-behaved server would send.

It writes raw HTTP/1.1 from `asyncio.start_server` rather than running a Django app, because
Django refuses to write some of the headers a hostile server sends. Its event loop runs in a
thread, so in-process tests and a Daphne subprocess of the app both reach it.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import re
import threading
import wave
from dataclasses import dataclass, field

ROUTE = re.compile(r".*/recordings/([^/]+)(/audio)?")
REASONS = {200: b"OK", 206: b"Partial Content", 404: b"Not Found"}
numbers = itertools.count(1)


def tiny_wav() -> bytes:
    """A valid 8 kHz mono WAV of 100 ms of silence, what a harmless recording sounds like."""
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


@dataclass
class FakeRecording:
    """One recording as the hostile upstream describes and serves it."""

    kallglot_id: str
    session_id: str
    content_type: bytes | None = b"audio/wav"
    body: bytes = field(default_factory=tiny_wav)
    format: str = "wav"
    http_status: int = 200
    headers: tuple[tuple[bytes, bytes], ...] = ()

    def resource(self) -> dict:
        return {
            "id": self.kallglot_id,
            "object": "recording",
            "session_id": self.session_id,
            "status": "ready",
            "format": self.format,
            "duration": 0.1,
            "size": len(self.body),
            "created_at": "2026-03-26T11:05:00Z",
        }

    def audio_headers(self) -> list[tuple[bytes, bytes]]:
        kind = [] if self.content_type is None else [(b"Content-Type", self.content_type)]
        return [*kind, (b"Accept-Ranges", b"bytes"), *self.headers]


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]


class HostileUpstream:
    """`with HostileUpstream() as upstream:` serves on 127.0.0.1 until the block ends."""

    def __init__(self) -> None:
        self.recordings: dict[str, FakeRecording] = {}
        self.requests: list[SeenRequest] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def base(self) -> str:
        """What the app is given as `KALLGLOT_API_BASE`."""
        return f"http://127.0.0.1:{self.port}/v1"

    def add(self, session_id: str, **fields: object) -> FakeRecording:
        kallglot_id = f"rec_hostile{next(numbers):05d}"
        recording = FakeRecording(kallglot_id, session_id, **fields)
        self.recordings[kallglot_id] = recording
        return recording

    def audio_requests(self, recording: FakeRecording) -> list[SeenRequest]:
        path = f"/v1/recordings/{recording.kallglot_id}/audio"
        return [request for request in self.requests if request.path == path]

    def __enter__(self) -> HostileUpstream:
        self._thread.start()
        start = asyncio.start_server(self._serve, "127.0.0.1", 0)
        self._server = asyncio.run_coroutine_threadsafe(start, self._loop).result(timeout=5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    async def _close(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = parse_request(await reader.readuntil(b"\r\n\r\n"))
            self.requests.append(request)
            writer.write(self._answer(request))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the app gave up on the request (a client that went away)
        finally:
            writer.close()

    def _answer(self, request: SeenRequest) -> bytes:
        match = ROUTE.fullmatch(request.path)
        recording = self.recordings.get(match[1]) if match else None
        if recording is None:
            error = {"error": {"code": "resource_not_found", "message": "No such recording."}}
            return http_response(404, [(b"Content-Type", b"application/json")], json_bytes(error))
        if match and match[2]:
            return http_response(recording.http_status, recording.audio_headers(), recording.body)
        json_type = [(b"Content-Type", b"application/json")]
        return http_response(200, json_type, json_bytes(recording.resource()))


def parse_request(head: bytes) -> SeenRequest:
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = dict(line.split(": ", 1) for line in lines if ": " in line)
    return SeenRequest(method, target.split("?", 1)[0], headers)


def http_response(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> bytes:
    lines = [b"HTTP/1.1 %d %s" % (status, REASONS.get(status, b"Whatever"))]
    lines += [name + b": " + value for name, value in headers]
    lines += [b"Content-Length: %d" % len(body), b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def json_bytes(data: dict) -> bytes:
    return json.dumps(data).encode()
