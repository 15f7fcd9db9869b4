"""Hypothesis throws arbitrary input at the webhook and every JSON endpoint: never a 5xx,
always the error envelope, and nothing stored or created for what is refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app.models import CallSession, WebhookEvent
from tests.webhooks.helpers import sign

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=140), st.integers(), st.none()),
        "type": st.one_of(
            st.sampled_from(["session.started", "session.ended", "transcript.segment", "x"]),
            st.text(max_size=70),
            st.integers(),
        ),
        "created_at": st.one_of(st.text(max_size=30), st.none()),
        "data": json_values,
    },
)


def assert_envelope(response) -> None:
    assert response.status_code < 500
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str)
        assert isinstance(error["message"], str)


@FUZZ
@given(body=st.binary(max_size=300), header=st.text(max_size=120))
def test_unsigned_garbage_is_refused_and_not_stored(client, body, header):
    response = client.post(
        "/webhooks/kallglot", body, content_type="application/json", HTTP_KALLGLOT_SIGNATURE=header
    )

    assert response.status_code in (400, 401)
    assert_envelope(response)
    assert not WebhookEvent.objects.exists()


@FUZZ
@given(payload=st.one_of(envelopes, json_values))
def test_signed_arbitrary_json_never_breaks_the_receiver(client, payload):
    body = json.dumps(payload).encode()

    response = client.post(
        "/webhooks/kallglot",
        body,
        content_type="application/json",
        HTTP_KALLGLOT_SIGNATURE=sign(body),
    )

    assert response.status_code in (200, 400)
    assert_envelope(response)


@FUZZ
@given(
    body=st.one_of(
        json_values,
        st.dictionaries(
            st.sampled_from(["mode", "source_language", "target_language", "metadata"]), json_values
        ),
    )
)
def test_the_create_endpoint_answers_any_json_with_a_clear_error(client, alice, body):
    client.force_login(alice)

    response = client.post("/api/sessions", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    assert_envelope(response)
    assert not CallSession.objects.exists()


@FUZZ
@given(body=json_values, after=st.text(max_size=12))
def test_the_other_json_endpoints_answer_any_input_with_a_clear_error(client, alice, body, after):
    client.force_login(alice)
    call = CallSession.objects.get_or_create(
        kallglot_id="sess_FUZZ1", defaults={"agent": alice, "mode": "ai_agent"}
    )[0]
    base = f"/api/sessions/{call.public_id}"

    for response in (
        client.post(f"{base}/analysis", json.dumps(body), content_type="application/json"),
        client.get(f"{base}/events", {"after": after}),
        client.post(f"{base}/events", json.dumps(body), content_type="application/json"),
    ):
        assert_envelope(response)
