// Unit tests of static/js/agent-socket.js with a fake WebSocket and mocked timers: it opens
// the socket GET /api/agent names, beats while open, and after a drop comes back with a fresh
// ticket, until it is closed.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

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
const { openAgentSocket } = await import("../../static/js/agent-socket.js");

const settle = () => new Promise((resolve) => setImmediate(resolve));
const agent = (state) => ({ type: "agent", state, offer: null, notice: "" });

beforeEach(() => {
  FakeSocket.made = [];
  mock.timers.enable({ apis: ["setInterval", "setTimeout"] });
});
afterEach(() => mock.timers.reset());

async function open(fetchAgent) {
  const seen = [];
  const states = [];
  const handle = openAgentSocket({
    fetchAgent,
    onMessage: (message) => seen.push(message.state),
    onState: (state) => states.push(state),
    heartbeatMs: 20000,
  });
  await settle();
  return { handle, seen, states };
}

function tickets() {
  let issued = 0;
  const fetchAgent = async () => ({ socket: `/ws/agent/?ticket=t${++issued}` });
  return { fetchAgent, count: () => issued };
}

test("it opens the socket GET /api/agent names and hands on the agent's state", async () => {
  const { seen, states, handle } = await open(tickets().fetchAgent);
  const socket = FakeSocket.made[0];
  assert.equal(socket.url, "ws://127.0.0.1:8000/ws/agent/?ticket=t1");
  socket.emit(agent("available"));
  socket.emit({ type: "other" });
  socket.emit(agent("away"));
  assert.deepEqual(seen, ["available", "away"]);
  assert.deepEqual(states, ["connecting", "open", "open"]);
  handle.close();
});

test("it says it is here at every heartbeat", async () => {
  const { handle } = await open(tickets().fetchAgent);
  const socket = FakeSocket.made[0];
  mock.timers.tick(20000 * 3);
  assert.deepEqual(socket.sent, [{ type: "here" }, { type: "here" }, { type: "here" }]);
  handle.close();
});

test("after a drop it reconnects with a fresh ticket, and a closed one stays closed", async () => {
  const issuer = tickets();
  const { handle, states } = await open(issuer.fetchAgent);
  FakeSocket.made[0].close();
  assert.equal(states.at(-1), "reconnecting");
  mock.timers.tick(15000); // the longest a first retry waits
  await settle();
  assert.equal(FakeSocket.made.length, 2);
  assert.equal(FakeSocket.made[1].url, "ws://127.0.0.1:8000/ws/agent/?ticket=t2");

  const beatsBefore = FakeSocket.made[0].sent.length;
  mock.timers.tick(20000);
  assert.equal(FakeSocket.made[0].sent.length, beatsBefore); // the dropped one beats no more
  assert.deepEqual(FakeSocket.made[1].sent, [{ type: "here" }]);

  handle.close();
  mock.timers.tick(60000);
  await settle();
  assert.equal(FakeSocket.made.length, 2);
  assert.equal(issuer.count(), 2);
  assert.equal(states.at(-1), "closed");
});

test("a ticket that cannot be fetched is asked for again", async () => {
  let calls = 0;
  const fetchAgent = async () => {
    calls += 1;
    if (calls === 1) throw new Error("offline");
    return { socket: "/ws/agent/?ticket=late" };
  };
  const { handle } = await open(fetchAgent);
  assert.equal(FakeSocket.made.length, 0);
  mock.timers.tick(15000);
  await settle();
  assert.equal(FakeSocket.made[0].url, "ws://127.0.0.1:8000/ws/agent/?ticket=late");
  handle.close();
});

test("it names its page, hands on who holds the call, and asks again on each reconnect", async () => {
  const calls = [];
  let opens = 0;
  const handle = openAgentSocket({
    fetchAgent: tickets().fetchAgent,
    onMessage: () => {},
    onCall: (message) => calls.push(message.page),
    onOpen: () => (opens += 1),
    page: "tab 1",
  });
  await settle();
  const socket = FakeSocket.made[0];
  assert.equal(socket.url, "ws://127.0.0.1:8000/ws/agent/?ticket=t1&page=tab%201");
  for (const fn of socket.listeners.open || []) fn();
  socket.emit({ type: "call", session_id: "s", page: "tab 2", ends_in: null });
  handle.send({ type: "hold", session: "s", take: true });
  assert.deepEqual(calls, ["tab 2"]);
  assert.equal(opens, 1);
  assert.deepEqual(socket.sent, [{ type: "hold", session: "s", take: true }]);

  socket.close();
  mock.timers.tick(15000);
  await settle();
  for (const fn of FakeSocket.made[1].listeners.open || []) fn();
  assert.equal(opens, 2);
  handle.close();
});
