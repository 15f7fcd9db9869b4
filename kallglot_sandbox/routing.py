"""The sandbox's stream socket, mounted under /sandbox/v1/ (or /v1/ when run alone)."""

from __future__ import annotations

from django.urls import path

from kallglot_sandbox.consumers import StreamConsumer

websocket_urlpatterns: list = [
    path("sessions/<str:session_id>/connect", StreamConsumer.as_asgi()),
]
