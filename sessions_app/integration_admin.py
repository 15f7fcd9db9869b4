"""Integration tokens in the admin: made here (the token shown once, on the page after Save),
revoked here (never deleted, so their audit stays), each use listed read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from sessions_app import integrations
from sessions_app.models import IntegrationToken, IntegrationUse, Route


class IntegrationTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "allowed",
        "created_by",
        "created_at",
        "last_used_at",
        "state",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    fields = ("name", "routes")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at", "uses")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        return self.fields if obj is None else (*self.fields, *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        return () if obj is None else self.readonly_fields

    def formfield_for_manytomany(self, db_field: object, request: HttpRequest, **kwargs: object):
        if db_field.name == "routes":
            kwargs["queryset"] = Route.objects.filter(kind=Route.Kind.SIP)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: the audit of its use stays

    def save_model(self, request: HttpRequest, obj: object, form: object, change: bool) -> None:
        if not change:
            obj.created_by = request.user
            request.integration_key = integrations.issue(obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: object, post_url_continue=None):
        """The page that shows the new token, the one time it is ever shown."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "key": request.integration_key,
            "title": "Copy the new integration token",
            "list_url": reverse("admin:sessions_app_integrationtoken_changelist"),
        }
        template = "admin/sessions_app/integrationtoken/created.html"
        return TemplateResponse(request, template, context)  # the admin's never_cache applies

    @admin.display(description="Routes")
    def allowed(self, token: IntegrationToken) -> str:
        return ", ".join(route.label for route in token.routes.all()) or "-"

    @admin.display(description="State", ordering="revoked_at")
    def state(self, token: IntegrationToken) -> str:
        return (
            f"revoked {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"
            if token.is_revoked
            else "active"
        )

    @admin.display(description="Audit")
    def uses(self, token: IntegrationToken) -> str:
        url = reverse("admin:sessions_app_integrationuse_changelist")
        return format_html(
            '<a href="{}?token__id__exact={}">Every use of this token</a>', url, token.pk
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        self.message_user(request, f"{done} token(s) revoked.")


class IntegrationUseAdmin(admin.ModelAdmin):
    list_display = ("at", "token", "action", "status", "code", "call", "remote_address")
    list_filter = ("token", "action", "status")
    date_hierarchy = "at"
    list_select_related = ("token", "session")
    fields = ("at", "token", "action", "path", "status", "code", "call", "remote_address")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Call")
    def call(self, use: IntegrationUse) -> str:
        if use.session is None:
            return "-"
        url = reverse("admin:sessions_app_callsession_change", args=[use.session_id])
        return format_html('<a href="{}">{}</a>', url, use.session.kallglot_id)


def register(site: admin.AdminSite) -> None:
    site.register(IntegrationToken, IntegrationTokenAdmin)
    site.register(IntegrationUse, IntegrationUseAdmin)
