// The agent socket: the agent's state and the calls ringing for them, while the page is open.
// A heartbeat says the page is still there. After a drop it reconnects with backoff and full
// jitter, each attempt with a fresh ticket (tickets are short-lived), until it is closed.
// `page` names this console page across reconnects; `onOpen` runs on each (re)connect, and
// `onCall` gets the server's word on who holds the agent's live call (holds.py).

const MAX_DELAY_MS = 15000;
const BASE_DELAY_MS = 500;

export function openAgentSocket({ fetchAgent, onMessage, onState, onOpen, onCall, page, heartbeatMs = 20000 }) {
  let attempt = 0;
  let socket = null;
  let stopped = false;
  let timer = null;
  let beat = null;
  const report = (state) => onState && onState(state);

  async function connect() {
    let agent;
    try {
      agent = await fetchAgent();
    } catch {
      return retry();
    }
    if (stopped) return;
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const named = page ? `${agent.socket}&page=${encodeURIComponent(page)}` : agent.socket;
    socket = new WebSocket(`${scheme}//${window.location.host}${named}`);
    if (onOpen) socket.addEventListener("open", onOpen);
    socket.addEventListener("message", (message) => receive(JSON.parse(message.data)));
    socket.addEventListener("close", () => {
      clearInterval(beat);
      socket = null;
      if (!stopped) retry();
    });
    beat = setInterval(() => send({ type: "here" }), heartbeatMs);
  }

  function receive(message) {
    if (message.type === "call" && onCall) onCall(message);
    if (message.type !== "agent") return;
    attempt = 0; // the server let us in: back off from scratch next time
    report("open");
    onMessage(message);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function retry() {
    report("reconnecting");
    const delay = Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(connect, delay);
  }

  report("connecting");
  connect();
  return {
    send,
    close() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(beat);
      if (socket) socket.close();
      report("closed");
    },
    drop() {
      if (socket) socket.close();
    },
  };
}
