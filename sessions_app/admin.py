"""Django admin for supervisors: sessions with their events, webhook deliveries, results; the
routes with their queues, the inbound desk (queue_admin.py) and the integration tokens
(integration_admin.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html

from sessions_app import aftercall, end_reasons, ingest, phone, routes, services
from sessions_app.changelists import (
    DateWindowFilter,
    EventTypeFilter,
    LargeTableAdmin,
    ReceivedWindowFilter,
    SourceLanguageFilter,
    TargetLanguageFilter,
)
from sessions_app.erasure_admin import ErasureRecordAdmin, erase_customers
from sessions_app.exceptions import CallError
from sessions_app.integration_admin import register as register_integrations
from sessions_app.models import (
    AgentProfile,
    Analysis,
    CallSession,
    Disposition,
    ErasureRecord,
    QueuedCall,
    Recording,
    Route,
    SessionEvent,
    TranscriptTurn,
    WebhookEvent,
    naming,
)
from sessions_app.queue_admin import (
    AgentProfileAdmin,
    DispositionAdmin,
    QueuedCallAdmin,
    QueueInline,
    UserWithAgentAdmin,
)
from sessions_app.templatetags import calls


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ChangedByActions(admin.ModelAdmin):
    """Every field is read-only; rows change through the list's actions. So a row's own page
    is a view, without Save buttons that would save nothing; the actions (checked without a
    row) stay."""

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request)


class SessionEventInline(ReadOnlyInline):
    model = SessionEvent
    fields = ("seq", "kind", "occurred_at", "actor", "data")
    ordering = ("seq",)


class WebhookEventInline(ReadOnlyInline):
    model = WebhookEvent
    fields = ("event_id", "event_type", "outcome", "deliveries", "received_at")


class RecordingInline(ReadOnlyInline):
    model = Recording
    fields = ("kallglot_id", "status", "format", "duration_seconds", "created_at")


class AnalysisInline(ReadOnlyInline):
    model = Analysis
    fields = (
        "kallglot_id",
        "status",
        "profile",
        "summary",
        "keywords",
        "requested_by",
        "created_at",
    )


class QueuedCallInline(ReadOnlyInline):
    """An inbound call's time in its queue."""

    model = QueuedCall
    fields = ("caller", "queue", "arrived_at", "outcome", "missed_reason", "wait_seconds")
    verbose_name = verbose_name_plural = "inbound call"


def per_row(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    verb: str,
    act: Callable[[CallSession], object],
) -> None:
    """Run an upstream action on each row and report each one's success or error."""
    for session in queryset:
        try:
            result = act(session)
        except CallError as exc:
            message = f"{session.kallglot_id}: {verb} failed: {exc.message}"
            modeladmin.message_user(request, message, messages.ERROR)
        else:
            modeladmin.message_user(request, f"{session.kallglot_id}: {verb} done{lost(result)}.")


def lost(result: object) -> str:
    """What an action found when Kallglot answered 404: the call is closed here."""
    if isinstance(result, CallSession) and result.end_reason == end_reasons.UPSTREAM_LOST:
        return ": Kallglot no longer knew this call, so it is closed here"
    return ""


