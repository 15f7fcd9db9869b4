// The supervisors' live board: the queues and the agents, open calls, their status as it
// changes, captions of one call.
import { durationSince } from "./duration.js";

const config = JSON.parse(document.getElementById("board-config").textContent);
const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
const rows = document.getElementById("board-rows");
const queueRows = document.getElementById("queue-rows");
const agentRows = document.getElementById("agent-rows");
const calls = new Map();
// Calls the board saw end: a slower answer or an older snapshot never brings one back.
const ended = new Set();
const lookups = new Map(); // call id → events waiting for its lookup
let watched = null;
let socket = null;
let attempt = 0;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function duration(call) {
  return call.started_at ? durationSince(call.started_at) : "not live yet";
}

const CUSTOMER = { ringing: "ringing", connected: "customer on the line", hung_up: "customer hung up" };

// The call's line: its route, and where the customer's phone leg is.
function line(call) {
  const parts = [call.route ? call.route.label : "Browser", call.dialled || CUSTOMER[call.customer]];
  return parts.filter(Boolean).join(": ");
}

function render(call) {
  const context = Object.entries(call.metadata || {}).map(([k, v]) => `${k}: ${v}`).join(", ") || "–";
  const watch = el("button", { type: "button", class: "button button--quiet" }, "Watch captions");
  watch.addEventListener("click", () => watchCall(call.id));
  const end = el("button", { type: "button", class: "button button--danger" }, "End call");
  end.addEventListener("click", () => askToEnd(call));
  // An inbound call waiting in its queue has no agent yet.
  const status = call.agent ? (call.status === "active" ? "live" : call.status) : "waiting";
  const row = el("tr", { "data-session": call.id, "data-status": call.status },
    el("td", {}, call.agent || "—"), el("td", {}, el("span", { class: `status status--${call.agent ? call.status : "waiting"}` }, status)),
    el("td", {}, line(call)),
    el("td", {}, call.languages),
    el("td", {}, context), el("td", { class: "board__duration" }, duration(call)), el("td", {}, watch, " ", end));
  const old = rows.querySelector(`[data-session="${call.id}"]`);
  if (old) old.replaceWith(row); else rows.append(row);
  refreshCount();
}

function refreshCount() {
  document.getElementById("board-count").textContent = `(${calls.size})`;
  document.getElementById("board-empty").hidden = calls.size > 0;
}

function remove(id) {
  ended.add(id);
  calls.delete(id);
  rows.querySelector(`[data-session="${id}"]`)?.remove();
  rows.querySelector(`[data-error-for="${id}"]`)?.remove();
  refreshCount();
}

// A call first heard of is looked up; its events that arrive meanwhile wait for the answer,
// which may be older than they are (a call that ends meanwhile must not stay on the board).
async function addUnknown(event) {
  const id = event.session_id;
  if (lookups.has(id)) return lookups.get(id).push(event);
  lookups.set(id, []);
  const call = await lookUp(id);
  const later = lookups.get(id);
  lookups.delete(id);
  if (call && call.status !== "ended" && !calls.has(id) && !ended.has(id)) { calls.set(id, call); render(call); }
  if (calls.has(id)) later.forEach(onEvent);
}

async function lookUp(id) {
  try {
    const response = await fetch(config.session_url.replace("{id}", id));
    return response.ok ? await response.json() : null;
  } catch (error) {
    return null;
  }
}

function onEvent(event) {
  if (event.kind === "transcript.segment") return showCaption(event);
  const call = calls.get(event.session_id);
  if (!call) {
    const gone = event.kind === "session.ended" && !lookups.has(event.session_id);
    return gone ? null : addUnknown(event);
  }
  if (event.kind === "session.started") { call.status = "active"; call.started_at = call.started_at || event.at; }
  if (event.kind === "session.ended") return showEnded(call, event.data.label);
  if (event.kind.startsWith("session.provider.")) call.customer = event.data.customer;
  // A customer the agent dialled: dialling, ringing, answered… in the server's words.
  if (event.kind.startsWith("call.")) call.dialled = event.data.label;
  if (event.kind === "session.provider.connected") call.dialled = null;
  render(call);
}

function showCaption(event) {
  if (event.session_id !== watched) return;
  const list = document.getElementById("watch-captions");
  const data = event.data;
  const existing = list.querySelector(`[data-seq="${event.seq}"]`);
  if (existing) return;
  const item = el("li", { class: `turn turn--${data.speaker}`, "data-seq": String(event.seq) },
    // A caption whose text was removed (its customer's data erased) keeps its place, empty.
    el("span", { class: "turn__who" }, `${data.speaker} (${data.language})`), el("span", { class: "turn__text" }, data.text ?? ""));
  if (data.translation) item.append(el("span", { class: "turn__translation" }, `${data.translation.language}: ${data.translation.text}`));
  list.append(item);
}

function watchCall(id) {
  watched = id;
  document.getElementById("watch-captions").replaceChildren();
  const call = calls.get(id);
  document.getElementById("watch-name").textContent = call ? `(${call.agent || "waiting caller"})` : "";
  socket.send(JSON.stringify({ type: "watch", session_id: id }));
}

// A supervisor's End is asked about first: it cuts off the agent and the customer. The native
// dialog keeps the keyboard inside it, and Escape keeps the call.
const dialog = document.getElementById("end-dialog");
const confirmEnd = document.getElementById("end-confirm");
const dialogError = document.getElementById("end-dialog-error");
let ending = null; // the call the dialog asks about

