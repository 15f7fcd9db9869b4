"""The sandbox's stream socket, mounted under /sandbox/v1/ (or /v1/ when run alone)."""

from __future__ import annotations

websocket_urlpatterns: list = []
