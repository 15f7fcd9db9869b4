"""`GET /recordings/<id>/audio`: the upstream audio streamed through, never held in memory.

The browser never sees Kallglot's URL or key: the app fetches with its key and passes the
bytes on chunk by chunk, forwarding `Range` so the player can seek.

The bytes are served from the app's own origin, so nothing about them is taken on trust from
upstream: they go out as one of the audio types below (anything else as an opaque download),
never sniffed, under a file name the app builds, with only well-formed range headers passed
on. A hostile or broken upstream can then neither run script as the app nor break a header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from uuid import UUID

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from sessions_app.access import visible_sessions
from sessions_app.kallglot import AudioStream, KallglotError, get_async_client
from sessions_app.models import Recording

logger = logging.getLogger(__name__)

# The audio types a recording may be served as, by the upstream type that asks for it: MP3
# (kallglot-api.md §2.8), WAV (the sandbox), OGG (LEGACY `format=`), kin a player handles,
# and common aliases. Each maps to the one type the app sends and its file extension.
AUDIO_TYPES: dict[str, tuple[str, str]] = {
    "audio/mpeg": ("audio/mpeg", "mp3"),
    "audio/mp3": ("audio/mpeg", "mp3"),
    "audio/wav": ("audio/wav", "wav"),
    "audio/x-wav": ("audio/wav", "wav"),
    "audio/wave": ("audio/wav", "wav"),
    "audio/vnd.wave": ("audio/wav", "wav"),
    "audio/ogg": ("audio/ogg", "ogg"),
    "audio/webm": ("audio/webm", "webm"),
    "audio/flac": ("audio/flac", "flac"),
    "audio/x-flac": ("audio/flac", "flac"),
    "audio/mp4": ("audio/mp4", "m4a"),
    "audio/x-m4a": ("audio/mp4", "m4a"),
    "audio/aac": ("audio/aac", "aac"),
}
EXTENSIONS = frozenset(extension for _, extension in AUDIO_TYPES.values())
OPAQUE = "application/octet-stream"
# Opened in a tab, audio plays in the browser's media page; were the response ever rendered
# as anything else, it could run no script and load nothing but itself. (Without
# allow-same-origin the media page's own load is cross-origin and fails.)
POLICY = "default-src 'none'; media-src 'self'; sandbox allow-same-origin"

# Upstream headers passed on, each only in its RFC 9110 shape: a value with anything else
# (CR or LF, non-ASCII text) is dropped, never repaired.
PASSED_HEADERS = {
    "Content-Length": re.compile(r"[0-9]{1,19}"),
    "Content-Range": re.compile(r"bytes (?:[0-9]{1,19}-[0-9]{1,19}|\*)/(?:[0-9]{1,19}|\*)"),
    "Accept-Ranges": re.compile(r"bytes|none"),
}
RANGE = re.compile(r"bytes=[0-9, -]{1,200}")


@dataclass(frozen=True, slots=True)
class Served:
    """How the upstream's bytes go out: as which type, under which extension, how shown."""

    content_type: str
    extension: str
    as_attachment: bool


def find_recording(user: AbstractBaseUser, public_id: UUID) -> Recording | None:
    sessions = visible_sessions(user)
    recordings = Recording.objects.select_related("session")
    return recordings.filter(public_id=public_id, session__in=sessions).first()


async def audio(request: HttpRequest, recording_id: UUID) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    user = await request.auser()
    recording = await sync_to_async(find_recording)(user, recording_id)
    if recording is None or not user.is_authenticated:
        raise Http404("No such recording.")
    opened = get_async_client().stream_recording_audio(
        recording.kallglot_id, range_header=forwarded_range(request.headers.get("Range"))
    )
    try:
        stream = await opened.__aenter__()
    except KallglotError as exc:
        return unavailable(exc)
    return audio_response(recording, opened, stream)


def audio_response(
    recording: Recording, opened: AbstractAsyncContextManager[AudioStream], stream: AudioStream
) -> StreamingHttpResponse:
    served = served_as(stream.headers.get("content-type"), recording.format)
    response = StreamingHttpResponse(
        relay(opened, stream), status=stream.status, content_type=served.content_type
    )
    for name, value in passed_headers(stream.headers).items():
        response[name] = value
    response["Content-Disposition"] = content_disposition_header(
        served.as_attachment, file_name(recording, served)
    )
    # Set here too, not left to SecurityMiddleware's setting: the type above is the whole
    # defence only if the browser may not second-guess it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = POLICY
    response["Cache-Control"] = "private, no-store"
    return response


async def relay(
    opened: AbstractAsyncContextManager[AudioStream], stream: AudioStream
) -> AsyncIterator[bytes]:
    """Yield upstream's chunks; close the upstream response however the download ends."""
    try:
        async for chunk in stream.chunks:
            yield chunk
    finally:
        await opened.__aexit__(None, None, None)


def served_as(upstream_type: str | None, stored_format: str) -> Served:
    """Known audio plays inline as its one type; anything else is a download of bytes, named
    after the recording's `format` only where that is a known extension."""
    media_type = (upstream_type or "").split(";", 1)[0].strip().lower()
    if media_type in AUDIO_TYPES:
        content_type, extension = AUDIO_TYPES[media_type]
        return Served(content_type, extension, as_attachment=False)
    extension = stored_format.lower() if stored_format.lower() in EXTENSIONS else "bin"
    return Served(OPAQUE, extension, as_attachment=True)


def passed_headers(upstream: Mapping[str, str]) -> dict[str, str]:
    """The upstream's length and range headers that are well-formed (httpx keys: lowercase)."""
    passed = {}
    for name, shape in PASSED_HEADERS.items():
        value = upstream.get(name.lower())
        if value is not None and shape.fullmatch(value):
            passed[name] = value
    return passed


def forwarded_range(value: str | None) -> str | None:
    """The browser's `Range` if it is plain bytes=…; a server may ignore any other (RFC 9110)."""
    return value if value is not None and RANGE.fullmatch(value) else None


def file_name(recording: Recording, served: Served) -> str:
    return f"recording-{recording.session.kallglot_id}.{served.extension}"


def unavailable(exc: KallglotError) -> HttpResponse:
    if exc.status == 404:
        raise Http404("The recording is no longer available.")
    status = 416 if exc.status == 416 else 502
    return HttpResponse("The recording cannot be fetched right now.", status=status)
