"""What a PBX sends is checked before any call is made: each problem is the API's error
envelope naming the field, and nothing is created upstream or here."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import CallSession, QueuedCall
from tests.integrations.pbx import CALLS, call_body, make_token, sip_route
from tests.telephony.inbound import make_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    return make_token(sip_route())[1]


def post(client, key: str, body: object) -> object:
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        CALLS, payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


@pytest.mark.parametrize(
    ("body", "status", "code", "param"),
    [
        ("not json", 400, "invalid_json", None),
        ([1, 2], 400, "invalid_json", None),
        (call_body(), 400, "agent_or_queue", "agent"),
        (call_body(agent="alice", queue="PBX line"), 400, "agent_or_queue", "agent"),
        (call_body(queue="PBX line", caller="hello"), 400, "invalid_caller", "caller"),
        (call_body(queue="PBX line", caller=4930123456), 400, "invalid_caller", "caller"),
        (call_body(queue="PBX line", pbx_call_id=""), 400, "invalid_pbx_call_id", "pbx_call_id"),
        (call_body(queue="PBX line", pbx_call_id="x" * 49), 400, "invalid_pbx_call_id", None),
        (call_body(queue="PBX line", pbx_call_id="a b"), 400, "invalid_pbx_call_id", None),
        (call_body(queue="PBX line", metadata={"k": 1}), 400, "invalid_metadata", "metadata.k"),
        (call_body(queue="Nowhere"), 404, "unknown_queue", "queue"),
        (call_body(agent="nobody"), 404, "unknown_agent", "agent"),
        (call_body(agent="alice"), 409, "agent_unavailable", "agent"),  # not at her desk
    ],
)
def test_it_refuses_what_it_cannot_use(client, key, alice, body, status, code, param):
    response = post(client, key, body)

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    if param:
        assert error["param"] == param
    assert not CallSession.objects.exists()


def test_a_call_may_wait_in_another_routes_queue(client, key, sandbox):
    make_queue()

    response = post(client, key, call_body(queue="German line"))

    assert response.status_code == 201, response.content
    call = QueuedCall.objects.select_related("queue__route", "session__route").get()
    assert (call.queue.route.label, call.session.route.label) == ("German line", "PBX line")


def test_a_withheld_number_is_no_number(client, key, sandbox):
    response = post(client, key, call_body(queue="PBX line", caller=None))

    assert response.status_code == 201, response.content
    assert QueuedCall.objects.get().caller == ""
