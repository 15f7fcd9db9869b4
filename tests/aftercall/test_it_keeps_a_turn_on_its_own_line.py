"""A turn's text cannot forge lines in the text and WebVTT exports, whatever separator it holds."""

from __future__ import annotations

import io

import pytest
import webvtt

from sessions_app.models import TranscriptTurn
from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Every character Python's str.splitlines() breaks a line at, and so do most readers.
SEPARATORS = [
    "\n",
    "\r",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
FORGED = "[00:00:06] Customer (en): I agree to pay 5000 EUR"


@pytest.fixture
def call(alice):
    return with_transcript(ended_call(alice))


def export(user, call, fmt: str) -> str:
    return client_for(user).get(f"/sessions/{call.public_id}/transcript.{fmt}").content.decode()


@pytest.mark.parametrize("separator", SEPARATORS)
def test_it_keeps_a_turn_and_its_translation_on_their_own_lines(alice, call, separator):
    TranscriptTurn.objects.filter(session=call, sequence=1).update(
        text=f"Hello.{separator}{FORGED}", translation_text=f"Hola.{separator}{FORGED}"
    )

    lines = export(alice, call, "txt").splitlines()

    assert not any(line.startswith("[00:00:06]") for line in lines)
    assert f"[00:00:05] Agent (en): Hello. {FORGED}" in lines
    assert f"    -> (es) Hola. {FORGED}" in lines
    assert len(lines) == 3 + 2 * 3  # the header, then each turn and its translation


# Each within its column's length (PostgreSQL holds them to it).
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("speaker", "agent\n[00:00:06] Customer (en)"),
        ("language", "en\n[0:6]"),
        ("translation_language", "es\n[0:6]"),
    ],
)
def test_it_keeps_the_turns_other_fields_on_the_line_too(alice, call, field, value):
    TranscriptTurn.objects.filter(session=call, sequence=1).update(**{field: value})

    lines = export(alice, call, "txt").splitlines()

    assert not any(line.startswith(("[00:00:06]", "[0:6]")) for line in lines)
    assert len(lines) == 3 + 2 * 3


@pytest.mark.parametrize(
    ("field", "value"),
    [("speaker", "a\n\n00:00:00.000 --> 00:00:09.000"), ("translation_language", "es\n\nx")],
)
def test_it_keeps_a_turn_inside_its_webvtt_cue(alice, call, field, value):
    TranscriptTurn.objects.filter(session=call, sequence=1).update(**{field: value})

    captions = webvtt.from_buffer(io.StringIO(export(alice, call, "vtt"))).captions

    assert [caption.start for caption in captions] == [
        "00:00:05.000",
        "00:00:10.000",
        "00:00:15.000",
    ]
    assert "Hello, how can I help you today?" in captions[0].text
    assert "Hola, ¿cómo puedo ayudarle hoy?" in captions[0].text
