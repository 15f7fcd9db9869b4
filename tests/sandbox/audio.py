"""Test audio made with numpy: tones, silence, bursts, and an independent G.711 µ-law codec."""

from __future__ import annotations

import numpy as np

RATE = 8000


def tone(frequency: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return amplitude * np.sin(2 * np.pi * frequency * t)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(RATE * seconds))


def bursts(count: int, on_s: float = 0.8, off_s: float = 1.0, frequency: float = 440) -> np.ndarray:
    """`count` tone bursts, each followed by `off_s` of silence."""
    parts = []
    for _ in range(count):
        parts += [tone(frequency, on_s), silence(off_s)]
    return np.concatenate(parts)


def to_mulaw(signal: np.ndarray) -> bytes:
    """Float signal in [-1, 1] → G.711 µ-law bytes (segment/mantissa form, vectorised)."""
    pcm = np.clip(np.round(signal * 32767), -32768, 32767).astype(np.int64)
    sign = np.where(pcm < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(pcm), 32635) + 0x84
    exponent = np.clip(np.floor(np.log2(magnitude >> 7)).astype(np.int64), 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def from_mulaw(data: bytes) -> np.ndarray:
    """G.711 µ-law bytes → int16 samples."""
    code = ~np.frombuffer(data, dtype=np.uint8).astype(np.int64) & 0xFF
    exponent, mantissa = (code >> 4) & 0x07, code & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return np.where(code & 0x80, -magnitude, magnitude).astype(np.int16)


def peak_frequency(samples: np.ndarray) -> float:
    """Frequency of the largest FFT bin (Hann window, zero-padded to 1/8 Hz bins)."""
    windowed = (samples - samples.mean()) * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed, n=RATE * 8))
    return float(np.argmax(spectrum[1:]) + 1) / 8
