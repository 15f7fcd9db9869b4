from __future__ import annotations

from django.urls import path

from sessions_app import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]
