"""Kallglot's resources as small frozen dataclasses, and the parsers that build them.

The parsers are the one place that knows Kallglot's JSON. They are tolerant of the LEGACY
shapes listed in kallglot-api.md §6 (provider as a string or an object, `duration` vs
`duration_seconds`, `ana_` vs `anl_`, transcript `segments`, analysis `results`, extra
fields) and strict about what the product relies on: ids and their prefixes, statuses,
and the stream block handed to the browser. A breach raises
`KallglotError(code="invalid_response")`. Secondary fields of the wrong type become None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from sessions_app.kallglot.errors import invalid_response

SESSION_STATUSES = frozenset({"created", "connecting", "active", "ending", "ended"})
RECORDING_STATUSES = frozenset({"processing", "ready", "failed"})
# Upstream status -> the status the product uses ("complete" and "queued" are LEGACY).
TRANSCRIPT_STATUSES = {
    "in_progress": "in_progress",
    "completed": "completed",
    "complete": "completed",
}
ANALYSIS_STATUSES = {
    "processing": "processing",
    "queued": "processing",
    "completed": "completed",
    "complete": "completed",
    "failed": "failed",
}


@dataclass(frozen=True, slots=True)
class Stream:
    url: str
    token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    status: str
    mode: str | None = None
    source_language: str | None = None
    target_language: str | None = None
    provider: str | None = None
    phone_number: str | None = None
    stream: Stream | None = None
    recording_enabled: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    end_reason: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    sequence: int
    speaker: str
    language: str | None
    text: str
    translation_language: str | None = None
    translation_text: str | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    id: str | None
    session_id: str
    status: str
    turns: tuple[Turn, ...] = ()
    duration_seconds: float | None = None
    languages_detected: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Recording:
    id: str
    session_id: str
    status: str
    channel: str | None = None
    duration: float | None = None
    format: str | None = None
    size: int | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    download_url: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecordingPage:
    items: list[Recording]
    has_more: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    id: str
    session_id: str
    status: str
    profile: str | None = None
    summary: str | None = None
    sentiment: dict[str, Any] | None = None
    compliance: dict[str, Any] | None = None
    performance: dict[str, Any] | None = None
    # Not in Kallglot's documented result although `include` accepts it: a list of words.
    keywords: tuple[str, ...] = ()
    error: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None


# --- parsers --------------------------------------------------------------------------------


def parse_session(data: Any, *, request_id: str | None = None) -> Session:
    """A session from a create/retrieve/end response or a webhook's `data`."""
    data = _object(data)
    recording = data.get("recording")
    return Session(
        id=_id(data, "id", ("sess_",)),
        status=_status(data, SESSION_STATUSES),
        mode=_str(data, "mode"),
        source_language=_str(data, "source_language"),
        target_language=_str(data, "target_language"),
        provider=_provider(data.get("provider")),
        phone_number=_str(data, "phone_number") or _provider_phone(data.get("provider")),
        stream=_stream(data.get("stream")),
        recording_enabled=isinstance(recording, dict) and recording.get("enabled") is True,
        metadata=_dict(data, "metadata") or {},
        created_at=_datetime(data, "created_at"),
        started_at=_datetime(data, "started_at"),
        ended_at=_datetime(data, "ended_at"),
        duration_seconds=_first_number(data, "duration_seconds", "duration"),
        end_reason=_str(data, "end_reason"),
        request_id=request_id,
    )


def parse_transcript(data: Any) -> Transcript:
    """A CURRENT transcript (`turns`, `metadata`) or a LEGACY one (`segments`)."""
    data = _object(data)
    stats = _dict(data, "metadata") or {}
    if "turns" in data:
        turns = tuple(_turn(n, item) for n, item in enumerate(_list(data, "turns")))
    else:
        target = (_dict(data, "language") or {}).get("target")
        turns = tuple(_segment(n, item, target) for n, item in enumerate(_list(data, "segments")))
    languages = stats.get("languages_detected")
    if not isinstance(languages, list):
        languages = dict.fromkeys(turn.language for turn in turns if turn.language)
    return Transcript(
        id=_str(data, "id"),
        session_id=_id(data, "session_id", ("sess_",)),
        status=_choice(data, TRANSCRIPT_STATUSES),
        turns=turns,
        duration_seconds=_first_number({**data, **stats}, "duration_seconds", "duration"),
        languages_detected=tuple(str(language) for language in languages),
    )


def parse_recording(
    data: Any, *, session_id: str | None = None, origin: str | None = None
) -> Recording:
    """A recording; `session_id` fills in for LEGACY list items, `origin` resolves a
    relative `download_url` (CURRENT: "/v1/recordings/<id>/audio")."""
    data = _object(data)
    if session_id is not None and "session_id" not in data:
        data = {**data, "session_id": session_id}
    download_url = _str(data, "download_url")
    if download_url and origin:
        download_url = urljoin(origin, download_url)
    return Recording(
        id=_id(data, "id", ("rec_",)),
        session_id=_id(data, "session_id", ("sess_",)),
        status=_status(data, RECORDING_STATUSES),
        channel=_str(data, "channel"),
        duration=_number(data, "duration"),
        format=_str(data, "format"),
        size=_int(data, "size"),
        sample_rate=_int(data, "sample_rate"),
        bit_depth=_int(data, "bit_depth"),
        download_url=download_url,
        created_at=_datetime(data, "created_at"),
        expires_at=_datetime(data, "expires_at"),
    )


