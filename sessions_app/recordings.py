"""`GET /recordings/<id>/audio`: the upstream audio streamed through, never held in memory.

The browser never sees Kallglot's URL or key: the app fetches with its key and passes the
bytes on chunk by chunk, forwarding `Range` so the player can seek.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from uuid import UUID

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from sessions_app.access import visible_sessions
from sessions_app.kallglot import AudioStream, KallglotError, get_async_client
from sessions_app.models import Recording

logger = logging.getLogger(__name__)

PASSED_HEADERS = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges")


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
        recording.kallglot_id, range_header=request.headers.get("Range")
    )
    try:
        stream = await opened.__aenter__()
    except KallglotError as exc:
        return unavailable(exc)
    response = StreamingHttpResponse(relay(opened, stream), status=stream.status)
    for name in PASSED_HEADERS:
        if value := stream.headers.get(name.lower()):
            response[name] = value
    response["Content-Disposition"] = f'inline; filename="{file_name(recording)}"'
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


def file_name(recording: Recording) -> str:
    extension = recording.format or "wav"
    return f"recording-{recording.session.kallglot_id}.{extension}"


def unavailable(exc: KallglotError) -> HttpResponse:
    if exc.status == 404:
        raise Http404("The recording is no longer available.")
    status = 416 if exc.status == 416 else 502
    return HttpResponse("The recording cannot be fetched right now.", status=status)