function askToEnd(call) {
  ending = call;
  const who = call.agent ? `${call.agent}'s call` : "The waiting caller's call";
  document.getElementById("end-dialog-text").textContent =
    `${who} (${line(call)}) ends for the agent and the customer. The agent sees that you ended it.`;
  dialogError.hidden = true;
  confirmEnd.disabled = false;
  dialog.showModal();
}

async function endCall() {
  const call = ending;
  confirmEnd.disabled = true;
  let response = null;
  try {
    response = await fetch(config.end_url.replace("{id}", call.id), { method: "POST", headers: { "X-CSRFToken": csrfToken } });
  } catch {
    // no answer: said below
  }
  const body = response ? await response.json().catch(() => ({})) : {};
  if (!response || !response.ok) {
    dialogError.textContent = `The call could not be ended: ${body.error ? body.error.message : "the server can't be reached."} Try again.`;
    dialogError.hidden = false;
    confirmEnd.disabled = false;
    return;
  }
  dialog.close();
  showEnded(call, body.end_reason_label);
}

confirmEnd.addEventListener("click", endCall);
document.getElementById("end-cancel").addEventListener("click", () => dialog.close());

// A call that ended leaves the open calls for the "Just ended" list, with why it ended.
function showEnded(call, why) {
  remove(call.id);
  const list = document.getElementById("ended-calls");
  if (list.querySelector(`[data-session="${call.id}"]`)) return;
  const at = new Date().toLocaleTimeString([], { hour12: false });
  list.prepend(el("li", { "data-session": call.id }, `${at} ${call.agent || "Waiting caller"}: ${why || "Ended"}`));
  while (list.children.length > 10) list.lastElementChild.remove();
  document.getElementById("ended-empty").hidden = true;
}

// The open calls as the server has them now: rows that changed are drawn again, calls no
// longer open go.
function showCalls(sessions) {
  const open = new Set(sessions.map((call) => call.id));
  for (const id of [...calls.keys()]) if (!open.has(id)) remove(id);
  for (const call of sessions) {
    if (ended.has(call.id)) continue; // a snapshot older than the call's end
    const known = calls.get(call.id);
    calls.set(call.id, call);
    if (!known || JSON.stringify(known) !== JSON.stringify(call)) render(call);
  }
  refreshCount();
}

function cell(text, attrs = {}) {
  return el("td", attrs, text);
}

function showQueues(queues) {
  queueRows.replaceChildren(...queues.map((queue) => el("tr", { "data-queue": String(queue.id) },
    el("th", { scope: "row" }, queue.label),
    cell(String(queue.waiting), { class: "board__number" }),
    cell(queue.since ? durationSince(queue.since) : "—", { class: "board__ticking", "data-since": queue.since || "" }),
    cell(String(queue.missed_today), { class: "board__number" }))));
  document.getElementById("queues-empty").hidden = queues.length > 0;
}

function showAgents(agents) {
  agentRows.replaceChildren(...agents.map((agent) => el("tr", { "data-agent": agent.name, "data-state": agent.state, "data-present": String(agent.present) },
    el("th", { scope: "row" }, agent.name),
    cell(el("span", { class: `status status--${agent.state}` }, agent.state_label)),
    cell(durationSince(agent.since), { class: "board__ticking", "data-since": agent.since }),
    cell(agent.languages.join(", ") || "—"),
    cell(agent.present ? "open" : "offline", { class: agent.present ? "" : "muted" }))));
  document.getElementById("agents-empty").hidden = agents.length > 0;
}

function onMessage(message) {
  if (message.type === "board" || message.type === "queues") {
    showCalls(message.sessions);
    showQueues(message.queues);
    showAgents(message.agents);
  } else if (message.type === "captions") {
    message.events.forEach(showCaption);
  } else if (message.type === "event") {
    onEvent(message);
  }
}

function setConnection(state, text) {
  document.getElementById("board").dataset.state = state;
  document.getElementById("board-connection").textContent = text;
}

async function freshSocketPath() {
  const response = await fetch(config.ticket_url);
  if (!response.ok) throw new Error(`ticket ${response.status}`);
  return (await response.json()).socket;
}

function reconnect() {
  setConnection("reconnecting", "Connection lost, reconnecting…");
  attempt += 1;
  setTimeout(async () => {
    try { connect(await freshSocketPath()); } catch (error) { reconnect(); }
  }, Math.random() * Math.min(15000, 500 * 2 ** attempt));
}

function connect(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${window.location.host}${path}`);
  socket.addEventListener("open", () => { attempt = 0; setConnection("live", "Live: updates appear as they happen."); if (watched) watchCall(watched); });
  socket.addEventListener("message", (message) => onMessage(JSON.parse(message.data)));
  socket.addEventListener("close", reconnect);
}

setInterval(() => {
  for (const row of rows.querySelectorAll("tr")) {
    const call = calls.get(row.dataset.session);
    if (call) row.querySelector(".board__duration").textContent = duration(call);
  }
  for (const ticking of document.querySelectorAll(".board__ticking[data-since]:not([data-since=''])")) {
    ticking.textContent = durationSince(ticking.dataset.since);
  }
}, 1000);
connect(config.socket);
