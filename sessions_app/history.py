"""After the call, in pages: the history list, a call's detail, and transcript exports.

Inbound calls show where they came from and how they went: the caller, the queue, how long
the caller waited, and whether an agent answered or the call was missed (and why); calls an
agent filed show their wrap-up (disposition and note). A missed call has no agent, so only
supervisors see it.

History never counts or reads the whole table, so it opens as fast with a year of calls as
with none: it pages by the calls' own order ("Older" continues after the last call shown, not
at an offset), a search looks its text up in indexes (`CallSessionQuerySet.matching`), and
without a search or dates it shows the last 30 days (the Date filter widens it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from sessions_app import aftercall, exports, languages, links, phone, routes, tickets, windows
from sessions_app.access import find_session, is_supervisor, visible_sessions
from sessions_app.inbound_facts import Inbound, facts, queue_label, queued_of, references
from sessions_app.models import CallSession, Disposition, QueuedCall, SessionEvent
from sessions_app.validation import ANALYSIS_PARTS

PAGE_SIZE = 25
TIMELINE_HIDDEN = ("transcript.segment",)
Outcome = QueuedCall.Outcome
# The "Calls" filter: which calls, by how they came in and how that went.
CALLS = {
    "inbound": ("Inbound calls", Q(queued__isnull=False)),
    "answered": ("Inbound, answered", Q(queued__outcome=Outcome.ANSWERED)),
    "missed": ("Missed calls", Q(queued__outcome=Outcome.MISSED)),
    "console": ("Started in the console", Q(queued__isnull=True)),
}
NOT_FILED = "none"


class HistoryFilter(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    calls = forms.ChoiceField(required=False, label="Calls", choices=[("", "Any call")])
    status = forms.ChoiceField(required=False, choices=[("", "Any status")])
    disposition = forms.ChoiceField(required=False, choices=[("", "Any disposition")])
    mode = forms.ChoiceField(required=False, choices=[("", "Any mode")])
    language = forms.ChoiceField(required=False, choices=[("", "Any language")])
    agent = forms.CharField(required=False, max_length=150)
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    within = forms.ChoiceField(required=False, label="Date")
    # Where a page starts: after (older than) or before (newer than) a call of the last page.
    before = forms.UUIDField(required=False, widget=forms.HiddenInput)
    after = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, supervisor: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Missed calls have no agent: only supervisors see them.
        kinds = CALLS if supervisor else {k: v for k, v in CALLS.items() if k != "missed"}
        self.fields["calls"].choices += [(key, label) for key, (label, _) in kinds.items()]
        self.fields["status"].choices += CallSession.Status.choices
        self.fields["disposition"].choices += [(NOT_FILED, "No disposition")] + [
            (str(item.pk), item.label) for item in Disposition.objects.all()
        ]
        self.fields["mode"].choices += CallSession.Mode.choices
        self.fields["language"].choices += [(x["code"], x["name"]) for x in languages.offered()]
        choices = [(key, label) for key, (label, _) in windows.WINDOWS.items()]
        self.fields["within"].choices = [("", "Last 30 days (a search: any time)"), *choices]

    @property
    def understood(self) -> dict:
        """The filters that were understood; one that was not is left out, as the page says."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans it: cleaned_data keeps the fields that were valid
        return self.cleaned_data

    def apply(self, sessions: QuerySet[CallSession]) -> QuerySet[CallSession]:
        data = self.understood
        if data.get("calls"):
            sessions = sessions.filter(CALLS[data["calls"]][1])
        if data.get("status"):
            sessions = sessions.filter(status=data["status"])
        if data.get("disposition") == NOT_FILED:
            sessions = sessions.filter(disposition=None)
        elif data.get("disposition"):
            sessions = sessions.filter(disposition_id=data["disposition"])
        if data.get("mode"):
            sessions = sessions.filter(mode=data["mode"])
        if code := data.get("language"):
            sessions = sessions.filter(
                Q(source_language=code)
                | Q(target_language=code)
                | Q(detected_source_language=code)
                | Q(detected_target_language=code)
            )
        if data.get("agent"):
            sessions = sessions.filter(agent__username__iexact=data["agent"])
        if data.get("since"):
            sessions = sessions.filter(created_at__gte=day_start(data["since"]))
        if data.get("until"):
            sessions = sessions.filter(created_at__lt=day_start(data["until"], next_day=True))
        if start := windows.start(self.window):
            sessions = sessions.filter(created_at__gte=start)
        return search(sessions, data.get("q", "").strip())

    @property
    def window(self) -> str:
        """The Date filter's key: as chosen; else any time for a search or dates, which name
        the calls they want; else the last 30 days."""
        data = self.understood
        if data.get("within"):
            return data["within"]
        named = any(data.get(name) for name in ("q", "since", "until"))
        return windows.ANY_TIME if named else windows.DEFAULT


