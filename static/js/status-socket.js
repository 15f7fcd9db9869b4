// The status socket: numbered events of one session, resumed after the last one seen.
// Reconnects with backoff and full jitter (every 30 s once lost for `slowAfterMs`, until
// `retryNow()`); each attempt fetches a fresh ticket first, and
// asks for everything after the last sequence number, so nothing is missed across a gap.
// Events are handed on strictly in order: one that arrives ahead of a missing one (relayed
// by another worker, say) waits while the socket asks the server for what it skipped.

const MAX_DELAY_MS = 15000;
const BASE_DELAY_MS = 500;
// Lost for longer than `slowAfterMs`: the server is down, not blinking. Try now and then only.
const SLOW_DELAY_MS = 30000;

function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

export function openStatusSocket({ socketPath, sessionUrl, lastSeq = 0, onEvent, onSnapshot, onState, slowAfterMs = Infinity }) {
  let seq = lastSeq;
  let attempt = 0;
  let lostSince = null; // when the socket was last let in, once it has been lost
  let socket = null;
  let stopped = false;
  let timer = null;
  let askedFrom = -1;
  const early = new Map(); // events that arrived ahead of one still missing, by seq
  const report = (state) => onState && onState(state);

  async function freshPath() {
    const response = await fetch(sessionUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`session lookup failed: ${response.status}`);
    return (await response.json()).status_socket;
  }

  function connect(path) {
    report(attempt === 0 ? "connecting" : "reconnecting");
    askedFrom = -1;
    socket = new WebSocket(`${socketUrl(path)}&after=${seq}`);
    socket.addEventListener("open", () => report("open"));
    socket.addEventListener("message", (message) => receive(JSON.parse(message.data)));
    socket.addEventListener("close", () => { socket = null; if (!stopped) retry(); });
  }

  function receive(message) {
    if (message.type === "snapshot") {
      attempt = 0; // the server let us in: back off from scratch next time
      lostSince = null;
      if (onSnapshot) onSnapshot(message);
    } else if (message.type === "event" && message.seq > seq) {
      early.set(message.seq, message);
      while (early.has(seq + 1)) {
        const next = early.get(seq + 1);
        early.delete(seq + 1);
        seq = next.seq;
        onEvent(next);
      }
      if (early.size > 0) askFrom(seq);
    }
  }

  function askFrom(after) {
    if (askedFrom === after || !socket || socket.readyState !== WebSocket.OPEN) return;
    askedFrom = after;
    socket.send(JSON.stringify({ type: "resume", after }));
  }

  function retry() {
    lostSince = lostSince ?? Date.now();
    const slow = Date.now() - lostSince >= slowAfterMs;
    report(slow ? "lost" : "reconnecting");
    const delay = slow ? SLOW_DELAY_MS : Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(reconnect, delay);
  }

  async function reconnect() {
    try {
      connect(await freshPath());
    } catch (error) {
      if (!stopped) retry();
    }
  }

  connect(socketPath);
  return {
    get lastSeq() { return seq; },
    close() { stopped = true; clearTimeout(timer); if (socket) socket.close(); report("closed"); },
    drop() { if (socket) socket.close(); },
    // The agent asked to reconnect: try at once rather than at the slow pace.
    retryNow() { if (stopped || socket) return; clearTimeout(timer); reconnect(); },
  };
}
