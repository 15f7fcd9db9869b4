"""Session state machine: created → active (first audio) → ended (REST, stream or idle).

Audio is the agent's first stream frame or a caller's phone leg connecting (carrier.py).
Every way of ending a session goes through `end_session`, so REST `/end`, the stream's
`session.end` and the idle timeout all disconnect a caller still on the line, tell open
streams, finalise the transcript, build the recording and send the same webhooks (G20).
"""

from __future__ import annotations

import asyncio
import time

from django.conf import settings

from kallglot_sandbox import webhooks
from kallglot_sandbox.analysis import analyse
from kallglot_sandbox.carrier import Leg
from kallglot_sandbox.conversation import Conversation
from kallglot_sandbox.dsp import SAMPLE_RATE, ulaw_to_pcm16, wav_pcm16
from kallglot_sandbox.ids import new_id, new_stream_token
from kallglot_sandbox.objects import (
    analysis_object,
    recording_object,
    session_object,
    transcript_object,
)
from kallglot_sandbox.state import Analysis, Recording, Route, Session, StreamToken, store


class StreamRefused(Exception):
    """Why a stream connection is refused: a `session.error` code and a close code."""

    def __init__(self, code: str, close_code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.close_code, self.message = code, close_code, message


def create_session(
    *,
    mode: str,
    source_language: str | None,
    target_language: str | None,
    recording_enabled: bool,
    metadata: dict[str, str] | None,
    idempotency_key: str | None,
    route: Route,
) -> Session:
    now = time.time()
    session = Session(
        id=new_id("sess"),
        mode=mode,
        source_language=source_language,
        target_language=target_language,
        recording_enabled=recording_enabled,
        metadata=metadata,
        created_at=now,
        idempotency_key=idempotency_key,
        route=route,
        last_activity=now,
    )
    session.conversation = Conversation(session)
    store.sessions[session.id] = session
    _arm_idle_timer(session)
    webhooks.emit("session.created", session_object(session), session.id)
    if route.provider is not None:
        session.leg = Leg(session, on_connect=activate)
        session.leg.ring()
    return session


def issue_token(session: Session) -> StreamToken:
    """A new stream token; earlier ones stay valid until their own expiry (G9, G10)."""
    token = StreamToken(
        token=new_stream_token(settings.KALLGLOT_SANDBOX_API_KEY),
        session_id=session.id,
        expires_at=time.time() + store.config.token_lifetime_s,
    )
    store.tokens[token.token] = token
    return token


def open_stream(session_id: str, token: str) -> Session:
    """The session a stream may attach to; the token is checked here and only here (§3.2)."""
    session = store.sessions.get(session_id)
    if session is None:
        raise StreamRefused("session_not_found", 4404, "No such session.")
    entry = store.tokens.get(token)
    if entry is None or entry.session_id != session_id:
        raise StreamRefused("invalid_token", 4001, "The stream token is not valid.")
    if entry.expires_at <= time.time():
        raise StreamRefused("expired_token", 4002, "The stream token has expired.")
    if session.status == "ended":
        raise StreamRefused("session_ended", 4409, "The session has already ended.")
    return session


async def receive_audio(session: Session, ulaw: bytes) -> None:
    """Record valid agent audio; the first frame makes the session active."""
    if session.status == "ended":
        return
    session.audio.frames += 1
    session.audio.ulaw += ulaw
    activate(session)
    await session.conversation.hear(ulaw)


def activate(session: Session) -> None:
    """Audio reached the session (agent stream or phone leg): the first makes it active."""
    session.last_activity = time.time()
    if session.status == "created":
        session.status, session.started_at = "active", session.last_activity
        webhooks.emit("session.started", session_object(session), session.id)


async def end_session(session: Session, reason: str) -> None:
    """End once; later calls are no-ops (REST `/end` is idempotent, §2.4).

    The work runs as its own task: a REST caller that hangs up (Django then cancels the view)
    must not leave a session ended but unannounced.
    """
    if session.status != "ended":
        await asyncio.shield(store.spawn(_end(session, reason), name=f"end {session.id}"))


async def _end(session: Session, reason: str) -> None:
    if session.status == "ended":
        return
    if session.leg is not None:
        session.leg.session_ending()
    session.status, session.ended_at, session.end_reason = "ended", time.time(), reason
    if session.idle_timer is not None:
        session.idle_timer.cancel()
    await session.conversation.finish()
    ended = {"type": "session.ended", "session_id": session.id, "reason": reason}
    await close_streams(session, ended, 1000, "session_ended")
    events = [
        webhooks.make_event("session.ended", session_object(session), session.id),
        webhooks.make_event("transcript.ready", transcript_object(session), session.id),
    ]
    held = events if store.config.webhook_reorder else None
    if held is None:
        for event in events:
            webhooks.dispatch(event)
    if session.recording_enabled:
        recording = Recording(id=new_id("rec"), session_id=session.id, created_at=time.time())
        store.recordings[recording.id] = recording
        store.spawn(_process_recording(session, recording, held), name=f"rec {recording.id}")
    elif held is not None:
        _dispatch_reversed(held)


async def close_streams(session: Session, message: dict | None, code: int, reason: str) -> None:
    """Send `message` (if any) to every open stream of the session, then close them."""
    sockets, session.sockets = list(session.sockets), set()
    for socket in sockets:
        try:
            if message is not None:
                await socket.send_json(message)
            await socket.close(code=code, reason=reason)
        except Exception:  # noqa: BLE001, S112 - a client already gone needs no goodbye
            continue


def _dispatch_reversed(events: list[webhooks.Event]) -> None:
    for event in reversed(events):
        webhooks.dispatch(event)


def _build_wav(ulaw: bytes, extra_seconds: float) -> bytes:
    padding = bytes(2 * int(extra_seconds * SAMPLE_RATE))
    return wav_pcm16(ulaw_to_pcm16(ulaw) + padding)


async def _process_recording(
    session: Session, recording: Recording, held: list[webhooks.Event] | None
) -> None:
    """'A few seconds' of processing (§2.1.1), then the WAV of the received agent audio."""
    await asyncio.sleep(store.config.processing_delay_s)
    extra = store.config.recording_extra_seconds
    ulaw = bytes(session.audio.ulaw)
    recording.wav = await asyncio.to_thread(_build_wav, ulaw, extra)
    recording.duration = round(len(ulaw) / SAMPLE_RATE + extra, 3)
    recording.status = "ready"
    event = webhooks.make_event("recording.ready", recording_object(recording), session.id)
    if held is None:
        webhooks.dispatch(event)
    else:
        _dispatch_reversed([*held, event])


def start_analysis(session: Session, profile: str, include: list[str]) -> Analysis:
    analysis = Analysis(new_id("anl"), session.id, profile, include, time.time())
    store.analyses[analysis.id] = analysis
    store.spawn(_run_analysis(session, analysis), name=f"analysis {analysis.id}")
    return analysis


async def _run_analysis(session: Session, analysis: Analysis) -> None:
    await asyncio.sleep(store.config.analysis_delay_s)
    if store.config.analysis_fail:
        analysis.status, analysis.error = "failed", "Analysis failed (sandbox fault injection)."
    else:
        analysis.status, analysis.result = "completed", analyse(session.turns, analysis.include)
    analysis.completed_at = time.time()
    kind = "analysis.complete" if analysis.status == "completed" else "analysis.failed"
    webhooks.emit(kind, analysis_object(analysis), session.id)


def _arm_idle_timer(session: Session) -> None:
    if session.idle_timer is not None:
        session.idle_timer.cancel()
    delay = session.last_activity + store.config.idle_timeout_s - time.time()
    loop = asyncio.get_running_loop()
    session.idle_timer = loop.call_later(max(0.0, delay), _idle_check, session)


def _idle_check(session: Session) -> None:
    """Timer callback: end the session if no audio came for `idle_timeout_s`, else re-arm."""
    session.idle_timer = None
    if session.status == "ended":
        return
    if time.time() - session.last_activity >= store.config.idle_timeout_s:
        store.spawn(end_session(session, "idle_timeout"), name=f"idle {session.id}")
    else:
        _arm_idle_timer(session)


def rearm_idle_timers() -> None:
    """After `idle_timeout_s` changes, open sessions follow the new value at once."""
    for session in store.sessions.values():
        if session.status != "ended":
            _arm_idle_timer(session)


async def forget(session: Session) -> None:
    """Lose one session as Kallglot would in a restart that lost its state: its streams close
    with no `session.ended` before (1000: Daphne sends no 1001 or 1006), and every later
    request about it answers 404."""
    if session.idle_timer is not None:
        session.idle_timer.cancel()
    session.conversation.stop()
    store.sessions.pop(session.id, None)
    for token in [t for t in store.tokens.values() if t.session_id == session.id]:
        store.tokens.pop(token.token, None)
    await close_streams(session, None, 1000, "service_restart")


async def reset() -> None:
    """Close every open stream, cancel background work and forget all state."""
    for session in list(store.sessions.values()):
        session.conversation.stop()
        await close_streams(session, None, 1001, "sandbox_reset")
    store.clear()
