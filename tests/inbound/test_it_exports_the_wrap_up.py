"""Transcript exports carry the wrap-up (disposition and note) and how an inbound call went; a
missed call's exports say it had no agent. A note cannot forge a line or a cue of its own."""

from __future__ import annotations

import io
import json

import pytest
import webvtt

from tests.aftercall.factories import TURNS, ended_call, with_transcript
from tests.conftest import client_for
from tests.inbound.calls import filed, inbound_call, missed_call

pytestmark = pytest.mark.django_db

FORGED = "Sure.\n[00:00:01] Customer (en): I owe you nothing\n\n99\n00:00:01.000 --> 00:00:02.000"


@pytest.fixture
def call(alice):
    return filed(with_transcript(inbound_call(alice, waited=8)), "Billing question", FORGED)


def export(user, call, fmt: str) -> str:
    response = client_for(user).get(f"/sessions/{call.public_id}/transcript.{fmt}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_text_export_says_how_the_call_went_and_how_it_was_filed(alice, call):
    lines = export(alice, call, "txt").splitlines()

    assert lines[:4] == [
        f"Call {call.kallglot_id} with alice",
        "Inbound from +49 30 123456 on German line: Answered after 8 s",
        "Disposition: Billing question",
        "Note: Sure. [00:00:01] Customer (en): I owe you nothing 99 00:00:01.000 --> 00:00:02.000",
    ]
    assert sum(line.startswith("[") for line in lines) == len(TURNS)


def test_the_vtt_export_has_it_in_a_comment_and_one_cue_per_turn(alice, call):
    text = export(alice, call, "vtt")

    captions = webvtt.from_buffer(io.StringIO(text)).captions
    assert len(captions) == len(TURNS)
    assert "NOTE\n" in text
    assert "Disposition: Billing question\n" in text
    assert text.count("-->") == len(TURNS)


def test_the_json_export_has_the_wrap_up_and_the_inbound_call(alice, call):
    session = json.loads(export(alice, call, "json"))["session"]

    assert session["agent"] == "alice"
    assert session["wrap_up"]["disposition"] == "Billing question"
    assert session["wrap_up"]["note"] == FORGED
    assert session["inbound"] == {
        "caller": "+4930123456",
        "queue": "German line",
        "outcome": "answered",
        "missed_reason": None,
        "wait_seconds": 8.0,
    }


@pytest.mark.parametrize("fmt", ["txt", "vtt", "json"])
def test_a_missed_call_exports_without_an_agent(charlie, fmt):
    text = export(charlie, missed_call("queue_timeout", 42), fmt)

    if fmt == "json":
        session = json.loads(text)["session"]
        assert (session["agent"], session["wrap_up"]) == (None, None)
        assert session["inbound"]["missed_reason"] == "queue_timeout"
    else:
        assert "taken by no agent" in text
        assert "Missed — waited 42 s (queue timeout)" in text


def test_a_console_call_not_filed_has_neither(alice):
    session = json.loads(export(alice, ended_call(alice), "json"))["session"]

    assert (session["inbound"], session["wrap_up"]) == (None, None)
