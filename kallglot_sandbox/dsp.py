"""Audio arithmetic for the sandbox, in pure Python (numpy is a test-only dependency).

G.711 µ-law is the only format the stream accepts (kallglot-api.md §3.4), so everything here
works on 8 kHz µ-law bytes: decoding for voice activity and recordings, encoding for the
customer's synthetic speech, a dominant-frequency estimate for the debug endpoint, and WAV
framing for recordings. Decoding uses `bytes.translate` so it runs at C speed.
"""

from __future__ import annotations

import cmath
import math
import struct
import sys
from array import array
from collections.abc import Sequence
from functools import lru_cache

SAMPLE_RATE = 8000
_BIAS = 0x84
_CLIP = 32635


def _decode_byte(code: int) -> int:
    """G.711 µ-law byte → 16-bit linear sample (ITU-T reference algorithm)."""
    code = ~code & 0xFF
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 0x07, code & 0x0F
    sample = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return -sample if sign else sample


_DECODED = [_decode_byte(code) for code in range(256)]
_LOW = bytes(value & 0xFF for value in _DECODED)
_HIGH = bytes((value >> 8) & 0xFF for value in _DECODED)


def ulaw_to_pcm16(data: bytes) -> bytes:
    """Little-endian 16-bit PCM for µ-law bytes (two translate passes, no Python loop)."""
    out = bytearray(len(data) * 2)
    out[0::2] = data.translate(_LOW)
    out[1::2] = data.translate(_HIGH)
    return bytes(out)


def ulaw_to_samples(data: bytes) -> array:
    """Signed linear samples for µ-law bytes."""
    samples = array("h")
    samples.frombytes(ulaw_to_pcm16(data))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def encode_sample(sample: int) -> int:
    """16-bit linear sample → G.711 µ-law byte."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sign else sample, _CLIP) + _BIAS
    exponent = min(7, max(0, (magnitude >> 7).bit_length() - 1))
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def samples_to_ulaw(samples: Sequence[int]) -> bytes:
    return bytes(encode_sample(sample) for sample in samples)


def is_voiced(samples: Sequence[int], threshold: float) -> bool:
    """RMS at or above `threshold` (linear units); compares squares to avoid a sqrt."""
    if not samples:
        return False
    energy = sum(sample * sample for sample in samples)
    return energy >= threshold * threshold * len(samples)


@lru_cache(maxsize=4)
def _twiddles(size: int) -> tuple[complex, ...]:
    return tuple(cmath.exp(-2j * math.pi * k / size) for k in range(size // 2))


@lru_cache(maxsize=4)
def _hann(size: int) -> tuple[float, ...]:
    return tuple(0.5 - 0.5 * math.cos(2 * math.pi * i / size) for i in range(size))


def _fft(values: list[complex]) -> list[complex]:
    """Iterative radix-2 FFT; `len(values)` must be a power of two."""
    size = len(values)
    data = list(values)
    j = 0
    for i in range(1, size):
        bit = size >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            data[i], data[j] = data[j], data[i]
    twiddles = _twiddles(size)
    span = 2
    while span <= size:
        half, stride = span // 2, size // span
        for start in range(0, size, span):
            for k in range(half):
                even, odd = data[start + k], data[start + k + half] * twiddles[k * stride]
                data[start + k], data[start + k + half] = even + odd, even - odd
        span *= 2
    return data


def _window_power(samples: Sequence[int], start: int, size: int) -> list[float]:
    chunk = samples[start : start + size]
    mean = sum(chunk) / size
    hann = _hann(size)
    windowed = [complex((value - mean) * weight) for value, weight in zip(chunk, hann, strict=True)]
    spectrum = _fft(windowed)
    return [abs(bin_) ** 2 for bin_ in spectrum[: size // 2]]


def dominant_frequency(samples: Sequence[int], rate: int = SAMPLE_RATE) -> float | None:
    """Frequency (Hz) of the strongest spectral peak, or None for too little audio.

    Averages Hann-windowed power spectra of up to 16 windows spread over the audio, then
    refines the peak bin by log-parabolic interpolation (well under 1 Hz of error at 8 kHz),
    which keeps a pure-Python estimate inside the ±2 % the browser pipeline is held to.
    """
    if len(samples) < 256:
        return None
    size = min(1024, 1 << (len(samples).bit_length() - 1))
    count = min(16, max(1, len(samples) // size))
    last = len(samples) - size
    starts = [round(last * i / (count - 1)) if count > 1 else 0 for i in range(count)]
    power = [0.0] * (size // 2)
    for start in starts:
        for k, value in enumerate(_window_power(samples, start, size)):
            power[k] += value
    peak = max(range(1, size // 2 - 1), key=power.__getitem__)
    if power[peak] <= 0:
        return None
    left, mid, right = (math.log(max(power[k], 1e-12)) for k in (peak - 1, peak, peak + 1))
    denominator = left - 2 * mid + right
    offset = 0.5 * (left - right) / denominator if denominator else 0.0
    return (peak + offset) * rate / size


def wav_pcm16(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """A mono 16-bit PCM WAV file around little-endian PCM bytes."""
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(pcm),
    )
    return header + pcm


def synth_speech(seconds: float, seed: int, rate: int = SAMPLE_RATE) -> bytes:
    """Speech-like µ-law audio: 200 ms 'syllables' of 300-600 Hz tones, each faded in and out.

    Stands in for the translated speech Kallglot would send back; deterministic per seed.
    """
    total = int(seconds * rate)
    syllable = rate // 5
    phase, out = 0.0, bytearray()
    for i in range(total):
        index = i // syllable
        frequency = 300 + ((seed * 7 + index * 137) % 301)
        phase += 2 * math.pi * frequency / rate
        envelope = 0.5 - 0.5 * math.cos(2 * math.pi * (i % syllable) / syllable)
        out.append(encode_sample(int(9000 * envelope * math.sin(phase))))
    return bytes(out)