def day_start(day: object, *, next_day: bool = False) -> datetime:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start + timedelta(days=1) if next_day else start


def search(sessions: QuerySet[CallSession], text: str) -> QuerySet[CallSession]:
    """Kallglot id, any CRM reference (external call, customer, ticket) or the customer's
    phone number, each whole."""
    return sessions.matching(text) if text else sessions


@dataclass(frozen=True)
class Row:
    """A call as History lists it (`inbound`: None for a call started in the console)."""

    call: CallSession
    references: dict
    inbound: Inbound | None


def row(call: CallSession) -> Row:
    queued = queued_of(call)
    return Row(call, references(call), facts(queued) if queued else None)


@dataclass(frozen=True)
class Page:
    """One page of History: its calls, newest first, and whether there are newer or older."""

    object_list: list[CallSession]
    has_newer: bool
    has_older: bool

    @property
    def newest(self) -> CallSession:
        return self.object_list[0]

    @property
    def oldest(self) -> CallSession:
        return self.object_list[-1]


ORDER = ("-created_at", "-pk")
MORE = PAGE_SIZE + 1  # a page's calls and one more: is there another page?


def page_of(calls: QuerySet[CallSession], form: HistoryFilter, number: str | None) -> Page:
    """The page the request asks for: after or before a call it names, else the newest (or,
    for a link of old, the page of that number), reading one call past the page."""
    data = form.understood
    chosen = form.apply(calls)
    for name in ("before", "after"):
        boundary = calls.filter(public_id=data.get(name)).values_list("created_at", "pk")
        if data.get(name) and (edge := boundary.first()):
            return beside(chosen, *edge, older=name == "before")
    start = (int(number) - 1) * PAGE_SIZE if number and number.isdigit() and int(number) else 0
    found = list(chosen.order_by(*ORDER)[start : start + MORE])
    return Page(found[:PAGE_SIZE], has_newer=start > 0, has_older=len(found) > PAGE_SIZE)


def beside(calls: QuerySet[CallSession], created_at: datetime, pk: int, *, older: bool) -> Page:
    """The page of calls just older (or newer) than the call made at `created_at` (`pk`
    orders the calls of one instant); `created_at__lte` lets the index start there."""
    if older:
        past = Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        found = list(calls.filter(past, created_at__lte=created_at).order_by(*ORDER)[:MORE])
        return Page(found[:PAGE_SIZE], has_newer=True, has_older=len(found) > PAGE_SIZE)
    later = Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk)
    newest_last = calls.filter(later, created_at__gte=created_at).order_by("created_at", "pk")
    found = list(newest_last[:MORE])
    return Page(found[:PAGE_SIZE][::-1], has_newer=len(found) > PAGE_SIZE, has_older=True)


@require_GET
@login_required
def history(request: HttpRequest) -> HttpResponse:
    supervisor = is_supervisor(request.user)
    form = HistoryFilter(request.GET or None, supervisor=supervisor)
    calls = visible_sessions(request.user, supervisor=supervisor)
    calls = calls.select_related("queued", "disposition")
    page = page_of(calls, form, request.GET.get("page"))
    query = request.GET.copy()
    for name in ("page", "before", "after"):
        query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "window": windows.label(form.window),
        "rows": [row(call) for call in page.object_list],
        "query": query.urlencode(),
        "supervisor": supervisor,
    }
    return render(request, "sessions_app/history.html", context)


def session_or_404(request: HttpRequest, session_id: UUID) -> CallSession:
    session = find_session(request.user, session_id)
    if session is None:
        raise Http404("No such call.")
    return session


def call_title(session: CallSession, inbound: Inbound | None) -> str:
    """The call in a few words, for people and their tabs: "Call with +49 30 901820 ·
    2 Dec 14:05", or by its agent when no customer number is known; in local time."""
    when = date_format(timezone.localtime(session.created_at), "j M H:i")
    if inbound:
        return f"Call with {inbound.caller} · {when}"
    if session.customer_number:
        return f"Call with {phone.display(session.customer_number)} · {when}"
    if session.agent_id:
        return f"Call taken by {session.agent_name} · {when}"
    return f"Call · {when}"


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
    queued = QueuedCall.objects.select_related("queue__route").filter(session=session).first()
    inbound = facts(queued, queue=queue_label(queued)) if queued else None
    context = {
        "session": session,
        "title": call_title(session, inbound),
        "references": references(session),
        "inbound": inbound,
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
