"""More of a call than the fake microphone says: tone bursts on a second stream socket."""

from __future__ import annotations

from websockets.sync.client import connect

from tests.conftest import SandboxControl
from tests.sandbox.audio import bursts, to_mulaw
from tests.sandbox.stream import FRAME_BYTES, audio_message, stream_url


def speak(upstream: SandboxControl, kallglot_id: str, utterances: int) -> None:
    """Tone bursts sent on a second stream socket of the call, faster than real time: the
    sandbox hears each as an utterance of the agent's, and the customer answers each."""
    audio = to_mulaw(bursts(utterances, on_s=0.3, off_s=0.7))
    with connect(stream_url(upstream.session(kallglot_id)), open_timeout=5) as stream:
        for number, offset in enumerate(range(0, len(audio), FRAME_BYTES), start=1):
            stream.send(audio_message(audio[offset : offset + FRAME_BYTES], number))
