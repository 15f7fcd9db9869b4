// Plays audio.output frames (base64 µ-law, 8 kHz) back to back without gaps or overlaps.

const LEAD_S = 0.12; // jitter buffer when playback (re)starts after an underrun

// G.711 µ-law byte -> sample in [-1, 1), computed once.
const MULAW_TABLE = new Float32Array(256);
for (let byte = 0; byte < 256; byte++) {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07)) - 0x84;
  MULAW_TABLE[byte] = (u & 0x80 ? -magnitude : magnitude) / 32768;
}

export function decodeMulaw(base64) {
  const binary = atob(base64);
  const samples = new Float32Array(binary.length);
  for (let i = 0; i < binary.length; i++) samples[i] = MULAW_TABLE[binary.charCodeAt(i)];
  return samples;
}

export class Playback {
  constructor(context) {
    this.context = context;
    this.nextStart = 0; // context time at which the next frame starts
    this.sources = new Set();
    this.received = 0;
    this.played = 0;
  }

  // Schedules one frame right after the previous one; the browser resamples 8 kHz to the context.
  enqueue(audio) {
    if (audio.encoding !== "mulaw" || !audio.payload) return;
    const samples = decodeMulaw(audio.payload);
    if (samples.length === 0) return;
    this.received++;
    const buffer = this.context.createBuffer(1, samples.length, audio.sample_rate_hz || 8000);
    buffer.copyToChannel(samples, 0);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const now = this.context.currentTime;
    if (this.nextStart < now) this.nextStart = now + LEAD_S;
    source.start(this.nextStart);
    this.nextStart += buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      this.played++;
    };
  }

  stop() {
    for (const source of this.sources) {
      source.onended = null;
      source.stop();
    }
    this.sources.clear();
    this.nextStart = 0;
  }
}
