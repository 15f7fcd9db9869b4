"""The live call: agent turns from voice activity, and a scripted customer who answers.

Each utterance detected in the received audio becomes an agent turn: growing
`transcript.partial`s, then a `transcript.final` carrying its translation. About 300 ms later the
scripted customer answers with its own partials and final, followed by "translated speech" as
`audio.output` frames (µ-law 8 kHz, 160 ms each, paced in real time) — the sandbox's answer to
the docs' missing translated-audio message (G7). On a phone call the customer is the caller
(carrier.py): it answers only while its leg is connected, and tells the leg when it has said its
last scripted line.
"""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

from kallglot_sandbox import webhooks
from kallglot_sandbox.dsp import SAMPLE_RATE, synth_speech
from kallglot_sandbox.objects import segment_object
from kallglot_sandbox.phrases import (
    AGENT_LINES,
    CUSTOMER_LINES,
    DEFAULT_AGENT_LANGUAGE,
    DEFAULT_CUSTOMER_LANGUAGE,
    line,
    partial_text,
)
from kallglot_sandbox.state import Session, Turn, store
from kallglot_sandbox.vad import Progress, VoiceActivityDetector

REPLY_DELAY_S = 0.3
CUSTOMER_PARTIAL_GAP_S = 0.2
OUTPUT_FRAME_S = 0.16
OUTPUT_FRAME_BYTES = int(SAMPLE_RATE * OUTPUT_FRAME_S)
STALL_S = 1.0  # audio that stops mid-utterance (no trailing silence) still gets its final


