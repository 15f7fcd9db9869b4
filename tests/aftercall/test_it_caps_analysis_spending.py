"""Each analysis costs a credit: only configured profiles, a few per call, a few an hour per
person, and the caps hold when requests arrive together."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.models import Analysis
from tests.conftest import SandboxControl, client_for, start_daphne
from tests.live_agents import signed_in, start_call

pytestmark = pytest.mark.django_db

PARTS = ("summary", "sentiment", "compliance", "keywords", "performance")


@pytest.fixture
def ended_call(sandbox, alice) -> dict:
    client = client_for(alice)
    body = json.dumps({"mode": "bidirectional_translation"})
    call = client.post("/api/sessions", body, content_type="application/json").json()
    client.post(f"/api/sessions/{call['id']}/end")
    return call


def ask(user, call: dict, body: dict):
    url = f"/api/sessions/{call['id']}/analysis"
    return client_for(user).post(url, json.dumps(body), content_type="application/json")


def test_only_configured_profiles_may_be_asked_for(ended_call, alice, settings):
    settings.ANALYSIS_PROFILES = ["default", "sales"]

    refused = ask(alice, ended_call, {"profile": "free-form-25"})

    assert refused.status_code == 400
    assert refused.json()["error"] == {
        "code": "invalid_profile",
        "message": "Choose a profile: one of default, sales.",
        "param": "profile",
    }
    assert ask(alice, ended_call, {"profile": "sales"}).status_code == 202


def test_a_call_has_only_so_many_analyses(ended_call, alice, charlie, settings):
    settings.MAX_ANALYSES_PER_CALL = 2
    assert ask(alice, ended_call, {"include": ["summary"]}).status_code == 202
    assert ask(charlie, ended_call, {"include": ["sentiment"]}).status_code == 202

    refused = ask(alice, ended_call, {"include": ["keywords"]})

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "analysis_limit"
    assert "2 analyses" in refused.json()["error"]["message"]
    assert ask(alice, ended_call, {"include": ["summary"]}).status_code == 202  # the same one
    assert Analysis.objects.count() == 2


def test_a_person_asks_for_only_so_many_an_hour(sandbox, alice, settings):
    settings.ANALYSES_PER_HOUR = 2
    client = client_for(alice)
    calls = []
    for _ in range(3):
        body = json.dumps({"mode": "bidirectional_translation"})
        call = client.post("/api/sessions", body, content_type="application/json").json()
        client.post(f"/api/sessions/{call['id']}/end")
        calls.append(call)

    statuses = [ask(alice, call, {}).status_code for call in calls]

    assert statuses == [202, 202, 429]
    refused = ask(alice, calls[2], {})
    assert refused.json()["error"]["code"] == "analysis_rate_limited"
    assert 3000 < int(refused["Retry-After"]) <= 3600


@pytest.mark.django_db(transaction=True)
def test_the_caps_hold_when_requests_arrive_together(django_db_setup, tmp_path, alice):
    server = start_daphne(tmp_path, MAX_ANALYSES_PER_CALL="2", ANALYSES_PER_HOUR="100")
    try:
        agent = signed_in(server, alice)
        call = start_call(agent, "one-call").json()
        agent.post(f"/api/sessions/{call['id']}/end").raise_for_status()
        SandboxControl(server.sandbox_base).fault(
            "analysis.create", 0, latency_ms=300, count=len(PARTS)
        )
        together = threading.Barrier(len(PARTS))

        def request(part: str) -> int:
            together.wait(timeout=30)
            url = f"/api/sessions/{call['id']}/analysis"
            return agent.post(url, json={"include": [part]}).status_code

        with ThreadPoolExecutor(max_workers=len(PARTS)) as pool:
            statuses = Counter(pool.map(request, PARTS))
        upstream = SandboxControl(server.sandbox_base).session(call["kallglot_id"])
        listed = SandboxControl(server.sandbox_base).sessions()
    finally:
        server.stop()

    assert statuses == {202: 2, 409: 3}
    assert Analysis.objects.count() == 2
    (ours,) = [session for session in listed if session["id"] == upstream["id"]]
    assert len(ours["analyses"]) == 2
