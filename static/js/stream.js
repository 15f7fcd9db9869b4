// The Kallglot stream socket of one session (kallglot-api.md §3): connect with the stream
// token, keep the connection alive, and reconnect with fresh credentials when the token is
// refused or the connection drops. It never creates a session.

const PING_INTERVAL_MS = 15000;
const SILENCE_LIMIT_MS = 2 * PING_INTERVAL_MS + 5000; // no message at all: the link is dead
const READY_LIMIT_MS = 10000; // a socket not ready by then (never opened, or silent) is retried
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const GIVE_UP_AFTER_MS = 45000; // not ready again for this long: report connection_lost

export const CLOSE_CODES = {
  normal: 1000,
  invalidToken: 4001,
  expiredToken: 4002,
  sessionNotFound: 4404,
  sessionEnded: 4409,
};
const AUTH_CLOSES = new Set([CLOSE_CODES.invalidToken, CLOSE_CODES.expiredToken]);
// Refusals come as a session.error and then a close code; the close code is acted on.
const REFUSALS = new Set(["invalid_token", "expired_token", "session_not_found", "session_ended"]);

// stream.url + ?token=, with the socket scheme derived from the URL given (http→ws, https→wss).
export function streamUrl({ url, token }) {
  const target = new URL(url, window.location.href);
  target.protocol = target.protocol.replace(/^http/, "ws");
  return `${target.href}${target.search ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

export class CallStream {
  // refresh() resolves to fresh {url, token, expires_at} or rejects (error.code "session_ended"
  // when the session is over). Handlers: onConnecting({attempt, reason}), onReady(),
  // onMessage(message), onEnded(reason), onFailed(code, message). Retries stop once the stream
  // has not been ready again for `giveUpAfterMs`, however the attempts went.
  constructor({ credentials, refresh, handlers, giveUpAfterMs = GIVE_UP_AFTER_MS }) {
    this.credentials = credentials;
    this.refresh = refresh;
    this.handlers = handlers;
    this.giveUpAfterMs = giveUpAfterMs;
    this.socket = null;
    this.ready = false;
    this.finished = false;
    this.ending = false;
    this.attempts = 0;
    this.sequence = 0;
    this.framesSent = 0;
    this.timers = { ping: null, retry: null, ready: null, giveUp: null };
  }

  connect() {
    this.ready = false;
    const socket = new WebSocket(streamUrl(this.credentials));
    this.socket = socket;
    this.lastMessageAt = Date.now();
    socket.onopen = () => this.startPing();
    this.timers.ready = setTimeout(() => this.abandon(), READY_LIMIT_MS);
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.closed(socket, event);
  }

  // The bytes sent (the JSON is ASCII: one byte a character), or 0 when not ready.
  sendAudio(bytes, timestampMs) {
    if (!this.ready || this.socket.readyState !== WebSocket.OPEN) return 0;
    this.sequence += 1;
    const text = JSON.stringify({
      type: "audio.input",
      sequence: this.sequence,
      timestamp_ms: timestampMs,
      speaker: "agent",
      audio: { encoding: "mulaw", sample_rate_hz: 8000, payload: toBase64(bytes) },
    });
    this.socket.send(text);
    this.framesSent += 1;
    return text.length;
  }

  // Asks Kallglot to end the session; the socket then closes by itself. False: not open.
  end() {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.ending = true;
    this.send({ type: "session.end" });
    return true;
  }

  // Stops for good without reporting anything (the page has decided the call is over).
  close() {
    this.finished = true;
    this.stopTimers();
    clearTimeout(this.timers.giveUp);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close(CLOSE_CODES.normal);
      this.socket = null;
    }
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }

  receive(data) {
    this.lastMessageAt = Date.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.type === "session.ready") {
      this.ready = true;
      this.attempts = 0;
      clearTimeout(this.timers.ready);
      clearTimeout(this.timers.giveUp);
      this.timers.giveUp = null;
      this.handlers.onReady();
    } else if (message.type === "session.ended") {
      this.finish(() => this.handlers.onEnded(message.reason || "ended"));
    } else if (message.type === "session.error" && REFUSALS.has(message.code)) {
      // Handled by the close that follows.
    } else if (message.type !== "pong") {
      this.handlers.onMessage(message);
    }
  }

  closed(socket, event) {
    if (socket !== this.socket || this.finished) return;
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    if (event.code === CLOSE_CODES.sessionEnded || this.ending) {
      this.finish(() => this.handlers.onEnded("session_ended"));
    } else if (event.code === CLOSE_CODES.sessionNotFound) {
      this.finish(() => this.handlers.onFailed("session_not_found", "Kallglot no longer knows this call."));
    } else {
      this.retry(AUTH_CLOSES.has(event.code) ? "token" : "dropped");
    }
  }

  // Fresh credentials, then a new socket: at once for a refused token, with backoff otherwise.
  // A refresh that hangs (a server stopped mid-call) must not keep the agent waiting: the
  // give-up timer runs from the first retry, whatever the attempts are doing.
  retry(reason) {
    this.attempts += 1;
    this.timers.giveUp ??= setTimeout(() => this.giveUp(), this.giveUpAfterMs);
    this.handlers.onConnecting({ attempt: this.attempts, reason });
    const immediate = reason === "token" && this.attempts === 1;
    const base = immediate ? 0 : BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length) - 1];
    this.timers.retry = setTimeout(() => this.reconnect(), base * (0.8 + Math.random() * 0.4));
  }

  async reconnect() {
    try {
      const credentials = await this.refresh();
      if (this.finished) return;
      this.credentials = credentials;
      this.connect();
    } catch (error) {
      if (this.finished) return;
      if (error.code === "session_ended") this.finish(() => this.handlers.onEnded("session_ended"));
      else if (!error.retryable) this.finish(() => this.handlers.onFailed(error.code, error.message));
      else this.retry("dropped");
    }
  }

  startPing() {
    this.timers.ping = setInterval(() => {
      if (Date.now() - this.lastMessageAt > SILENCE_LIMIT_MS) {
        this.abandon();
      } else if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.send({ type: "ping" });
      }
    }, PING_INTERVAL_MS);
  }

  giveUp() {
    this.finish(() =>
      this.handlers.onFailed("connection_lost", "The connection to the translation service was lost."),
    );
  }

  // A link that went silent may never deliver its close event: drop it and start over.
  abandon() {
    const socket = this.socket;
    socket.onclose = null;
    socket.close(4000, "no answer");
    this.socket = null;
    this.ready = false;
    this.stopTimers();
    this.retry("dropped");
  }

  finish(report) {
    if (this.finished) return;
    this.close();
    report();
  }

  stopTimers() {
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.retry);
    clearTimeout(this.timers.ready);
  }
}

function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x2000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000));
  }
  return btoa(binary);
}