class Conversation:
    """The turn engine of one session; lives as long as the session, across reconnects."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.vad = VoiceActivityDetector(flags=session.audio.voiced)
        self.agent_language = session.source_language or DEFAULT_AGENT_LANGUAGE
        self.customer_language = session.target_language or DEFAULT_CUSTOMER_LANGUAGE
        self.lines_spoken = 0
        self.sequence: int | None = None
        self.partials = 0
        self.started_at = 0.0
        self.output_sequence = 0
        self.replies: asyncio.Queue[int] = asyncio.Queue()
        self.worker: asyncio.Task[None] | None = None
        self.stall: asyncio.TimerHandle | None = None

    async def hear(self, ulaw: bytes) -> None:
        """Run voice activity over newly received audio and publish what it finds."""
        for event in self.vad.feed(ulaw):
            if isinstance(event, Progress):
                await self._agent_partial()
            else:
                await self._agent_final(reply=True)
        self._watch_for_stall()

    async def finish(self) -> None:
        """The session ended: close an open utterance, drop pending customer replies."""
        self.stop()
        if self.vad.flush() is not None:
            await self._agent_final(reply=False)

    def stop(self) -> None:
        """Cancel everything still scheduled for this conversation."""
        if self.stall is not None:
            self.stall.cancel()
        if self.worker is not None:
            self.worker.cancel()

    def _watch_for_stall(self) -> None:
        if self.stall is not None:
            self.stall.cancel()
        loop = asyncio.get_running_loop()
        self.stall = loop.call_later(STALL_S, self._stalled)

    def _stalled(self) -> None:
        self.stall = None
        if self.session.status != "ended" and self.vad.flush() is not None:
            store.spawn(self._agent_final(reply=True), name=f"stall {self.session.id}")

    def _agent_sequence(self) -> int:
        if self.sequence is None:
            self.sequence = self.session.allocate_sequence()
            self.started_at = time.time()
        return self.sequence

    async def _agent_partial(self) -> None:
        sequence = self._agent_sequence()
        self.partials += 1
        text = line(AGENT_LINES, self.lines_spoken, self.agent_language)
        shown = partial_text(text, self.partials)
        await self._send("transcript.partial", sequence, "agent", self.agent_language, shown)

    async def _agent_final(self, *, reply: bool) -> None:
        sequence, index = self._agent_sequence(), self.lines_spoken
        self.lines_spoken += 1
        self.sequence, self.partials = None, 0
        translation = {
            "language": self.customer_language,
            "text": line(AGENT_LINES, index, self.customer_language),
        }
        text = line(AGENT_LINES, index, self.agent_language)
        language, started = self.agent_language, self.started_at
        await self._publish(Turn(sequence, "agent", language, text, translation, started, index))
        if reply and self._caller_on_line():  # nobody answers what a caller never heard
            self.replies.put_nowait(index)
            if self.worker is None:
                self.worker = store.spawn(self._answer(), name=f"customer {self.session.id}")

    async def _answer(self) -> None:
        while True:
            index = await self.replies.get()
            await asyncio.sleep(REPLY_DELAY_S)
            if self._caller_on_line():
                await self._customer_turn(index)
                self._after_reply(index)

    def _caller_on_line(self) -> bool:
        """A browser call's customer is always there; a phone caller only while connected."""
        return self.session.leg is None or self.session.leg.on_line

    def _after_reply(self, index: int) -> None:
        if self.session.leg is not None and index % len(CUSTOMER_LINES) == len(CUSTOMER_LINES) - 1:
            self.session.leg.script_done()

    async def _customer_turn(self, index: int) -> None:
        sequence, started = self.session.allocate_sequence(), time.time()
        language = self.customer_language
        text = line(CUSTOMER_LINES, index, language)
        for step in (1, 2):
            shown = partial_text(text, step)
            await self._send("transcript.partial", sequence, "customer", language, shown)
            await asyncio.sleep(CUSTOMER_PARTIAL_GAP_S)
        translation = {
            "language": self.agent_language,
            "text": line(CUSTOMER_LINES, index, self.agent_language),
        }
        await self._publish(Turn(sequence, "customer", language, text, translation, started, index))
        await self._speak(translation["text"], seed=sequence)

    async def _publish(self, turn: Turn) -> None:
        self.session.turns.append(turn)
        await self._send(
            "transcript.final",
            turn.sequence,
            turn.speaker,
            turn.language,
            turn.text,
            turn.translation,
        )
        webhooks.emit("transcript.segment", segment_object(self.session, turn), self.session.id)

    async def _speak(self, text: str, seed: int) -> None:
        """1-1.5 s of synthetic speech as real-time paced `audio.output` frames."""
        seconds = min(1.5, 1.0 + 0.05 * len(text.split()))
        frames = max(1, round(seconds / OUTPUT_FRAME_S))
        audio = await asyncio.to_thread(synth_speech, frames * OUTPUT_FRAME_S, seed)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for number, offset in enumerate(range(0, len(audio), OUTPUT_FRAME_BYTES)):
            await asyncio.sleep(max(0.0, start + number * OUTPUT_FRAME_S - loop.time()))
            if not self._caller_on_line():
                return  # hung up mid-sentence
            self.output_sequence += 1
            chunk = audio[offset : offset + OUTPUT_FRAME_BYTES]
            await self.session.broadcast(self._audio_message(chunk))

    def _audio_message(self, chunk: bytes) -> dict[str, Any]:
        return {
            "type": "audio.output",
            "session_id": self.session.id,
            "sequence": self.output_sequence,
            "timestamp_ms": int(time.time() * 1000),
            "speaker": "customer",
            "audio": {
                "encoding": "mulaw",
                "sample_rate_hz": SAMPLE_RATE,
                "payload": base64.b64encode(chunk).decode("ascii"),
            },
        }

    async def _send(
        self,
        kind: str,
        sequence: int,
        speaker: str,
        language: str,
        text: str,
        translation: dict[str, str] | None = None,
    ) -> None:
        message: dict[str, Any] = {
            "type": kind,
            "session_id": self.session.id,
            "sequence": sequence,
            "speaker": speaker,
            "language": language,
            "text": text,
        }
        if translation is not None:
            message["translation"] = dict(translation)
        await self.session.broadcast(message)
