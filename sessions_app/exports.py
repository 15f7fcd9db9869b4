"""Transcript exports: plain text, WebVTT (one cue per turn) and JSON.

Each carries the call's wrap-up (disposition and the agent's note) once it is filed, and an
inbound call's caller, queue and outcome; a missed call has no agent.

A turn's fields come from Kallglot and, through speech, from the customer, and a note from the
agent: in the line-based formats each is put on one line first, so none can start a line of its
own (a forged "Customer: ..." line, or a forged cue).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from sessions_app import inbound_facts
from sessions_app.api import wrap_up_json
from sessions_app.models import CallSession, QueuedCall, TranscriptTurn
from sessions_app.templatetags.calls import duration

FORMATS = {
    "txt": "text/plain; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
}
SECONDS_PER_WORD = 0.4
MIN_CUE_SECONDS = 1.0
# Every character str.splitlines() ends a line at; readers and editors break at most of them.
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


# A WebVTT comment ends at a blank line and may not hold "-->".
ARROW = re.compile(r"-{2,}>")


def render(fmt: str, session: CallSession, turns: Sequence[TranscriptTurn]) -> str:
    return {"txt": as_text, "vtt": as_vtt, "json": as_json}[fmt](session, turns)


def about(session: CallSession) -> list[str]:
    """The call in lines: who took it, how an inbound call went, how the agent filed it."""
    agent = f"with {session.agent_name}" if session.agent_id else "taken by no agent"
    lines = [f"Call {session.kallglot_id} {agent}"]
    if queued := queued_call(session):
        facts = inbound_facts.facts(queued, queue=inbound_facts.queue_label(queued))
        lines.append(f"Inbound from {facts.caller} on {facts.queue or 'a queue'}: {facts.outcome}")
    if session.wrapped_up_at:
        lines.append(f"Disposition: {session.disposition.label if session.disposition else '-'}")
        if session.wrap_up_note:
            lines.append(f"Note: {session.wrap_up_note}")
    return [one_line(line) for line in lines]


def queued_call(session: CallSession) -> QueuedCall | None:
    calls = QueuedCall.objects.select_related("queue__route")
    return calls.filter(session=session).first()


def offsets(session: CallSession, turns: Sequence[TranscriptTurn]) -> list[float]:
    """Seconds from the start of the call to each turn (turns without a time follow on)."""
    origin = session.started_at or first_time(turns) or session.created_at
    result, previous = [], 0.0
    for turn in turns:
        at = (turn.spoken_at - origin).total_seconds() if turn.spoken_at else previous
        previous = max(at, previous)
        result.append(previous)
    return result


def first_time(turns: Sequence[TranscriptTurn]) -> datetime | None:
    return next((turn.spoken_at for turn in turns if turn.spoken_at), None)


def clock(seconds: float, *, millis: bool = False) -> str:
    total = round(seconds * 1000)
    hours, rest = divmod(total, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    text = f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}"
    return f"{text}.{rest % 1000:03d}" if millis else text


def as_text(session: CallSession, turns: Sequence[TranscriptTurn]) -> str:
    lines = [
        *about(session),
        f"Started {started(session)}, {duration(session.duration_seconds)} long,"
        f" {len(turns)} turns",
        "",
    ]
    for turn, at in zip(turns, offsets(session, turns), strict=True):
        lines.append(f"[{clock(at)}] {turn.speaker.title()} ({turn.language}): {turn.text}")
        if turn.translation_text:
            lines.append(f"    -> ({turn.translation_language}) {turn.translation_text}")
    return "\n".join(one_line(line) for line in lines) + "\n"


def started(session: CallSession) -> str:
    """When the call started, in the zone of whoever downloads it (their `tz` cookie)."""
    at = timezone.localtime(session.created_at)
    return f"{at:%Y-%m-%d %H:%M} {at.tzname()}"


def one_line(text: str) -> str:
    return LINE_BREAKS.sub(" ", text)


def as_vtt(session: CallSession, turns: Sequence[TranscriptTurn]) -> str:
    starts = offsets(session, turns)
    cues = ["WEBVTT", "", "NOTE", *(ARROW.sub("->", line) for line in about(session)), ""]
    for index, turn in enumerate(turns):
        start = starts[index]
        end = cue_end(turn, start, starts[index + 1] if index + 1 < len(turns) else None)
        cues += [
            str(turn.sequence),
            f"{clock(start, millis=True)} --> {clock(end, millis=True)}",
            f"<v {escape_cue(turn.speaker.title())}>{escape_cue(turn.text)}",
        ]
        if turn.translation_text:
            language = escape_cue(turn.translation_language)
            cues.append(f"({language}) {escape_cue(turn.translation_text)}")
        cues.append("")
    return "\n".join(cues)


def cue_end(turn: TranscriptTurn, start: float, next_start: float | None) -> float:
    spoken = max(MIN_CUE_SECONDS, len(turn.text.split()) * SECONDS_PER_WORD)
    end = start + spoken
    if next_start is not None and next_start > start:
        end = min(end, next_start)
    return end


def escape_cue(text: str) -> str:
    # "-->" may not appear in cue text; blank lines would end the cue.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def as_json(session: CallSession, turns: Sequence[TranscriptTurn]) -> str:
    body = {
        "session": {
            "id": str(session.public_id),
            "kallglot_id": session.kallglot_id,
            "agent": session.agent_name or None,
            "mode": session.mode,
            "status": session.status,
            "metadata": session.metadata,
            "started_at": session.started_at.isoformat() if session.started_at else None,
            "ended_at": session.ended_at.isoformat() if session.ended_at else None,
            "inbound": inbound_json(queued_call(session)),
            "wrap_up": wrap_up_json(session),
        },
        "turns": [turn_json(turn) for turn in turns],
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def inbound_json(queued: QueuedCall | None) -> dict | None:
    if queued is None:
        return None
    return {
        "caller": queued.caller or None,
        "queue": inbound_facts.queue_label(queued) or None,
        "outcome": queued.outcome,
        "missed_reason": queued.missed_reason or None,
        "wait_seconds": queued.wait_seconds,
    }


def turn_json(turn: TranscriptTurn) -> dict:
    item = {
        "sequence": turn.sequence,
        "speaker": turn.speaker,
        "language": turn.language,
        "text": turn.text,
        "timestamp": turn.spoken_at.isoformat() if turn.spoken_at else None,
    }
    if turn.translation_text:
        item["translation"] = {"language": turn.translation_language, "text": turn.translation_text}
    return item
