"""After the call: the transcript, recordings and analyses, kept by the app.

Kallglot deletes recordings after its retention period, so what the app relies on later is
stored here; the recording audio itself is streamed through on demand.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from sessions_app import relay, services
from sessions_app.exceptions import Conflict, LimitReached
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
    languages_learn(
        session,
        [(t.speaker, t.language or "", t.translation_language or "") for t in transcript.turns],
    )
    return len(transcript.turns)


def languages_learn(session: CallSession, turns: list[tuple[str, str, str]]) -> None:
    """Keep the languages Kallglot heard on a call left to detect them, from its turns as
    (speaker, language, translation's language); the boards show them at once."""
    changed: set[str] = set()
    for speaker, language, translated in turns:
        agent, customer = (language, translated) if speaker == "agent" else (translated, language)
        if speaker in ("agent", "customer"):
            changed.update(session.learn_languages(agent, customer))
    if changed:
        values = {field: getattr(session, field) for field in changed}
        CallSession.objects.filter(pk=session.pk).update(**values)
        relay.board_changed()


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
            # Upstream's words, cut to their columns: a long one must not fail the webhook.
            "channel": (upstream.channel or "")[:16],
            "format": (upstream.format or "")[:16],
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
            "keywords": list(upstream.keywords),
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
        "keywords": analysis.keywords,
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
    """Ask for an analysis once per session and options, within the spending caps.

    The analysis is reserved (counted) before Kallglot is asked, as a call is, so parallel
    requests cannot pass the caps together; repeating a request returns the same analysis.
    """
    if session.transcript_removed:
        message = "This call's transcript was removed (retention period or erasure)."
        raise Conflict("transcript_removed", message)
    include = sorted(set(include))
    analysis, reserved = analysis_reserve(session, profile, include, actor)
    if not reserved:
        return analysis
    try:
        upstream = create_upstream_analysis(session, analysis, profile, include)
    except Exception:
        analysis.delete()  # gives the place back
        raise
    with transaction.atomic():
        analysis = analysis_fill(analysis, upstream)
        services.record_event(
            session, "analysis.requested", {"id": analysis.kallglot_id}, actor=actor
        )
    return analysis


def analysis_reserve(
    session: CallSession, profile: str, include: list[str], actor: AbstractBaseUser
) -> tuple[Analysis, bool]:
    """The same request's analysis (False), or a new one reserved within the caps (True)."""
    with transaction.atomic():
        session = CallSession.objects.select_for_update().get(pk=session.pk)
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        if not session.is_ended:
            raise not_ready()
        earlier = session.analyses.filter(profile=profile, include=include)
        if current := earlier.exclude(status=Analysis.Status.FAILED).first():
            if current.kallglot_id is None:
                message = "This analysis is being requested. Try again in a moment."
                raise LimitReached("analysis_in_progress", message, retry_after=1)
            return current, False
        check_analysis_caps(session, actor)
        analysis = Analysis.objects.create(
            session=session, profile=profile, include=include, requested_by=actor
        )
    return analysis, True


def check_analysis_caps(session: CallSession, actor: AbstractBaseUser) -> None:
    """Each analysis costs a credit: a few per call, and a few an hour per person."""
    if session.analyses.count() >= settings.MAX_ANALYSES_PER_CALL:
        message = (
            f"This call already has {settings.MAX_ANALYSES_PER_CALL} analyses, the most one"
            " call may have. Open them on the call's page."
        )
        raise Conflict("analysis_limit", message)
    since = timezone.now() - timedelta(hours=1)
    recent = Analysis.objects.filter(requested_by=actor, created_at__gte=since)
    if recent.count() >= settings.ANALYSES_PER_HOUR:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(1, math.ceil((oldest + timedelta(hours=1) - timezone.now()).total_seconds()))
        message = (
            f"You asked for {settings.ANALYSES_PER_HOUR} analyses in the last hour, the most"
            f" allowed. Try again in {math.ceil(wait / 60)} min."
        )
        raise LimitReached("analysis_rate_limited", message, retry_after=wait)


def create_upstream_analysis(
    session: CallSession, analysis: Analysis, profile: str, include: list[str]
) -> UpstreamAnalysis:
    # One key per reservation, so a retry after a failure is a new request upstream.
    key = f"analysis:{session.kallglot_id}:{analysis.pk}"
    try:
        return get_client().create_analysis(
            session.kallglot_id, profile=profile, include=include or None, idempotency_key=key
        )
    except KallglotError as exc:
        if exc.status == 409 and exc.code != "idempotency_conflict":
            raise not_ready() from exc
        raise services.agent_error(exc) from exc


def analysis_fill(analysis: Analysis, upstream: UpstreamAnalysis) -> Analysis:
    """The reserved row completed with Kallglot's answer (or a webhook's row that beat it)."""
    raced = Analysis.objects.filter(kallglot_id=upstream.id).first()
    if raced is not None:  # its webhook was applied before this answer came back
        analysis.delete()
        Analysis.objects.filter(pk=raced.pk).update(
            include=analysis.include, requested_by=analysis.requested_by
        )
        raced.refresh_from_db()
        return raced
    analysis.kallglot_id = upstream.id
    analysis.save(update_fields=["kallglot_id"])
    return analysis_store(analysis.session, upstream)


def not_ready() -> Conflict:
    message = "The transcript is not ready yet. Ask again once the call has ended."
    return Conflict("transcript_not_ready", message)
