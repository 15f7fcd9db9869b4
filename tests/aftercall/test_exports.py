"""Transcript exports: text, a WebVTT a parser accepts, and JSON."""

from __future__ import annotations

import io
import json

import pytest
import webvtt

from tests.aftercall.factories import TURNS, ended_call, with_transcript
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(alice):
    return with_transcript(ended_call(alice))


def export(user, call, fmt: str):
    return client_for(user).get(f"/sessions/{call.public_id}/transcript.{fmt}")


def test_the_text_export_has_every_turn_and_translation(alice, call):
    response = export(alice, call, "txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="transcript-{call.kallglot_id}.txt"'
    )
    text = response.content.decode()
    assert "[00:00:05] Agent (en): Hello, how can I help you today?" in text
    assert "    -> (en) My order has not arrived." in text
    assert "[00:00:15] Agent (en): I am sorry <to hear> that & will check." in text


def test_the_vtt_export_parses_with_one_cue_per_turn(alice, call):
    response = export(alice, call, "vtt")

    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    captions = webvtt.from_buffer(io.StringIO(response.content.decode())).captions
    assert len(captions) == len(TURNS)
    assert [c.start for c in captions] == ["00:00:05.000", "00:00:10.000", "00:00:15.000"]
    assert all(c.start < c.end for c in captions)
    assert "Hola, ¿cómo puedo ayudarle hoy?" in captions[0].text
    assert "&lt;to hear&gt; that &amp; will check" in captions[2].raw_text


def test_the_json_export_has_the_session_and_its_turns(alice, call):
    body = json.loads(export(alice, call, "json").content)

    assert body["session"]["kallglot_id"] == call.kallglot_id
    assert [turn["speaker"] for turn in body["turns"]] == ["agent", "customer", "agent"]
    assert body["turns"][1]["translation"] == {
        "language": "en",
        "text": "My order has not arrived.",
    }


def test_an_unknown_format_is_404(alice, call):
    assert export(alice, call, "docx").status_code == 404


@pytest.mark.parametrize("fmt", ["txt", "vtt", "json"])
def test_another_agent_gets_404_and_a_supervisor_gets_it(bob, charlie, call, fmt):
    assert export(bob, call, fmt).status_code == 404
    assert export(charlie, call, fmt).status_code == 200
