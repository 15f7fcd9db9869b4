"""After the call, in pages: the history list, a call's detail, and transcript exports."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from sessions_app import aftercall, exports, languages, links, routes, tickets
from sessions_app.access import find_session, is_supervisor, visible_sessions
from sessions_app.models import CallSession, SessionEvent
from sessions_app.validation import ANALYSIS_PARTS

PAGE_SIZE = 25
TIMELINE_HIDDEN = ("transcript.segment",)


class HistoryFilter(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status")])
    mode = forms.ChoiceField(required=False, choices=[("", "Any mode")])
    language = forms.ChoiceField(required=False, choices=[("", "Any language")])
    agent = forms.CharField(required=False, max_length=150)
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices += CallSession.Status.choices
        self.fields["mode"].choices += CallSession.Mode.choices
        self.fields["language"].choices += [(x["code"], x["name"]) for x in languages.offered()]

    def apply(self, sessions: QuerySet[CallSession]) -> QuerySet[CallSession]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("status"):
            sessions = sessions.filter(status=data["status"])
        if data.get("mode"):
            sessions = sessions.filter(mode=data["mode"])
        if code := data.get("language"):
            sessions = sessions.filter(Q(source_language=code) | Q(target_language=code))
        if data.get("agent"):
            sessions = sessions.filter(agent__username__iexact=data["agent"])
        if data.get("since"):
            sessions = sessions.filter(created_at__gte=day_start(data["since"]))
        if data.get("until"):
            sessions = sessions.filter(created_at__lt=day_start(data["until"], next_day=True))
        return search(sessions, data.get("q", "").strip())


def day_start(day: object, *, next_day: bool = False) -> datetime:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start + timedelta(days=1) if next_day else start


def search(sessions: QuerySet[CallSession], text: str) -> QuerySet[CallSession]:
    """Kallglot id or any CRM reference (external call, customer, ticket)."""
    if not text:
        return sessions
    return sessions.filter(
        Q(kallglot_id__iexact=text)
        | Q(metadata__external_call_id__icontains=text)
        | Q(metadata__customer_id__icontains=text)
        | Q(metadata__ticket_id__icontains=text)
    )


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    form = HistoryFilter(request.GET or None)
    sessions = form.apply(visible_sessions(request.user))
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "supervisor": is_supervisor(request.user),
    }
    return render(request, "sessions_app/history.html", context)


def session_or_404(request: HttpRequest, session_id: UUID) -> CallSession:
    session = find_session(request.user, session_id)
    if session is None:
        raise Http404("No such call.")
    return session


@require_GET
@login_required
def detail(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = session_or_404(request, session_id)
    aftercall.transcript_fetch(session=session)
    public_id = str(session.public_id)
    page_config = {
        "session_id": public_id,
        "analysis_url": reverse("api-session-analysis", args=[session.public_id]),
        "urls": links.api_urls(),
        "status_socket": tickets.status_socket(request, public_id),
        "session_url": reverse("api-session", args=[session.public_id]),
        "last_event_seq": session.last_event_seq,
        "event_labels": SessionEvent.LABELS,
    }
    context = {
        "session": session,
        "timeline": session.events.exclude(kind__in=TIMELINE_HIDDEN),
        "turns": session.turns.all(),
        "recordings": session.recordings.all(),
        "analyses": session.analyses.exclude(kallglot_id=None),
        "page_config": page_config,
        "bridge_uri": routes.bridge_uri(session.kallglot_id) if session.provider == "sip" else "",
        "analysis_parts": ANALYSIS_PARTS,
    }
    return render(request, "sessions_app/detail.html", context)


@require_GET
@login_required
def transcript_export(request: HttpRequest, session_id: UUID, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    session = session_or_404(request, session_id)
    aftercall.transcript_fetch(session=session)
    body = exports.render(fmt, session, list(session.turns.all()))
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    filename = f"transcript-{session.kallglot_id}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
