// AudioWorklet processor: microphone PCM at the context's rate -> 8 kHz G.711 µ-law chunks.
// Kallglot accepts only µ-law, 8 kHz, mono (kallglot-api.md §3.4). Runs on the audio thread,
// so it allocates nothing per render quantum except the chunk it hands over.

const TARGET_RATE = 8000;
const CHUNK_SAMPLES = 320; // 40 ms at 8 kHz; the page batches these into audio.input frames
const CUTOFF_HZ = 3400; // telephone band; well below the 4 kHz Nyquist limit of 8 kHz

// One RBJ low-pass biquad section (direct form I).
class Biquad {
  constructor(rate, cutoff, q) {
    const w = (2 * Math.PI * cutoff) / rate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    this.b0 = (1 - cos) / 2 / a0;
    this.b1 = (1 - cos) / a0;
    this.b2 = this.b0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
    this.x1 = this.x2 = this.y1 = this.y2 = 0;
  }

  step(x) {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

// G.711 µ-law encoding of one sample in [-1, 1].
function mulaw(sample) {
  let s = Math.round(Math.max(-1, Math.min(1, sample)) * 32767);
  const sign = s < 0 ? 0x80 : 0;
  s = Math.min(Math.abs(s), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

class MulawProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // sampleRate is the context's real rate (44.1 kHz headless, often 48 kHz): never assumed.
    this.step = sampleRate / TARGET_RATE;
    // A 4th-order Butterworth low-pass: two sections with the Butterworth Q values.
    const cutoff = Math.min(CUTOFF_HZ, sampleRate * 0.45);
    this.filters = [new Biquad(sampleRate, cutoff, 0.5412), new Biquad(sampleRate, cutoff, 1.3066)];
    this.position = 0; // next output instant, in input samples from the start of this block
    this.previous = 0; // last filtered sample of the previous block
    this.block = new Float32Array(128);
    this.newChunk();
  }

  newChunk() {
    this.chunk = new Uint8Array(CHUNK_SAMPLES);
    this.filled = 0;
    this.peak = 0;
  }

  // Downmix all channels to mono, low-pass it, and remember the block's peak for the meter.
  filterBlock(channels) {
    const length = channels[0].length;
    if (this.block.length !== length) this.block = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      const mono = sum / channels.length;
      this.peak = Math.max(this.peak, Math.abs(mono));
      this.block[i] = this.filters[1].step(this.filters[0].step(mono));
    }
    return length;
  }

  // Linear interpolation at fractional positions `step` apart; position -1 is the previous block.
  resample(length) {
    let t = this.position;
    while (t < length - 1) {
      const i = Math.floor(t);
      const a = i < 0 ? this.previous : this.block[i];
      const value = a + (this.block[i + 1] - a) * (t - i);
      this.chunk[this.filled++] = mulaw(value);
      if (this.filled === CHUNK_SAMPLES) this.flush();
      t += this.step;
    }
    this.position = t - length;
    this.previous = this.block[length - 1];
  }

  flush() {
    this.port.postMessage({ mulaw: this.chunk, peak: this.peak }, [this.chunk.buffer]);
    this.newChunk();
  }

  process(inputs) {
    const channels = inputs[0];
    if (channels && channels.length > 0) this.resample(this.filterBlock(channels));
    return true;
  }
}

registerProcessor("mulaw-encoder", MulawProcessor);
