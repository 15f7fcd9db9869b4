"""After the call: the transcript, recordings and analyses, kept by the app.

Kallglot deletes recordings after its retention period, so what the app relies on later is
stored here; the recording audio itself is streamed through on demand.
"""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from sessions_app import services
from sessions_app.exceptions import Conflict
from sessions_app.kallglot import Analysis as UpstreamAnalysis
from sessions_app.kallglot import KallglotError, Transcript, get_client
from sessions_app.kallglot import Recording as UpstreamRecording
from sessions_app.models import Analysis, CallSession, Recording, TranscriptTurn

logger = logging.getLogger(__name__)


def transcript_store(session: CallSession, transcript: Transcript) -> int:
    """Replace the stored turns with upstream's; returns how many there are."""
    TranscriptTurn.objects.filter(session=session).delete()
    TranscriptTurn.objects.bulk_create(
        TranscriptTurn(
            session=session,
            sequence=turn.sequence,
            speaker=turn.speaker,
            language=turn.language or "",
            text=turn.text,
            translation_language=turn.translation_language or "",
            translation_text=turn.translation_text or "",
            spoken_at=turn.timestamp,
        )
        for turn in transcript.turns
    )
    CallSession.objects.filter(pk=session.pk).update(
        transcript_status=transcript.status, transcript_fetched_at=timezone.now()
    )
    return len(transcript.turns)


def transcript_fetch(*, session: CallSession) -> None:
    """Fetch and keep the transcript of an ended call that has none stored yet (and never
    again once it was purged or erased)."""
    if not session.is_ended or session.transcript_status == "completed":
        return
    if session.transcript_removed:  # Kallglot may still have it; the app must not keep it
        return
    try:
        transcript = get_client().get_transcript(session.kallglot_id)
    except KallglotError as exc:
        logger.warning("transcript of %s not fetched: %s", session.kallglot_id, exc.code)
        return
    with transaction.atomic():
        transcript_store(session, transcript)


def recording_store(session: CallSession, upstream: UpstreamRecording) -> Recording:
    recording, _ = Recording.objects.update_or_create(
        kallglot_id=upstream.id,
        defaults={
            "session": session,
            "status": upstream.status,
            "channel": upstream.channel or "",
            "format": upstream.format or "",
            "duration_seconds": upstream.duration,
            "size_bytes": upstream.size,
            "sample_rate": upstream.sample_rate,
            "created_at": upstream.created_at or timezone.now(),
            "expires_at": upstream.expires_at,
        },
    )
    return recording


def analysis_store(session: CallSession, upstream: UpstreamAnalysis, **extra: object) -> Analysis:
    """Keep upstream's analysis; a late "processing" never overwrites a finished result."""
    current = Analysis.objects.filter(kallglot_id=upstream.id).first()
    if current and current.status != "processing" and upstream.status == "processing":
        return current
    analysis, _ = Analysis.objects.update_or_create(
        kallglot_id=upstream.id,
        defaults={
            "session": session,
            "status": upstream.status,
            "profile": upstream.profile or "default",
            "summary": upstream.summary or "",
            "sentiment": upstream.sentiment,
            "compliance": upstream.compliance,
            "performance": upstream.performance,
            "error": upstream.error or "",
            "completed_at": upstream.completed_at,
        }
        | extra,
    )
    return analysis


def analysis_json(analysis: Analysis) -> dict:
    return {
        "id": analysis.kallglot_id,
        "status": analysis.status,
        "profile": analysis.profile,
        "summary": analysis.summary or None,
        "sentiment": analysis.sentiment,
        "compliance": analysis.compliance,
        "performance": analysis.performance,
        "error": analysis.error or None,
        "created_at": analysis.created_at.isoformat(),
        "completed_at": analysis.completed_at.isoformat() if analysis.completed_at else None,
    }


def analysis_request(
    *,
    session: CallSession,
    profile: str,
    include: list[str],
    actor: AbstractBaseUser,
) -> Analysis:
    """Ask for an analysis once per session and options; repeating returns the same one."""
    if not session.is_ended:
        raise not_ready()
    if session.transcript_removed:
        message = "This call's transcript was removed (retention period or erasure)."
        raise Conflict("transcript_removed", message)
    include = sorted(set(include))
    earlier = session.analyses.filter(profile=profile, include=include)
    if current := earlier.exclude(status=Analysis.Status.FAILED).first():
        return current
    # A new key after each failure, so upstream does not replay the failed attempt.
    options = f"{session.kallglot_id}|{profile}|{','.join(include)}|{earlier.count()}"
    key = "analysis:" + hashlib.sha256(options.encode()).hexdigest()[:32]
    try:
        upstream = get_client().create_analysis(
            session.kallglot_id, profile=profile, include=include or None, idempotency_key=key
        )
    except KallglotError as exc:
        if exc.status == 409 and exc.code != "idempotency_conflict":
            raise not_ready() from exc
        raise services.agent_error(exc) from exc
    with transaction.atomic():
        analysis = analysis_store(session, upstream, include=include, requested_by=actor)
        services.record_event(
            session, "analysis.requested", {"id": analysis.kallglot_id}, actor=actor
        )
    return analysis


def not_ready() -> Conflict:
    message = "The transcript is not ready yet. Ask again once the call has ended."
    return Conflict("transcript_not_ready", message)
