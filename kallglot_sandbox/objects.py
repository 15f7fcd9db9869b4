"""The JSON shapes of the API's resources (kallglot-api.md §2.1, §2.5, §2.7, §2.10)."""

from __future__ import annotations

import time
from typing import Any

from kallglot_sandbox.ids import iso
from kallglot_sandbox.state import Analysis, Recording, Session, StreamToken, Turn

RECORDING_RETENTION_S = 30 * 24 * 3600
SAMPLE_RATE = 8000
BIT_DEPTH = 16


def _maybe_iso(at: float | None) -> str | None:
    return None if at is None else iso(at)


def duration_seconds(session: Session) -> float:
    """Active time: from the first audio to the end (or now), as billing counts it (§1.9)."""
    if session.started_at is None:
        return 0.0
    end = session.ended_at if session.ended_at is not None else time.time()
    return round(max(0.0, end - session.started_at), 3)


def session_object(session: Session, stream: dict[str, str] | None = None) -> dict[str, Any]:
    """§2.1; `stream` only while not ended (D19); ended sessions add their duration."""
    body: dict[str, Any] = {
        "id": session.id,
        "object": "session",
        "status": session.status,
        "mode": session.mode,
        "provider": session.route.provider,
        "phone_number": session.route.phone_number,
        "source_language": session.source_language,
        "target_language": session.target_language,
    }
    if stream is not None:
        body["stream"] = stream
    body.update(
        recording={"enabled": session.recording_enabled},
        metadata=session.metadata,
        created_at=iso(session.created_at),
        started_at=_maybe_iso(session.started_at),
        ended_at=_maybe_iso(session.ended_at),
    )
    if session.status == "ended":
        body["duration"] = body["duration_seconds"] = duration_seconds(session)
    return body


def leg_event_object(session: Session, reason: str | None = None) -> dict[str, Any]:
    """`session.provider.connected/disconnected` data (§4.4 suggestion, plus the status)."""
    body: dict[str, Any] = {
        "id": session.id,
        "object": "session",
        "provider": session.route.provider,
        "phone_number": session.route.phone_number,
        "direction": session.route.direction,
        "status": session.status,
    }
    if reason is not None:
        body["reason"] = reason
    return body


def stream_object(url: str, token: StreamToken) -> dict[str, str]:
    return {"url": url, "token": token.token, "expires_at": iso(token.expires_at)}


def end_summary(session: Session) -> dict[str, Any]:
    """§2.4's CURRENT response."""
    return {
        "id": session.id,
        "object": "session",
        "status": "ended",
        "duration_seconds": duration_seconds(session),
        "ended_at": _maybe_iso(session.ended_at),
    }


def turn_object(turn: Turn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sequence": turn.sequence,
        "speaker": turn.speaker,
        "language": turn.language,
        "text": turn.text,
    }
    if turn.translation is not None:
        body["translation"] = dict(turn.translation)
    body["timestamp"] = iso(turn.timestamp)
    return body


def transcript_object(session: Session) -> dict[str, Any]:
    """§2.5 (CURRENT): turns in sequence order, `completed` once the session has ended."""
    turns = sorted(session.turns, key=lambda turn: turn.sequence)
    languages: list[str] = []
    for turn in turns:
        if turn.language not in languages:
            languages.append(turn.language)
    return {
        "id": f"trn_{session.id}",
        "object": "transcript",
        "session_id": session.id,
        "status": "completed" if session.status == "ended" else "in_progress",
        "turns": [turn_object(turn) for turn in turns],
        "metadata": {
            "total_turns": len(turns),
            "duration_seconds": duration_seconds(session),
            "languages_detected": languages,
        },
    }


def segment_object(session: Session, turn: Turn) -> dict[str, Any]:
    """`transcript.segment` data: a REST turn plus its session (§4.4 suggestion)."""
    return {"session_id": session.id, **turn_object(turn)}


def recording_object(recording: Recording) -> dict[str, Any]:
    """§2.7; `download_url` is the documented relative path once the file is ready."""
    ready = recording.status == "ready"
    return {
        "id": recording.id,
        "object": "recording",
        "session_id": recording.session_id,
        "channel": "agent",
        "status": recording.status,
        "duration": recording.duration,
        "format": "wav",
        "size": len(recording.wav),
        "sample_rate": SAMPLE_RATE,
        "bit_depth": BIT_DEPTH,
        "download_url": f"/v1/recordings/{recording.id}/audio" if ready else None,
        "created_at": iso(recording.created_at),
        "expires_at": iso(recording.created_at + RECORDING_RETENTION_S),
    }


def analysis_object(analysis: Analysis) -> dict[str, Any]:
    """§2.10 (CURRENT); result fields stay null until completed."""
    result = analysis.result
    body: dict[str, Any] = {
        "id": analysis.id,
        "object": "analysis",
        "session_id": analysis.session_id,
        "call_id": None,
        "profile": analysis.profile,
        "status": analysis.status,
        "summary": result.get("summary"),
        "sentiment": result.get("sentiment"),
        "compliance": result.get("compliance"),
        "performance": result.get("performance"),
        "error": analysis.error,
        "created_at": iso(analysis.created_at),
        "completed_at": _maybe_iso(analysis.completed_at),
    }
    if "keywords" in analysis.include:
        body["keywords"] = result.get("keywords")
    return body