def parse_recording_page(
    data: Any, *, session_id: str | None = None, origin: str | None = None
) -> RecordingPage:
    data = _object(data)
    session_id = _str(data, "session_id") or session_id
    items = [
        parse_recording(item, session_id=session_id, origin=origin) for item in _list(data, "data")
    ]
    return RecordingPage(items=items, has_more=data.get("has_more") is True)


def parse_analysis(data: Any) -> Analysis:
    """A CURRENT analysis (flat fields) or a LEGACY one (`results{…}`, `ana_`, `complete`)."""
    data = _object(data)
    results = _dict(data, "results") or {}
    summary = data.get("summary", results.get("summary"))
    if isinstance(summary, dict):
        summary = summary.get("brief")
    return Analysis(
        id=_id(data, "id", ("anl_", "ana_")),
        session_id=_id(data, "session_id", ("sess_",)),
        status=_choice(data, ANALYSIS_STATUSES),
        profile=_str(data, "profile"),
        summary=summary if isinstance(summary, str) else None,
        sentiment=_dict(data, "sentiment") or _dict(results, "sentiment"),
        compliance=_dict(data, "compliance") or _dict(results, "compliance"),
        performance=_dict(data, "performance"),
        keywords=_keywords(data.get("keywords")),
        error=_str(data, "error"),
        created_at=_datetime(data, "created_at"),
        completed_at=_datetime(data, "completed_at"),
    )


def _keywords(value: Any) -> tuple[str, ...]:
    """Words, at most 50 of up to 100 characters; anything else is no keywords."""
    if not isinstance(value, list):
        return ()
    return tuple(word[:100] for word in value if isinstance(word, str) and word)[:50]


def _stream(value: Any) -> Stream | None:
    if value is None:
        return None
    value = _object(value, "stream")
    url = value.get("url")
    if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
        raise invalid_response("stream.url")
    token = value.get("token")
    if not isinstance(token, str) or not token:
        raise invalid_response("stream.token")
    expires_at = _datetime(value, "expires_at")
    if expires_at is None:
        raise invalid_response("stream.expires_at")
    return Stream(url=url, token=token, expires_at=expires_at)


def _provider(value: Any) -> str | None:
    if isinstance(value, dict):  # LEGACY: {type, phone_number, status, call_sid}
        value = value.get("type")
    return value if isinstance(value, str) and value else None


def _provider_phone(value: Any) -> str | None:
    phone = value.get("phone_number") if isinstance(value, dict) else None
    return phone if isinstance(phone, str) else None


def _turn(index: int, item: Any) -> Turn:
    item = _object(item, "turns")
    translation = _dict(item, "translation") or {}
    sequence = _int(item, "sequence")
    return Turn(
        sequence=index + 1 if sequence is None else sequence,
        speaker=_required_str(item, "speaker"),
        language=_str(item, "language"),
        text=_required_str(item, "text"),
        translation_language=_str(translation, "language"),
        translation_text=_str(translation, "text"),
        timestamp=_datetime(item, "timestamp"),
    )


def _segment(index: int, item: Any, target: Any) -> Turn:
    """A LEGACY segment: no sequence (use its position), `translation` a plain string."""
    item = _object(item, "segments")
    translation = _str(item, "translation")
    return Turn(
        sequence=index + 1,
        speaker=_required_str(item, "speaker"),
        language=_str(item, "language"),
        text=_required_str(item, "text"),
        translation_language=target if translation and isinstance(target, str) else None,
        translation_text=translation,
    )


# --- field readers --------------------------------------------------------------------------


def _object(value: Any, param: str | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_response(param)
    return value


def _id(data: dict[str, Any], key: str, prefixes: tuple[str, ...]) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not any(
        value.startswith(prefix) and len(value) > len(prefix) for prefix in prefixes
    ):
        raise invalid_response(key)
    return value


def _status(data: dict[str, Any], allowed: frozenset[str]) -> str:
    value = data.get("status")
    if not isinstance(value, str) or value not in allowed:
        raise invalid_response("status")
    return value


def _choice(data: dict[str, Any], mapping: dict[str, str]) -> str:
    value = data.get("status")
    if not isinstance(value, str) or value not in mapping:
        raise invalid_response("status")
    return mapping[value]


def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _required_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise invalid_response(key)
    return value


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _first_number(data: dict[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = _number(data, key)
        if value is not None:
            return value
    return None


def _int(data: dict[str, Any], key: str) -> int | None:
    value = _number(data, key)
    return int(value) if value is not None and value.is_integer() else None


def _dict(data: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = data.get(key)
    return value if isinstance(value, dict) else None


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise invalid_response(key)
    return value


def _datetime(data: dict[str, Any], key: str) -> datetime | None:
    """An ISO 8601 timestamp ("…Z") as an aware UTC datetime; None if absent or unreadable."""
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
