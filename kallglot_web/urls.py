"""Top-level URLs (design.md §3)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("sessions_app.urls")),
]

if settings.KALLGLOT_SANDBOX:
    urlpatterns.append(path("sandbox/v1/", include("kallglot_sandbox.urls")))

handler404 = "sessions_app.errors.not_found"
handler500 = "sessions_app.errors.server_error"
