from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from sessions_app import (
    agent_api,
    api,
    board,
    embed,
    health,
    history,
    integrations,
    recordings,
    telephony,
    views,
    webhooks,
)

urlpatterns = [
    path("", views.console, name="console"),
    path("accounts/login/", views.SignIn.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/sessions", api.sessions_create, name="api-sessions"),
    path("api/sessions/abandon", api.sessions_abandon, name="api-sessions-abandon"),
    path("api/sessions/<uuid:session_id>", api.session_detail, name="api-session"),
    path("api/sessions/<uuid:session_id>/stream", api.session_stream, name="api-session-stream"),
    path("api/sessions/<uuid:session_id>/end", api.session_end, name="api-session-end"),
    path("api/sessions/<uuid:session_id>/events", api.session_events, name="api-session-events"),
    path(
        "api/sessions/<uuid:session_id>/analysis",
        api.session_analysis,
        name="api-session-analysis",
    ),
    path(
        "api/sessions/<uuid:session_id>/wrap-up",
        agent_api.session_wrap_up,
        name="api-session-wrap-up",
    ),
    path("api/agent", agent_api.agent_detail, name="api-agent"),
    path("api/agent/state", agent_api.agent_state, name="api-agent-state"),
    path("api/offers/<uuid:offer_id>/accept", agent_api.offer_accept, name="api-offer-accept"),
    path("api/offers/<uuid:offer_id>/decline", agent_api.offer_decline, name="api-offer-decline"),
    path(
        "api/sandbox/incoming-call",
        agent_api.sandbox_incoming_call,
        name="api-sandbox-incoming-call",
    ),
    path("api/integrations/calls", integrations.calls_create, name="api-integration-calls"),
    path(
        "api/integrations/calls/<uuid:call_id>",
        integrations.call_detail,
        name="api-integration-call",
    ),
    path(
        "api/integrations/calls/<uuid:call_id>/end",
        integrations.call_end,
        name="api-integration-call-end",
    ),
    path("telephony/twilio/voice", telephony.voice, name="twilio-voice"),
    path("telephony/twilio/status", telephony.status, name="twilio-status"),
    path(
        "telephony/twilio/outbound/<uuid:session_id>",
        telephony.outbound,
        name="twilio-outbound",
    ),
    path(
        "telephony/twilio/outbound/<uuid:session_id>/status",
        telephony.outbound_status,
        name="twilio-outbound-status",
    ),
    path("sessions/", history.history, name="history"),
    path("sessions/<uuid:session_id>/", history.detail, name="session-detail"),
    path(
        "sessions/<uuid:session_id>/transcript.<str:fmt>",
        history.transcript_export,
        name="transcript-export",
    ),
    path("recordings/<uuid:recording_id>/audio", recordings.audio, name="recording-audio"),
    path("supervisor/", board.board_page, name="board"),
    path("supervisor/socket", board.board_socket, name="board-socket"),
    path("embed/start", embed.start, name="embed-start"),
    path("webhooks/kallglot", webhooks.receive, name="webhook"),
    path("healthz", health.healthz, name="healthz"),
]
