"""`GET recordings/<id>/audio` (kallglot-api.md §2.8): the bytes themselves, streamed.

The sandbox serves WAV (16-bit PCM, 8 kHz mono) rather than the docs' MP3, and says so in the
recording's `format`. A single `Range: bytes=a-b` is honoured with 206 so players can seek and
proxies can resume; several ranges or a malformed header get the whole file (RFC 9110 allows
ignoring Range).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from django.http import HttpResponse, StreamingHttpResponse

from kallglot_sandbox.errors import ApiError
from kallglot_sandbox.gateway import Call, endpoint, error_response
from kallglot_sandbox.views import get_recording

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive; None for 'the whole file'."""
    match = _RANGE.match((header or "").strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise Unsatisfiable
    return start, end


async def _chunks(data: bytes, start: int, stop: int) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for offset in range(start, stop, CHUNK):
        yield bytes(view[offset : min(stop, offset + CHUNK)])


@endpoint("recordings.audio", "GET")
async def recording_audio(call: Call, recording_id: str) -> HttpResponse:
    recording = get_recording(recording_id)
    if recording.status != "ready":
        raise ApiError(
            409, "recording_not_ready", "The recording is still being processed.", retry_after=1
        )
    size = len(recording.wav)
    try:
        span = parse_range(call.request.headers.get("Range"), size)
    except Unsatisfiable:
        error = ApiError(416, "range_not_satisfiable", "The requested range is not available.")
        response = error_response(error, call.request_id)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = span or (0, size - 1)
    response = StreamingHttpResponse(
        _chunks(recording.wav, first, last + 1),
        status=206 if span else 200,
        content_type="audio/wav",
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = f'attachment; filename="recording-{recording.session_id}.wav"'
    if span:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
