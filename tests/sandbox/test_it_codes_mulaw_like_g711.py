"""The sandbox's pure-Python DSP against numpy: G.711 µ-law both ways, and the frequency probe."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kallglot_sandbox.dsp import dominant_frequency, encode_sample, ulaw_to_samples
from tests.sandbox.audio import from_mulaw, to_mulaw, tone


def test_it_decodes_every_code_like_g711():
    codes = bytes(range(256))

    assert list(ulaw_to_samples(codes)) == from_mulaw(codes).tolist()


@given(st.integers(min_value=-32767, max_value=32767))
def test_it_encodes_like_g711(sample):
    assert encode_sample(sample) == to_mulaw(np.array([sample / 32767]))[0]


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=100, max_value=3800), st.floats(min_value=0.05, max_value=0.9))
def test_it_finds_the_frequency_of_a_tone(frequency, amplitude):
    samples = ulaw_to_samples(to_mulaw(tone(frequency, 0.5, amplitude)))

    assert abs(dominant_frequency(samples) - frequency) <= 0.01 * frequency
