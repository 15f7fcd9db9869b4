"""The app's WebSocket routes, mounted under /ws/ by kallglot_web.routing."""

from __future__ import annotations

from django.urls import path

from sessions_app import board, consumers

websocket_urlpatterns = [
    path("sessions/<uuid:session_id>/", consumers.StatusConsumer.as_asgi()),
    path("supervisor/", board.BoardConsumer.as_asgi()),
    path("agent/", consumers.AgentConsumer.as_asgi()),
]
