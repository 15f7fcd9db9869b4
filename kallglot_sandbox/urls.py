"""The sandbox's REST API, mounted under /sandbox/v1/ (or /v1/ when run alone)."""

from __future__ import annotations

from django.urls import path, re_path

from kallglot_sandbox import control, downloads, storm, twilio_api, twilio_control, views

app_name = "sandbox"

urlpatterns = [
    path("", views.root, name="root"),
    path("sessions", views.sessions_create, name="sessions"),
    path("sessions/<str:session_id>", views.session_retrieve, name="session"),
    path("sessions/<str:session_id>/end", views.session_end, name="session-end"),
    path("sessions/<str:session_id>/transcript", views.session_transcript, name="transcript"),
    path("sessions/<str:session_id>/recordings", views.session_recordings, name="recordings"),
    path("sessions/<str:session_id>/analysis", views.analysis_create, name="analysis-create"),
    path("recordings/<str:recording_id>", views.recording_retrieve, name="recording"),
    path("recordings/<str:recording_id>/audio", downloads.recording_audio, name="recording-audio"),
    path("analyses/<str:analysis_id>", views.analysis_retrieve, name="analysis"),
    # LEGACY singular path (D11), kept as an alias.
    path("analysis/<str:analysis_id>", views.analysis_retrieve, name="analysis-legacy"),
    path("_control/reset", control.reset, name="control-reset"),
    path("_control/config", control.config, name="control-config"),
    path("_control/faults", control.faults, name="control-faults"),
    path("_control/sessions", control.sessions, name="control-sessions"),
    path("_control/sessions/<str:session_id>/audio", control.session_audio, name="control-audio"),
    path(
        "_control/sessions/<str:session_id>/customer",
        control.session_customer,
        name="control-customer",
    ),
    path(
        "_control/sessions/<str:session_id>/forget",
        control.session_forget,
        name="control-forget",
    ),
    path("_control/webhooks", control.webhook_log, name="control-webhooks"),
    path("_control/webhooks/storm", storm.storm, name="control-storm"),
    path("_control/twilio/calls", twilio_control.calls, name="control-twilio-calls"),
    path(
        "_control/twilio/calls/<str:call_sid>",
        twilio_control.call_detail,
        name="control-twilio-call",
    ),
    path(
        "_control/twilio/calls/<str:call_sid>/hangup",
        twilio_control.call_hangup,
        name="control-twilio-hangup",
    ),
    path(
        "_control/twilio/next_outbound",
        twilio_control.next_outbound,
        name="control-twilio-next-outbound",
    ),
    path("_control/sip/bridge", control.sip_bridge, name="control-sip-bridge"),
    # Twilio's Calls API, stood in: `twilio/` stands for https://api.twilio.com/.
    path(
        "twilio/2010-04-01/Accounts/<str:account_sid>/Calls.json",
        twilio_api.calls,
        name="twilio-calls",
    ),
    path(
        "twilio/2010-04-01/Accounts/<str:account_sid>/Calls/<str:call_sid>.json",
        twilio_api.call_detail,
        name="twilio-call",
    ),
    re_path(r"^twilio/(?P<path>.*)$", twilio_api.unknown, name="twilio-unknown"),
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
