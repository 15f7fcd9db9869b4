// The microphone: getUserMedia -> AudioWorklet (µ-law 8 kHz) -> audio frames and a level.

const WORKLET_URL = new URL("./mulaw-worklet.js", import.meta.url);
const SAMPLE_RATE = 8000;
export const FRAME_MS = 160; // one audio.input frame: within the API's 100–200 ms
const FRAME_BYTES = (SAMPLE_RATE * FRAME_MS) / 1000;

// Messages an agent can act on, by getUserMedia's DOMException name.
const MIC_ERRORS = {
  NotAllowedError:
    "Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), " +
    "then start the call again.",
  SecurityError:
    "Microphone access is blocked by the browser's settings for this site. Allow it, then start again.",
  NotFoundError: "No microphone was found. Connect a headset or microphone, then start the call again.",
  OverconstrainedError: "No usable microphone was found. Connect a headset or microphone, then try again.",
  NotReadableError:
    "The microphone is busy or not working. Close other apps that use it (softphones, meetings), " +
    "then try again.",
  AbortError: "The microphone could not be started. Check the headset connection, then try again.",
};

export class MicrophoneError extends Error {}

export function describeMicError(error) {
  const fallback = "The microphone could not be started. Check your headset, then try again.";
  return MIC_ERRORS[error && error.name] || fallback;
}

async function requestStream() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new MicrophoneError("This page needs a secure (https) connection to use the microphone.");
  }
  try {
    // The browser's voice processing stays on: agents in open-plan rooms, often on speakers.
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    throw new MicrophoneError(describeMicError(error));
  }
}

// Collects the worklet's 40 ms chunks into FRAME_MS frames stamped with their capture time.
class FrameBatcher {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.startedAt = Date.now();
    this.samples = 0;
    this.frame = new Uint8Array(FRAME_BYTES);
    this.filled = 0;
  }

  push(chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, FRAME_BYTES - this.filled);
      this.frame.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === FRAME_BYTES) this.emit();
    }
  }

  emit() {
    const timestampMs = this.startedAt + Math.round((this.samples * 1000) / SAMPLE_RATE);
    this.samples += FRAME_BYTES;
    this.onFrame(this.frame, timestampMs);
    this.frame = new Uint8Array(FRAME_BYTES);
    this.filled = 0;
  }
}

// Opens the microphone on `context`. onFrame(bytes, timestampMs) gets every FRAME_MS of
// µ-law audio; onLevel(0..1) drives the meter. Returns { stop() }.
export async function openMicrophone(context, { onFrame, onLevel }) {
  const stream = await requestStream();
  try {
    await context.audioWorklet.addModule(WORKLET_URL);
  } catch (error) {
    stream.getTracks().forEach((track) => track.stop());
    throw new MicrophoneError("The audio processor could not be loaded. Reload the page and try again.");
  }
  const source = context.createMediaStreamSource(stream);
  const encoder = new AudioWorkletNode(context, "mulaw-encoder", { numberOfInputs: 1, numberOfOutputs: 0 });
  const batcher = new FrameBatcher(onFrame);
  encoder.port.onmessage = ({ data }) => {
    batcher.push(data.mulaw);
    onLevel(levelOf(data.peak));
  };
  source.connect(encoder);
  return {
    stop() {
      encoder.port.onmessage = null;
      source.disconnect();
      stream.getTracks().forEach((track) => track.stop());
      onLevel(0);
    },
  };
}

// Peak amplitude -> 0..1 on a -60..0 dBFS scale, the way level meters read.
function levelOf(peak) {
  if (peak <= 0.001) return 0;
  return Math.max(0, Math.min(1, 1 + (20 * Math.log10(peak)) / 60));
}
