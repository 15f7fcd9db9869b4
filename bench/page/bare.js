// The floor under click to live (bench/clicktolive.py): the console's own microphone and
// stream modules with none of the app around them. Start opens the microphone, creates the
// session straight at the sandbox (bench/forwarder.py's one hop), opens its stream and
// sends audio once it is ready, in the console's order. The query names the session's
// mode and languages.

import { openMicrophone } from "/static/js/mic.js";
import { CallStream } from "/static/js/stream.js";

const button = document.getElementById("start");
const state = document.getElementById("state");
let stream = null;

async function start() {
  button.disabled = true;
  const context = new AudioContext();
  await openMicrophone(context, { onFrame: sendFrame, onLevel: () => {} });
  const response = await fetch("/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(Object.fromEntries(new URLSearchParams(location.search))),
  });
  const session = await response.json();
  stream = new CallStream({
    credentials: session.stream,
    refresh: () => Promise.reject(new Error("the bare page never reconnects")),
    handlers: {
      onConnecting: () => {},
      onReady: () => (state.textContent = "live"),
      onMessage: () => {},
      onEnded: () => (state.textContent = "ended"),
      onFailed: (code) => (state.textContent = `failed: ${code}`),
    },
  });
  stream.connect();
}

function sendFrame(bytes, timestampMs) {
  if (stream && stream.ready) stream.sendAudio(bytes, timestampMs);
}

button.addEventListener("click", start);
button.disabled = false;
state.textContent = "idle";
