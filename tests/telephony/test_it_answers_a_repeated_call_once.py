"""Twilio's voice webhook for one CallSid arriving twice at the same moment (a retry racing the
first): one call, one session here and upstream, and both answers join the caller to it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.models import CallSession, QueuedCall
from tests.telephony.inbound import (
    VOICE,
    first_stream_message,
    live_from_twilio,
    make_queue,
    stream_of,
    twiml,
    voice_form,
)

pytestmark = pytest.mark.django_db(transaction=True)


def twice_at_once(server, form: dict) -> list:
    barrier = threading.Barrier(2)

    def post(_: int):
        barrier.wait()
        return live_from_twilio(server, VOICE, form)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(post, range(2)))


@pytest.mark.parametrize("round_", range(3))
def test_the_same_call_sid_twice_at_once_is_one_call(server, upstream, round_):
    make_queue()
    form = voice_form()

    answers = twice_at_once(server, form)

    streams = [stream_of(twiml(answer)) for answer in answers]
    assert CallSession.objects.count() == 1
    assert QueuedCall.objects.get().call_sid == form["CallSid"]
    assert len(upstream.sessions()) == 1
    assert streams[0][0] == streams[1][0]
    for url, token in streams:
        assert first_stream_message(url, token)["type"] == "session.ready"
