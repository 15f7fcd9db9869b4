"""A call's length reads one way on every page: "m:ss", "h:mm:ss" from an hour on (the
`duration` template filter; static/js/duration.js writes the same in the browser)."""

from __future__ import annotations

import pytest

from sessions_app.models import Recording
from sessions_app.templatetags.calls import duration
from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import client_for


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "0:00"), (7.9, "0:07"), (16.3, "0:16"), (3599, "59:59"), (3725.5, "1:02:05")],
)
def test_it_reads_minutes_and_seconds_then_hours(seconds, shown):
    assert duration(seconds) == shown


def test_an_unknown_length_is_a_dash():
    assert duration(None) == "\u2013"  # an en dash


@pytest.mark.django_db
def test_history_the_call_page_and_the_export_say_the_same(alice):
    call = with_transcript(ended_call(alice, duration_seconds=16.3))
    Recording.objects.create(
        kallglot_id="rec_L1", session=call, status="ready", format="wav", duration_seconds=15.5
    )
    client = client_for(alice)

    history = client.get("/sessions/?within=all").content.decode()
    detail = client.get(f"/sessions/{call.public_id}/").content.decode()
    export = client.get(f"/sessions/{call.public_id}/transcript.txt").content.decode()

    assert "<td>0:16</td>" in history
    assert '<dd id="detail-duration">0:16</dd>' in detail
    assert "0:15, wav" in detail  # the recording's length
    assert "16.3 s" not in detail
    assert "16 s" not in history
    assert "0:16 long" in export
