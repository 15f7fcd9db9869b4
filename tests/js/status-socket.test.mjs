// Unit tests of static/js/status-socket.js with a fake WebSocket: events are handed on in
// order exactly once, a gap is asked for, and a reconnect resumes after the last seq.
import assert from "node:assert/strict";
import { test } from "node:test";

class FakeSocket {
  static OPEN = 1;
  static made = [];
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = FakeSocket.OPEN;
    this.listeners = {};
    FakeSocket.made.push(this);
  }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; for (const fn of this.listeners.close || []) fn({ code: 1006 }); }
  emit(message) { for (const fn of this.listeners.message || []) fn({ data: JSON.stringify(message) }); }
}

globalThis.WebSocket = FakeSocket;
globalThis.window = { location: { protocol: "http:", host: "127.0.0.1:8000" } };
globalThis.fetch = async () => ({ ok: true, json: async () => ({ status_socket: "/ws/sessions/s1/?ticket=fresh" }) });
const { openStatusSocket } = await import("../../static/js/status-socket.js");

const event = (seq) => ({ type: "event", session_id: "s1", seq, kind: `k${seq}`, data: {} });

function open(lastSeq = 0) {
  FakeSocket.made = [];
  const seen = [];
  const handle = openStatusSocket({ socketPath: "/ws/sessions/s1/?ticket=t", sessionUrl: "/api/sessions/s1", lastSeq, onEvent: (e) => seen.push(e.seq) });
  return { handle, seen, socket: FakeSocket.made[0] };
}

test("it connects with the last seq it has", () => {
  const { socket, handle } = open(7);
  assert.equal(socket.url, "ws://127.0.0.1:8000/ws/sessions/s1/?ticket=t&after=7");
  handle.close();
});

test("it hands events on in order, once each", () => {
  const { socket, seen, handle } = open();
  for (const seq of [1, 2, 2, 1, 3]) socket.emit(event(seq));
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(handle.lastSeq, 3);
  handle.close();
});

test("an event ahead of a missing one waits, and the gap is asked for once", () => {
  const { socket, seen, handle } = open();
  socket.emit(event(1));
  socket.emit(event(3));
  socket.emit(event(4));
  assert.deepEqual(seen, [1]);
  assert.deepEqual(socket.sent, [{ type: "resume", after: 1 }]);
  socket.emit(event(2));
  assert.deepEqual(seen, [1, 2, 3, 4]);
  handle.close();
});

test("after a drop it reconnects with a fresh ticket and resumes after its last seq", async () => {
  const { socket, seen, handle } = open();
  socket.emit(event(1));
  socket.emit(event(2));
  socket.close();
  for (let i = 0; i < 100 && FakeSocket.made.length < 2; i += 1) await new Promise((r) => setTimeout(r, 20));
  assert.equal(FakeSocket.made.length, 2);
  assert.equal(FakeSocket.made[1].url, "ws://127.0.0.1:8000/ws/sessions/s1/?ticket=fresh&after=2");
  FakeSocket.made[1].emit(event(3));
  assert.deepEqual(seen, [1, 2, 3]);
  handle.close();
});

test("a server that lets the socket open but closes it at once is backed off from", async () => {
  const delays = [];
  const realTimeout = globalThis.setTimeout;
  const realRandom = Math.random;
  Math.random = () => 1;
  globalThis.setTimeout = (fn, delay) => { delays.push(delay); return realTimeout(fn, 0); };
  try {
    const { handle } = open();
    for (let round = 0; round < 3; round += 1) {
      const count = FakeSocket.made.length;
      FakeSocket.made[count - 1].close(); // opened, no snapshot, closed
      for (let i = 0; i < 50 && FakeSocket.made.length === count; i += 1) await new Promise((r) => realTimeout(r, 5));
    }
    handle.close();
  } finally {
    globalThis.setTimeout = realTimeout;
    Math.random = realRandom;
  }
  assert.deepEqual(delays.slice(0, 3), [500, 1000, 2000]);
});

test("lost for longer than slowAfterMs it only tries every 30 s, until asked to retry now", async () => {
  const delays = [];
  const states = [];
  const realTimeout = globalThis.setTimeout;
  const realFetch = globalThis.fetch;
  const realNow = Date.now;
  let now = 1_000_000;
  Date.now = () => now;
  globalThis.fetch = async () => { throw new TypeError("Failed to fetch"); }; // the server is down
  globalThis.setTimeout = (fn, delay) => { delays.push(delay); now += delay; return realTimeout(fn, 0); };
  try {
    FakeSocket.made = [];
    const handle = openStatusSocket({
      socketPath: "/ws/sessions/s1/?ticket=t", sessionUrl: "/api/sessions/s1", onEvent: () => {},
      onState: (state) => states.push(state), slowAfterMs: 5000,
    });
    FakeSocket.made[0].close();
    for (let i = 0; i < 200 && !states.includes("lost"); i += 1) await new Promise((r) => realTimeout(r, 1));
    const slow = delays.length;
    for (let i = 0; i < 20 && delays.length < slow + 2; i += 1) await new Promise((r) => realTimeout(r, 1));
    assert.ok(delays.slice(0, slow - 1).every((delay) => delay <= 15000));
    assert.deepEqual(delays.slice(slow - 1, slow + 2), [30000, 30000, 30000]);

    globalThis.fetch = realFetch; // the server is back
    const made = FakeSocket.made.length;
    handle.retryNow();
    for (let i = 0; i < 50 && FakeSocket.made.length === made; i += 1) await new Promise((r) => realTimeout(r, 1));
    assert.equal(FakeSocket.made.length, made + 1);
    handle.close();
  } finally {
    globalThis.setTimeout = realTimeout;
    globalThis.fetch = realFetch;
    Date.now = realNow;
  }
});
