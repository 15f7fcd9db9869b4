"""Analysis: requested after the end, charged a credit, computed from the transcript."""

from __future__ import annotations

import re
import time

from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import collect, of_type, open_stream, receive, send_audio


def ended_session(sandbox_api) -> dict:
    session = sandbox_api.create_session()
    sandbox_api.post(f"sessions/{session['id']}/end")
    return session


def finished(sandbox_api, analysis_id: str) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        analysis = sandbox_api.get(f"analyses/{analysis_id}").json()
        if analysis["status"] != "processing":
            return analysis
        time.sleep(0.05)
    raise AssertionError("the analysis never finished")


def test_it_refuses_a_session_that_has_not_ended(sandbox_api):
    session = sandbox_api.create_session()

    response = sandbox_api.post(f"sessions/{session['id']}/analysis")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transcript_not_ready"
    assert response.headers["X-API-Credits-Remaining"] == "999"


def test_it_accepts_with_202_and_charges_a_credit(sandbox_api):
    session = ended_session(sandbox_api)

    response = sandbox_api.post(f"sessions/{session['id']}/analysis", json={"profile": "qa"})

    assert response.status_code == 202
    analysis = response.json()
    assert re.fullmatch(r"anl_[0-9A-Z]{26}", analysis["id"])
    assert (analysis["object"], analysis["session_id"]) == ("analysis", session["id"])
    assert (analysis["status"], analysis["profile"]) == ("processing", "qa")
    assert analysis["summary"] is None
    assert analysis["completed_at"] is None
    assert response.headers["X-API-Credits-Remaining"] == "998"


def test_it_completes_and_announces_it(sandbox_api, receiver):
    session = ended_session(sandbox_api)
    created = sandbox_api.post(f"sessions/{session['id']}/analysis").json()

    analysis = finished(sandbox_api, created["id"])
    delivery = receiver.wait_for(lambda got: "analysis.complete" in [d.type for d in got])[-1]

    assert analysis["status"] == "completed"
    assert analysis["summary"] == "No speech was detected in this session."
    assert analysis["sentiment"] == {"agent": "no speech", "customer": "no speech"}
    assert analysis["compliance"] == {"status": "review", "flags": ["no_agent_speech"]}
    assert analysis["performance"] == {"score": 0.0}
    assert analysis["error"] is None
    assert analysis["completed_at"] is not None
    assert delivery.event["data"] == analysis
    assert sandbox_api.get(f"analysis/{created['id']}").json() == analysis


async def test_it_analyses_what_was_said(sandbox_api):
    session = sandbox_api.create_session()
    async with open_stream(session) as ws:
        await receive(ws)
        await send_audio(ws, to_mulaw(bursts(1)))
        await collect(ws, lambda got: bool(of_type(got, "transcript.final", speaker="customer")))
    sandbox_api.post(f"sessions/{session['id']}/end")
    body = {"include": ["summary", "compliance", "keywords"]}
    created = sandbox_api.post(f"sessions/{session['id']}/analysis", json=body).json()

    analysis = finished(sandbox_api, created["id"])

    assert "1 agent and 1 customer turns" in analysis["summary"]
    assert "problem with my order" in analysis["summary"]
    assert analysis["compliance"] == {"status": "ok", "flags": []}
    assert analysis["keywords"][0] == "hello"  # said by both sides
    spoken = (analysis["summary"] + " Hello, thank you for calling. How can I help you").lower()
    assert all(word in spoken for word in analysis["keywords"])
    assert analysis["sentiment"] is None  # not requested
    assert analysis["performance"] is None


def test_it_fails_when_told_to(sandbox_api, receiver):
    sandbox_api.config(analysis_fail=True, analysis_delay_s=0.1)
    session = ended_session(sandbox_api)
    created = sandbox_api.post(f"sessions/{session['id']}/analysis").json()

    analysis = finished(sandbox_api, created["id"])
    delivery = receiver.wait_for(lambda got: "analysis.failed" in [d.type for d in got])[-1]

    assert analysis["status"] == "failed"
    assert analysis["error"]
    assert analysis["summary"] is None
    assert delivery.event["data"]["id"] == created["id"]


def test_it_refuses_an_unknown_include(sandbox_api):
    session = ended_session(sandbox_api)

    response = sandbox_api.post(f"sessions/{session['id']}/analysis", json={"include": ["mood"]})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "include"
