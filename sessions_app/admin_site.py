"""The admin site, with a panel on Kallglot: sandbox or live, credits, limits, last error."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.template.response import TemplateResponse

from sessions_app.kallglot import upstream_status


def upstream_panel() -> dict:
    """What the admin index shows about Kallglot (never the key)."""
    return {
        "mode": "sandbox" if settings.KALLGLOT_SANDBOX else "live",
        "api_base": settings.KALLGLOT_API_BASE,
        "status": upstream_status(),
    }


class ConsoleAdminSite(admin.AdminSite):
    site_header = "Kallglot Console administration"
    site_title = "Kallglot Console"
    index_template = "admin/kallglot_index.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        context = {"upstream": upstream_panel()} | (extra_context or {})
        return super().index(request, extra_context=context)


class ConsoleAdminConfig(AdminConfig):
    default_site = "sessions_app.admin_site.ConsoleAdminSite"
