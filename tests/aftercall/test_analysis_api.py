"""POST /api/sessions/<id>/analysis: once per session and options, only after the call."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import Analysis
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(sandbox, alice) -> dict:
    body = json.dumps({"mode": "bidirectional_translation"})
    return client_for(alice).post("/api/sessions", body, content_type="application/json").json()


def ask(user, call: dict, body: object = None):
    payload = json.dumps(body if body is not None else {"include": ["summary", "sentiment"]})
    url = f"/api/sessions/{call['id']}/analysis"
    return client_for(user).post(url, payload, content_type="application/json")


def test_it_refuses_while_the_call_is_open(call, alice, sandbox):
    response = ask(alice, call)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transcript_not_ready"
    assert "not ready" in response.json()["error"]["message"]


def test_it_requests_an_analysis_once_per_session_and_options(call, alice, charlie):
    client_for(alice).post(f"/api/sessions/{call['id']}/end")

    first = ask(alice, call)
    again = ask(charlie, call, {"include": ["sentiment", "summary"]})
    other = ask(alice, call, {"include": ["performance"]})

    assert first.status_code == again.status_code == other.status_code == 202
    assert first.json()["id"].startswith("anl_")
    assert first.json()["status"] == "processing"
    assert again.json()["id"] == first.json()["id"]
    assert other.json()["id"] != first.json()["id"]
    assert Analysis.objects.count() == 2
    assert Analysis.objects.get(kallglot_id=first.json()["id"]).requested_by == alice


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"include": ["horoscope"]}, "include"),
        ({"include": "summary"}, "include"),
        ({"include": [{"a": 1}]}, "include"),
        ({"profile": "Not Allowed!"}, "profile"),
        ({"profile": 3}, "profile"),
    ],
)
def test_it_explains_bad_options(call, alice, body, param):
    response = ask(alice, call, body)

    assert response.status_code == 400
    assert response.json()["error"]["param"] == param


def test_another_agent_gets_404(call, bob):
    assert ask(bob, call).status_code == 404


def test_an_upstream_refusal_is_explained(call, alice, sandbox):
    client_for(alice).post(f"/api/sessions/{call['id']}/end")
    sandbox.fault("analysis.create", 402, "insufficient_api_credits")

    response = ask(alice, call)

    assert response.status_code == 402
    assert response.json()["error"]["code"] == "no_credits"
