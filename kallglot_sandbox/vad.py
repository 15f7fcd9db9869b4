"""Voice activity detection over the µ-law audio a stream receives.

Transcripts in the sandbox are driven by the audio that actually arrived, so a browser that
sends silence gets no transcript and N spoken bursts give N utterances. Time is counted in
samples, not wall-clock time, so the result does not depend on how fast frames are sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kallglot_sandbox.dsp import is_voiced, ulaw_to_samples

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_MS = 20
THRESHOLD = 32768 * 10 ** (-40 / 20)  # -40 dBFS RMS
HANGOVER_FRAMES = 30  # 600 ms of silence ends an utterance
PARTIAL_EVERY_FRAMES = 20  # a partial for every 400 ms of speech
MIN_VOICED_FRAMES = 3  # shorter blips (< 60 ms) are noise, not words


@dataclass(frozen=True)
class Progress:
    """The current utterance has `voiced_ms` of speech so far (time for a partial)."""

    voiced_ms: int


@dataclass(frozen=True)
class Utterance:
    """An utterance ended with `voiced_ms` of speech (time for a final)."""

    voiced_ms: int


VadEvent = Progress | Utterance


@dataclass
class VoiceActivityDetector:
    """Feeds µ-law bytes in, yields Progress/Utterance events; records one flag per frame."""

    flags: bytearray = field(default_factory=bytearray)
    _pending: bytes = b""
    _in_speech: bool = False
    _voiced: int = 0
    _silence: int = 0

    def feed(self, ulaw: bytes) -> list[VadEvent]:
        data = self._pending + ulaw
        usable = len(data) - len(data) % FRAME_SAMPLES
        self._pending = data[usable:]
        samples = ulaw_to_samples(data[:usable])
        events: list[VadEvent] = []
        for start in range(0, usable, FRAME_SAMPLES):
            voiced = is_voiced(samples[start : start + FRAME_SAMPLES], THRESHOLD)
            self.flags.append(1 if voiced else 0)
            event = self._step(voiced)
            if event is not None:
                events.append(event)
        return events

    def flush(self) -> Utterance | None:
        """End an utterance still open when the audio stops for good."""
        if not self._in_speech:
            return None
        self._in_speech = False
        return self._finished()

    def _step(self, voiced: bool) -> VadEvent | None:
        if not self._in_speech:
            if voiced:
                self._in_speech, self._voiced, self._silence = True, 1, 0
            return None
        if voiced:
            self._voiced += 1
            self._silence = 0
            if self._voiced % PARTIAL_EVERY_FRAMES == 0:
                return Progress(self._voiced * FRAME_MS)
            return None
        self._silence += 1
        if self._silence >= HANGOVER_FRAMES:
            self._in_speech = False
            return self._finished()
        return None

    def _finished(self) -> Utterance | None:
        if self._voiced < MIN_VOICED_FRAMES:
            return None
        return Utterance(self._voiced * FRAME_MS)