class EndReasonFilter(admin.SimpleListFilter):
    """Calls by why they ended, in words (e.g. every call Kallglot no longer knew)."""

    title = "why it ended"
    parameter_name = "end_reason"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return list(end_reasons.WORDS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(end_reason=self.value()) if self.value() else queryset


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    """The centre's telephony routes, changed here without a deploy."""

    list_display = (
        "label",
        "kind",
        "number",
        "connection_id",
        "direction",
        "customer_language",
        "agent_language",
        "is_active",
        "is_default",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("label", "phone_number", "connection_id")
    fields = (
        "label",
        "kind",
        "phone_number",
        "connection_id",
        "sip_from_uri",
        "direction",
        "customer_language",
        "agent_language",
        "is_active",
        "is_default",
    )

    @admin.display(description="Number", ordering="phone_number")
    def number(self, route: Route) -> str:
        return phone.display(route.phone_number) if route.phone_number else "-"

    inlines = (QueueInline,)

    def save_model(self, request: HttpRequest, obj: Route, form: object, change: bool) -> None:
        routes.save_route(obj)  # a new default takes over from the old one


@admin.register(CallSession)
class CallSessionAdmin(LargeTableAdmin, ChangedByActions):
    list_display = (
        "kallglot_id",
        "agent",
        "status",
        "route",
        "customer",
        "mode",
        "languages",
        "created_at",
        "duration",
        "ended_because",
        "crm_reference",
        "disposition",
    )
    list_filter = (
        DateWindowFilter,
        "status",
        EndReasonFilter,
        "route",
        "disposition",
        "mode",
        SourceLanguageFilter,
        TargetLanguageFilter,
    )
    search_fields = ("kallglot_id",)  # shows the box; get_search_results searches
    search_help_text = (
        "A whole Kallglot id, external call, customer or ticket id (any case), phone number"
        " or agent's username; a search looks through every call."
    )
    list_select_related = ("agent", "route", "disposition")
    readonly_fields = (
        "public_id",
        "kallglot_id",
        "agent",
        "mode",
        "source_language",
        "target_language",
        "detected_source_language",
        "detected_target_language",
        "metadata",
        "route",
        "provider",
        "phone_number",
        "customer_status",
        "customer_number",
        "status",
        "created_at",
        "started_at",
        "ended_at",
        "duration_seconds",
        "end_reason",
        "ended_because",
        "upstream_request_id",
        "idempotency_key",
        "last_event_seq",
        "transcript_status",
        "transcript_fetched_at",
        "erased_at",
        "disposition",
        "wrap_up_note",
        "wrapped_up_at",
    )
    inlines = (
        QueuedCallInline,
        SessionEventInline,
        WebhookEventInline,
        RecordingInline,
        AnalysisInline,
    )
    actions = ("end_upstream", "refresh_from_kallglot", "request_analysis", erase_customers)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sessions are started from the console, which creates them upstream

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """The calls the term names (`naming`), or the agent's of that username: each an
        index's lookup, never a scan of every call's metadata."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = naming(term)
        if agent := get_user_model().objects.filter(username=term).first():
            found |= Q(agent=agent)
        return queryset.filter(found), False

    @admin.display(description="Customer")
    def customer(self, session: CallSession) -> str:
        number = phone.display(session.phone_number) if session.phone_number else ""
        parts = (session.get_customer_status_display() if session.customer_status else "", number)
        return " · ".join(part for part in parts if part) or "-"

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("sessions_app.add_erasurerecord")

    @admin.display(description="Languages")
    def languages(self, session: CallSession) -> str:
        return session.languages

    @admin.display(description="Duration", ordering="duration_seconds")
    def duration(self, session: CallSession) -> str:
        return calls.duration(session.duration_seconds)

    @admin.display(description="CRM reference")
    def crm_reference(self, session: CallSession) -> str:
        return ", ".join(f"{key}: {value}" for key, value in session.metadata.items()) or "-"

    @admin.display(description="Why it ended")
    def ended_because(self, session: CallSession) -> str:
        return session.end_reason_words or "-"

    @admin.action(description="End the call upstream", permissions=["change"])
    def end_upstream(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        """End each selected call, once confirmed on a page that lists them."""
        if request.POST.get("confirm") != "yes":
            return self.end_confirmation(request, queryset)
        return per_row(
            self,
            request,
            queryset,
            "end",
            lambda s: services.session_end(session=s, actor=request.user),
        )

    def end_confirmation(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse:
        context = self.admin_site.each_context(request) | {
            "title": "End these calls?",
            "opts": self.opts,
            "calls": list(queryset.select_related("agent")),
        }
        return TemplateResponse(request, "admin/sessions_app/end_confirmation.html", context)

    @admin.action(description="Refresh from Kallglot", permissions=["change"])
    def refresh_from_kallglot(self, request: HttpRequest, queryset: QuerySet) -> None:
        per_row(
            self,
            request,
            queryset,
            "refresh",
            lambda s: services.session_refresh(session=s, actor=request.user),
        )

    @admin.action(description="Request post-call analysis", permissions=["change"])
    def request_analysis(self, request: HttpRequest, queryset: QuerySet) -> None:
        per_row(
            self,
            request,
            queryset,
            "analysis request",
            lambda s: aftercall.analysis_request(
                session=s, profile="default", include=[], actor=request.user
            ),
        )


@admin.register(WebhookEvent)
class WebhookEventAdmin(LargeTableAdmin, ChangedByActions):
    list_display = (
        "event_id",
        "event_type",
        "kallglot_session_id",
        "outcome",
        "deliveries",
        "received_at",
    )
    list_filter = (ReceivedWindowFilter, EventTypeFilter, "outcome")
    search_fields = ("event_id",)  # shows the box; get_search_results searches
    search_help_text = "A whole event id or Kallglot session id."
    exclude = ("body",)
    readonly_fields = (
        "event_id",
        "event_type",
        "kallglot_session_id",
        "session",
        "pretty_body",
        "headers",
        "event_created_at",
        "received_at",
        "processed_at",
        "deliveries",
        "outcome",
        "error",
    )
    actions = ("reprocess",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(event_id=term) | Q(kallglot_session_id=term)), False

    @admin.display(description="Body")
    def pretty_body(self, event: WebhookEvent) -> str:
        if not event.body:
            return "Removed: past its retention period, or its customer's data was erased."
        try:
            text = json.dumps(json.loads(event.body), indent=2, ensure_ascii=False)
        except ValueError:
            text = event.body
        return format_html("<pre>{}</pre>", text)

    @admin.action(description="Reprocess (apply again if not applied)", permissions=["change"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet) -> None:
        for event in queryset:
            try:
                outcome = ingest.webhook_apply(event=event)
            except Exception as exc:  # noqa: BLE001 - stored as failed with its traceback
                message = f"{event.event_id}: failed again ({type(exc).__name__})."
                self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, f"{event.event_id}: {outcome}.")


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    list_display = ("kallglot_id", "session", "status", "format", "duration_seconds", "created_at")
    list_filter = ("status", "format")
    search_fields = ("kallglot_id", "session__kallglot_id")
    readonly_fields = [f.name for f in Recording._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("kallglot_id", "session", "status", "profile", "requested_by", "created_at")
    list_filter = ("status", "profile")
    search_fields = ("kallglot_id", "session__kallglot_id")
    readonly_fields = [f.name for f in Analysis._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TranscriptTurn)
class TranscriptTurnAdmin(admin.ModelAdmin):
    list_display = ("session", "sequence", "speaker", "language", "text")
    search_fields = ("session__kallglot_id", "text")
    readonly_fields = [f.name for f in TranscriptTurn._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.register(ErasureRecord, ErasureRecordAdmin)
admin.site.register(Disposition, DispositionAdmin)
admin.site.register(AgentProfile, AgentProfileAdmin)
admin.site.register(QueuedCall, QueuedCallAdmin)
register_integrations(admin.site)
# Django's own user admin (queue_admin imports it, so it is registered by now), with the
# user's agent settings.
User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserWithAgentAdmin)
