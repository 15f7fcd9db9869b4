"""The app's WebSocket routes, mounted under /ws/ by kallglot_web.routing."""

from __future__ import annotations

websocket_urlpatterns: list = []
