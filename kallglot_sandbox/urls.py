"""The sandbox's REST API, mounted under /sandbox/v1/ (or /v1/ when run alone)."""

from __future__ import annotations

urlpatterns: list = []
