"""A PBX whose call's create lost its answer is told to try again; its retry with the same call
id, after Retry-After, gets the session that create made, still live. (A Twilio caller, who
never asks again, has such a session ended instead: tests/telephony.)"""

from __future__ import annotations

import json
import time

import pytest

from sessions_app.kallglot import reset_clients
from tests.integrations.pbx import CALLS, call_body, make_token, sip_route

pytestmark = pytest.mark.django_db


def post(client, key: str) -> object:
    body = json.dumps(call_body(queue="PBX line"))
    return client.post(
        CALLS, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_the_retry_gets_the_session_the_lost_create_made(client, sandbox, settings):
    _, key = make_token(sip_route())
    patient = settings.KALLGLOT_TIMEOUT_READ
    settings.KALLGLOT_TIMEOUT_READ = 0.3
    settings.KALLGLOT_MAX_ATTEMPTS = 1
    reset_clients()
    sandbox.fault("sessions.create", 0, latency_ms=700)  # made after the app stopped waiting

    lost = post(client, key)

    assert lost.status_code == 503
    assert lost.json()["error"]["code"] == "upstream_unavailable"
    settings.KALLGLOT_TIMEOUT_READ = patient  # Kallglot answers in time again
    reset_clients()
    time.sleep(int(lost["Retry-After"]))  # as a PBX does
    again = post(client, key)
    assert again.status_code == 201, again.content
    [made] = sandbox.sessions()
    assert again.json()["kallglot_id"] == made["id"]
    assert sandbox.session(made["id"])["status"] != "ended"
