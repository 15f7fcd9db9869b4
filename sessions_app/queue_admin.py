"""The inbound desk in the admin: each inbound route's queue, the dispositions agents file calls
under, the agents (the languages they take calls in; their state, read-only), and the inbound
calls as the queues recorded them (read-only).

An agent's languages are chosen from the console's (`languages.offered()`) with checkboxes and
stored as codes, comma-separated ("en,de"), in the order the console lists them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import BooleanField, Case, QuerySet, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince

from sessions_app import agents, inbound_facts, languages, phone
from sessions_app.models import AgentProfile, Queue, QueuedCall


class QueueInline(admin.StackedInline):
    """On a route's page: how its inbound calls wait (external connections with their number)."""

    model = Queue
    fields = ("ring_seconds", "timeout_seconds", "greeting")
    max_num = 1
    extra = 0
    verbose_name = verbose_name_plural = "queue for inbound calls"


class DispositionAdmin(admin.ModelAdmin):
    list_display = ("label", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("label",)
    ordering = ("position", "label")


class LanguagesField(forms.MultipleChoiceField):
    """The console's languages as checkboxes; the value is stored as "en,de"."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: object) -> str:
        chosen = set(super().clean(value))
        return ",".join(code for code, _ in self.choices if code in chosen)


class AgentForm(forms.ModelForm):
    languages = LanguagesField(
        required=False,
        help_text="The languages this agent takes calls in: a queue rings only agents who speak"
        " its route's agent language.",
    )

    class Meta:
        model = AgentProfile
        fields = ("user", "languages")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        held = self.instance.language_codes
        offered = [(item["code"], item["name"]) for item in languages.offered()]
        # A language no longer offered stays chosen until someone unticks it.
        gone = [(code, f"{code} (no longer offered)") for code in held if code not in dict(offered)]
        self.fields["languages"].choices = offered + gone
        self.initial["languages"] = held


def in_state(profile: AgentProfile) -> str:
    return f"{profile.get_state_display()} for {timesince(profile.state_since)}"


class AgentProfileAdmin(admin.ModelAdmin):
    form = AgentForm
    list_display = ("user", "spoken", "state", "time_in_state", "console")
    list_filter = ("state",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    ordering = ("user__username",)
    readonly_fields = ("state_now", "wrapping_up", "left_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgentProfile]:
        here = Case(When(agents.present(), then=True), default=False, output_field=BooleanField())
        return super().get_queryset(request).annotate(here=here)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        # The user is the row's key: another user is another agent.
        return ("user", *self.readonly_fields) if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field: object, request: HttpRequest, **kwargs: object):
        if db_field.name == "user":
            users = get_user_model().objects.filter(is_active=True, agent_profile=None)
            kwargs["queryset"] = users.order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Languages", ordering="languages")
    def spoken(self, profile: AgentProfile) -> str:
        return ", ".join(profile.language_codes) or "-"

    @admin.display(description="In state for", ordering="state_since")
    def time_in_state(self, profile: AgentProfile) -> str:
        return timesince(profile.state_since)

    @admin.display(description="State")
    def state_now(self, profile: AgentProfile) -> str:
        return in_state(profile)

    @admin.display(description="Console", boolean=True)
    def console(self, profile: AgentProfile) -> bool:
        return profile.here


class AgentProfileInline(admin.StackedInline):
    """On a user's page: their agent settings."""

    model = AgentProfile
    form = AgentForm
    fields = ("languages", "state_now")
    readonly_fields = ("state_now",)
    can_delete = False
    verbose_name = verbose_name_plural = "agent"

    @admin.display(description="State")
    def state_now(self, profile: AgentProfile) -> str:
        return "-" if profile._state.adding else in_state(profile)


class UserWithAgentAdmin(UserAdmin):
    inlines = (*UserAdmin.inlines, AgentProfileInline)


class QueuedCallAdmin(admin.ModelAdmin):
    """Every inbound call as its queue recorded it: who called, how long they waited, whether
    an agent answered or the call was missed, and why. Read-only: the queues write it."""

    list_display = (
        "arrived_at",
        "calling",
        "queue",
        "outcome",
        "waited",
        "why_missed",
        "answered_by",
        "call",
    )
    list_filter = ("outcome", "queue", "missed_reason", "arrived_at")
    date_hierarchy = "arrived_at"
    search_fields = ("caller", "call_sid", "session__kallglot_id")
    search_help_text = "A caller's number (E.164, +4930…), a Twilio CallSid or a Kallglot id."
    list_select_related = ("queue__route", "session__agent")
    fields = (
        "calling",
        "called",
        "queue",
        "arrived_at",
        "outcome",
        "waited",
        "why_missed",
        "resolved_at",
        "answered_by",
        "call",
        "call_sid",
        "carrier_status",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Caller", ordering="caller")
    def calling(self, call: QueuedCall) -> str:
        return phone.display(call.caller) if call.caller else "-"

    @admin.display(description="Waited", ordering="wait_seconds")
    def waited(self, call: QueuedCall) -> str:
        if call.wait_seconds is None:
            return "still waiting" if call.is_waiting else "-"
        return inbound_facts.waited(call.wait_seconds)

    @admin.display(description="Missed because", ordering="missed_reason")
    def why_missed(self, call: QueuedCall) -> str:
        return inbound_facts.reason(call) or "-"

    @admin.display(description="Answered by")
    def answered_by(self, call: QueuedCall) -> str:
        agent = call.session.agent_name if call.outcome == QueuedCall.Outcome.ANSWERED else ""
        return agent or "-"

    @admin.display(description="Call")
    def call(self, call: QueuedCall) -> str:
        session = call.session
        url = reverse("admin:sessions_app_callsession_change", args=[session.pk])
        return format_html('<a href="{}">{}</a>', url, session.kallglot_id or "being answered")
