"""One function per Kallglot endpoint (kallglot-api.md §2), written once for both clients.

Each function describes a call — method, path, query, JSON body, headers, the
Idempotency-Key of a POST — and how to parse its answer. It does no I/O: the sync and
async clients in `transport.py` run the same description. A POST gets its key here, once,
so every retry of that call carries the same one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sessions_app.kallglot.errors import KallglotError
from sessions_app.kallglot.types import (
    Analysis,
    Recording,
    RecordingPage,
    Session,
    Transcript,
    parse_analysis,
    parse_recording,
    parse_recording_page,
    parse_session,
    parse_transcript,
)

T = TypeVar("T")

_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_\-]{1,200}")


@dataclass(frozen=True, slots=True)
class Context:
    """What a parser may need beyond the JSON body."""

    request_id: str | None
    origin: str


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    method: str
    path: str
    parse: Callable[[Any, Context], T] | None = None
    params: dict[str, str | int] | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    idempotency_key: str | None = None


def create_session(
    *,
    mode: str,
    source_language: str | None = None,
    target_language: str | None = None,
    metadata: dict[str, str] | None = None,
    recording: bool | None = None,
    routing: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
) -> Call[Session]:
    """POST /sessions, on a telephony route if `routing` says which (none: browser only).

    Never a top-level `provider`: Kallglot resolves the carrier from `routing` and reports it
    in the answer's `provider` and `phone_number`.
    """
    body: dict[str, Any] = {"mode": mode}
    optional = {"source_language": source_language, "target_language": target_language}
    optional["metadata"] = metadata
    optional["routing"] = routing
    optional["recording"] = None if recording is None else {"enabled": recording}
    body.update({name: value for name, value in optional.items() if value is not None})
    return _post("/sessions", _session, body, idempotency_key)


def get_session(session_id: str) -> Call[Session]:
    return Call("GET", f"/sessions/{_segment(session_id)}", _session)


def end_session(session_id: str, *, idempotency_key: str | None = None) -> Call[Session]:
    """POST /sessions/<id>/end: the CURRENT answer is partial, the LEGACY one a full session."""
    return _post(f"/sessions/{_segment(session_id)}/end", _session, None, idempotency_key)


def get_transcript(session_id: str) -> Call[Transcript]:
    path = f"/sessions/{_segment(session_id)}/transcript"
    return Call("GET", path, lambda data, _: parse_transcript(data))


def list_recordings(
    session_id: str, *, limit: int | None = None, starting_after: str | None = None
) -> Call[RecordingPage]:
    params: dict[str, str | int] = {}
    if limit is not None:
        params["limit"] = limit
    if starting_after is not None:
        params["starting_after"] = _segment(starting_after)

    def parse(data: Any, context: Context) -> RecordingPage:
        return parse_recording_page(data, session_id=session_id, origin=context.origin)

    return Call("GET", f"/sessions/{_segment(session_id)}/recordings", parse, params or None)


def get_recording(recording_id: str) -> Call[Recording]:
    path = f"/recordings/{_segment(recording_id)}"
    return Call("GET", path, lambda data, context: parse_recording(data, origin=context.origin))


def recording_audio(recording_id: str, *, range_header: str | None = None) -> Call[None]:
    """GET /recordings/<id>/audio, always under the client's own base URL (never
    `download_url`, so a sandbox mounted at /sandbox/v1 works too)."""
    headers = {"Accept": "audio/*, */*"}
    if range_header:
        headers["Range"] = range_header
    return Call("GET", f"/recordings/{_segment(recording_id)}/audio", headers=headers)


def create_analysis(
    session_id: str,
    *,
    profile: str = "default",
    include: Sequence[str] | None = None,
    idempotency_key: str | None = None,
) -> Call[Analysis]:
    body: dict[str, Any] = {"profile": profile}
    if include is not None:
        body["include"] = list(include)
    path = f"/sessions/{_segment(session_id)}/analysis"
    return _post(path, lambda data, _: parse_analysis(data), body, idempotency_key)


def get_analysis(analysis_id: str) -> Call[Analysis]:
    return Call("GET", f"/analyses/{_segment(analysis_id)}", lambda data, _: parse_analysis(data))


def _post(
    path: str,
    parse: Callable[[Any, Context], T],
    body: dict[str, Any] | None,
    idempotency_key: str | None,
) -> Call[T]:
    key = idempotency_key if idempotency_key is not None else str(uuid.uuid4())
    if not key or len(key) > 255 or not key.isprintable() or not key.isascii():
        raise KallglotError("That idempotency key is not valid.", code="invalid_request")
    return Call("POST", path, parse, json=body, idempotency_key=key)


def _session(data: Any, context: Context) -> Session:
    return parse_session(data, request_id=context.request_id)


def _segment(value: str) -> str:
    """An id that is safe to put in a URL path (no "/", "..", "?" or "%")."""
    if not isinstance(value, str) or not _PATH_SEGMENT.fullmatch(value):
        raise KallglotError("That identifier is not valid.", code="invalid_request", param="id")
    return value
