// The agent console: the call's state machine and the page around it.
//   idle → starting → connecting → live → ending → ended, and error from anywhere.
// An ended call is never replaced by a new one without the agent pressing Start, or Accept
// on an inbound call that rings for them (desk.js).
// A page that loads while the agent has a live call takes it over (a reload, a crashed tab, a
// second tab): fresh stream credentials, the captions so far from the stored events, the timer
// from the call's start. The page that held it is told (the agent socket) and steps back to
// "moved", from where it can take the call back. Leaving does not end a call: the server ends
// one that no page holds after a grace (holds.py).

import { Api } from "./api.js";
import { Captions, captionSize } from "./captions.js";
import { openDesk } from "./desk.js";
import { durationSince } from "./duration.js";
import { connectHost } from "./embed.js";
import { openMicrophone } from "./mic.js";
import { Playback } from "./playback.js";
import { openStatusSocket } from "./status-socket.js";
import { CallStream } from "./stream.js";
import { Timeline } from "./timeline.js";

const STATES = {
  idle: { label: "Ready", next: ["starting"] },
  starting: { label: "Starting…", next: ["connecting", "idle", "ended", "error"] },
  connecting: { label: "Connecting…", next: ["live", "ending", "ended", "error", "moved"] },
  live: { label: "Live", next: ["connecting", "ending", "ended", "error", "moved"] },
  ending: { label: "Ending…", next: ["ended", "error"] },
  ended: { label: "Call ended", next: ["starting"] },
  error: { label: "Problem", next: ["starting", "connecting", "ending", "ended", "moved"] },
  moved: { label: "In another tab", next: ["connecting", "ending", "ended", "error"] },
};
const START_LABELS = { ended: "Start a new call", error: "Try again" };
const RESUME_LABELS = { error: "Reconnect", moved: "Take the call back" };
// How a dialled call that ends with these statuses ended (a key of END_REASONS).
const DIAL_ENDS = {
  busy: "busy",
  "no-answer": "no_answer",
  failed: "dial_failed",
  canceled: "canceled",
  completed: "customer_hung_up",
};
const IN_CALL = new Set(["starting", "connecting", "live", "ending"]);
const END_REASONS = {
  explicit_end: "by you",
  ended_by_agent: "by you",
  ended_by_supervisor: "by a supervisor",
  api_end: "elsewhere (for example by a supervisor)",
  idle_timeout: "after a long silence",
  session_ended: "elsewhere (for example by a supervisor)",
  customer_hung_up: "because the customer hung up",
  upstream_lost: "because Kallglot no longer knew it (it is closed here)",
  console_closed: "because no console page had it open",
  // A customer the agent dialled who never came on the line (dialing.py).
  busy: "because the line was busy",
  no_answer: "because nobody answered",
  dial_failed: "because it could not be put through",
  canceled: "because it was cancelled before they answered",
};

// The words after "Call ended": the server names the supervisor who ended it.
function endWords(reason, by) {
  return reason === "ended_by_supervisor" && by ? `by supervisor ${by}` : END_REASONS[reason] || "";
}

const config = JSON.parse(document.getElementById("console-config").textContent);
const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
const api = new Api(config.urls, csrfToken);
const $ = (id) => document.getElementById(id);
const ui = {
  root: $("console"),
  form: $("setup"),
  fields: $("setup-fields"),
  route: $("route"),
  routeField: $("route-field"),
  dial: $("dial"),
  dialField: $("dial-field"),
  dialRegion: $("dial-region"),
  customer: $("customer"),
  bridge: $("bridge"),
  bridgeUri: $("bridge-uri"),
  mode: $("mode"),
  source: $("source-language"),
  target: $("target-language"),
  start: $("start"),
  end: $("end"),
  mute: $("mute"),
  meter: $("mic-level"),
  muted: $("muted-banner"),
  stateLabel: $("state-label"),
  stateDetail: $("state-detail"),
  timer: $("call-timer"),
  alert: $("alert"),
  callInfo: $("call-info"),
  unheld: $("unheld"),
  unheldText: $("unheld-text"),
  takeHere: $("take-here"),
  languages: $("call-languages"),
};
const captions = new Captions($("captions"), {
  empty: $("captions-empty"),
  latest: $("captions-latest"),
  languages: config.languages,
});
captionSize($("caption-size"), $("captions"));
const timeline = new Timeline($("call-timeline"), config.event_labels);

let state = "idle";
let call = null; // the current (or last) call: session, stream, mic, playback, audio context
let muted = false;
let focusLost = false; // a disabled control dropped the keyboard focus; see moveFocus()
let blockedUntil = 0; // after a 429, Start waits for Retry-After
let blockClock = null; // counts that wait down on Start
let signedOut = false; // after a 401, Start reloads: sign-in, then back here
let status = null; // the status socket of the current (or last) call
let statusState = "closed";
let extraContext = {}; // CRM context keys the form has no field for (from the host page)
let toHost = () => {}; // posts to the CRM page that frames the console (embed.js)
let desk = null; // the agent's state and the inbound calls ringing for them (desk.js)
const pageId = crypto.randomUUID(); // this page, to the server, across socket reconnects
let holding = null; // {sessionId, take}: the live call this page holds (or asks to hold)
let unheld = null; // the agent's call that no page holds, offered here: {message, until}
const counters = { framesSent: 0, framesMuted: 0, bytesSent: 0 };

// --- state ---

function setState(next, detail = "") {
  if (next !== state && !STATES[state].next.includes(next)) {
    console.warn(`console: ignored transition ${state} → ${next}`);
    return false;
  }
  state = next;
  ui.root.dataset.state = next;
  ui.stateLabel.textContent = STATES[next].label;
  ui.stateDetail.textContent = detail;
  const focused = document.activeElement;
  render();
  const stranded = focusLost && document.activeElement === document.body;
  if (stranded || (ui.root.contains(focused) && focused.disabled)) moveFocus();
  return true;
}

// A keyboard user whose button just became disabled lands on the next useful control
// (Mute rather than End during a call: a stray key press there is harmless), or on the
// first one that becomes usable again.
function moveFocus() {
  const next = ui.mute.disabled ? ui.start : ui.mute;
  focusLost = next.disabled;
  if (!focusLost) next.focus();
}

// After an error, or taken over by another page, a call that has not ended can be
// reconnected (taken back) or ended.
function resumable() {
  return (state === "error" || state === "moved") && Boolean(call && call.session && !call.over);
}

function render() {
  const open = resumable();
  ui.fields.disabled = IN_CALL.has(state) || open;
  ui.start.disabled = IN_CALL.has(state) || Date.now() < blockedUntil;
  const idleLabel = dialRoute() ? "Dial" : "Start call";
  ui.start.textContent = signedOut ? "Reload" : open ? RESUME_LABELS[state] : START_LABELS[state] || idleLabel;
  const wait = Math.ceil((blockedUntil - Date.now()) / 1000);
  if (wait > 0 && !IN_CALL.has(state)) ui.start.textContent += ` (${wait} s)`;
  ui.end.textContent = call && call.dialling ? "Cancel call" : "End call";
  ui.end.disabled = !(state === "connecting" || state === "live" || open);
  ui.mute.disabled = !["starting", "connecting", "live"].includes(state);
  ui.mute.setAttribute("aria-pressed", String(muted));
  ui.mute.textContent = muted ? "Unmute" : "Mute";
  ui.muted.hidden = !(muted && IN_CALL.has(state));
}

function showAlert(message, tone = "error") {
  ui.alert.textContent = message;
  ui.alert.dataset.tone = tone;
  ui.alert.hidden = !message;
}

// --- starting a call ---

function onStart(event) {
  event.preventDefault();
  if (signedOut) return location.reload();
  begin(formChoices());
}

function formChoices() {
  const choices = { route: ui.route.value, mode: ui.mode.value, source_language: ui.source.value, target_language: ui.target.value };
  if (dialRoute()) choices.dial = ui.dial.value;
  return choices;
}

// The host page's dial command: the customer's number on the chosen (or first) outbound line.
function dialFromHost(message) {
  const choices = formChoices();
  for (const key of ["route", "mode", "source_language", "target_language"]) {
    if (message[key] !== undefined) choices[key] = message[key];
  }
  if (message.route === undefined && !dialRoute()) choices.route = firstDialRoute();
  begin({ ...choices, dial: message.number }, message.context);
}

// The Start button and the host page's start command both come here; `context` (from the
// host) replaces the CRM context first.
async function begin(choices, context) {
  if (resumable()) return resume();
  if (!["idle", "ended", "error"].includes(state) || Date.now() < blockedUntil) return;
  if (context) setContext(context);
  pickRoute(choices.route);
  if (choices.dial !== undefined) ui.dial.value = choices.dial;
  showDialField();
  pick(ui.mode, choices.mode);
  pick(ui.source, choices.source_language);
  pick(ui.target, choices.target_language);
  // One key per click, reused by retries of this request.
  if (!(await prepare(crypto.randomUUID()))) return;
  setState("starting", "Creating the call");
  let session;
  try {
    session = await api.createSession(sessionRequest(choices), call.key);
  } catch (error) {
    if (error.retryAfter) blockUntil(error.retryAfter);
    fail(error.message, error.code);
    if (error.openCalls && error.openCalls.length) listOpenCalls(error.openCalls);
    return;
  }
  rememberChoices();
  clearContext();
  if (session.dial) ui.dial.value = session.dial.display;
  goLive(session);
}

// Accept on an inbound call that rings for this agent (desk.js): true once the call is ours.
// The microphone opens first, as for Start; a call another agent took meanwhile is no error.
async function answer(offer) {
  if (!["idle", "ended", "error"].includes(state) || resumable()) return false;
  const opened = prepare(null); // "starting" at once: Mute is usable
  moveFocus(); // the focus was on Accept, which is gone
  if (!(await opened)) return false;
  setState("starting", "Taking the call");
  let session;
  try {
    session = await api.request("POST", api.url("accept", offer.id), {});
  } catch (error) {
    teardown();
    if (error.status !== 404 && error.status !== 409) fail(error.message, error.code);
    else if (setState("idle")) showAlert(error.message, "warning");
    return false;
  }
  pick(ui.mode, session.mode); // the form shows the call's settings, as after Start
  pick(ui.source, session.source_language || "");
  pick(ui.target, session.target_language || "");
  clearContext();
  goLive(session);
  return true;
}

// A new call on the page: the last one's traces cleared, the microphone open.
async function prepare(key) {
  muted = false;
  setState("starting", "Opening the microphone");
  showAlert("");
  captions.clear();
  closeStatus();
  timeline.clear();
  showCustomer("");
  ui.bridge.hidden = true;
  ui.callInfo.textContent = "";
  ui.languages.textContent = "";
  counters.framesSent = counters.framesMuted = counters.bytesSent = 0;
  call = { key, session: null, over: false, startedAt: null, reconnects: 0, context: new AudioContext() };
  call.playback = new Playback(call.context);
  return openMic();
}

// The call as Start's create or an inbound call's Accept answers it (stream included), or a
// call this page takes over: live.
function goLive(session, { resumed = false } = {}) {
  call.session = session;
  call.dialling = Boolean(session.dial) && session.status !== "ended";
  toHost(resumed ? "session.resumed" : "session.created", { session: brief() });
  ui.callInfo.textContent = `Kallglot call ${session.kallglot_id}`;
  showLine(session);
  watch(session);
  if (!session.stream) return callEnded(session.end_reason || "session_ended"); // not put through
  holdCall(true);
  connect(session.stream);
}

// The agent's live call, which no page of theirs streams now (this page just loaded, or the
// agent chose to take it here): the same call goes on, from where it is.
async function takeOver(session) {
  if (!["idle", "ended", "error"].includes(state) || resumable()) return;
  hideUnheld();
  if (!(await prepare(null))) return;
  setState("starting", "Taking the call back");
  let credentials;
  try {
    credentials = await api.refreshStream(session.id);
  } catch (error) {
    call.session = session;
    if (error.code === "session_ended") return callEnded(session.end_reason || "session_ended");
    return fail(error.message, error.code);
  }
  pick(ui.mode, session.mode);
  pick(ui.source, session.source_language || "");
  pick(ui.target, session.target_language || "");
  call.startedAt = session.started_at ? Date.parse(session.started_at) : null;
  goLive({ ...session, stream: credentials }, { resumed: true });
  wakeAudio(call.context);
}

// A page that loaded by itself (a reload) may get no sound in or out before the agent's first
// click or key: the browser keeps its audio suspended until then.
function wakeAudio(context) {
  if (context.state !== "suspended") return;
  showAlert("Click anywhere or press a key to turn the call's sound back on.", "warning");
  const wake = () => {
    document.removeEventListener("pointerdown", wake);
    document.removeEventListener("keydown", wake);
    context.resume().then(() => call && call.context === context && showAlert(""), () => {});
  };
  document.addEventListener("pointerdown", wake);
  document.addEventListener("keydown", wake);
}

// Reconnects a call whose stream gave up, with fresh credentials; never creates a session.
async function resume() {
  const takingBack = state === "moved";
  setState("connecting", takingBack ? "Taking the call back" : "Reconnecting");
  showAlert("");
  call.context = new AudioContext();
  call.playback = new Playback(call.context);
  if (status) status.retryNow(); // it may have slowed down while the call was lost
  if (!(await openMic())) return;
  try {
    const credentials = await api.refreshStream(call.session.id);
    holdCall(true);
    connect(credentials);
  } catch (error) {
    if (error.code === "session_ended") callEnded("session_ended");
    else fail(error.message, error.code);
  }
}

async function openMic() {
  try {
    call.mic = await openMicrophone(call.context, { onFrame: sendFrame, onLevel: showLevel });
    return true;
  } catch (error) {
    fail(error.message, "microphone");
    return false;
  }
}

function sessionRequest({ route, mode, source_language, target_language, dial }) {
  const body = { mode };
  if (route) body.route = route;
  if (dial !== undefined) body.dial = dial;
  if (source_language) body.source_language = source_language;
  if (target_language) body.target_language = target_language;
  const metadata = { ...extraContext };
  for (const input of metadataInputs()) {
    if (input.value.trim()) metadata[input.dataset.metadata] = input.value.trim();
  }
  if (Object.keys(metadata).length) body.metadata = metadata;
  return body;
}

function metadataInputs() {
  return ui.form.querySelectorAll("[data-metadata]");
}

// CRM references belong to one call: once a call is made with them they are cleared, and the
// next call has the CRM's next ones (or none). A reference typed by hand belonged to that call.
function clearContext() {
  extraContext = {};
  for (const input of metadataInputs()) input.value = "";
}

// The host page's CRM context for the next call: into the form where it has a field.
function setContext(metadata) {
  extraContext = { ...metadata };
  for (const input of metadataInputs()) {
    input.value = extraContext[input.dataset.metadata] || "";
    delete extraContext[input.dataset.metadata];
  }
}

// Shows a choice in its select when it is one of the options (the server judges the rest).
function pick(select, value = "") {
  if ([...select.options].some((option) => option.value === value)) select.value = value;
}

// A route named by the CRM, by its id or its label.
function pickRoute(value) {
  const route = config.routes.find((r) => String(r.id) === String(value) || r.label === value);
  if (route) ui.route.value = String(route.id);
}

// --- the customer's phone line ---

// The chosen route when it is an outbound line (its customers are dialled), else undefined.
function dialRoute() {
  return config.routes.find((r) => String(r.id) === ui.route.value && r.dial_region);
}

function firstDialRoute() {
  const route = config.routes.find((r) => r.dial_region);
  return route ? String(route.id) : undefined;
}

function showDialField() {
  const route = dialRoute();
  ui.dialField.hidden = !route;
  ui.dialRegion.textContent = route ? regionName(route.dial_region) : "";
  render();
}

function regionName(code) {
  try {
    return new Intl.DisplayNames([navigator.language || "en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
}

// Twilio's progress with a customer the agent dialled, in the server's words.
function onDialEvent(event) {
  const status = (event.data && event.data.status) || "";
  if (["in-progress", "busy", "no-answer", "failed", "canceled", "completed"].includes(status)) {
    call.dialling = false;
    call.dialEnd = DIAL_ENDS[status];
    render();
    // Twilio's word may come after the call ended some other way: it says best why.
    if (call.over && call.dialEnd) ui.stateDetail.textContent = endWords(call.dialEnd);
  }
  showCustomer((event.data && event.data.label) || "");
}

function showCustomer(text) {
  ui.customer.textContent = text;
  ui.customer.hidden = !text;
}

// Right after Start: a carrier rings the customer; a PBX must bridge the call to Kallglot.
function showLine(session) {
  if (session.customer === "ringing") showCustomer("Calling the customer…");
  if (!session.bridge_uri) return;
  ui.bridgeUri.textContent = session.bridge_uri;
  ui.bridge.hidden = false;
  showCustomer("Waiting for the PBX to bridge the customer's call.");
}

function onCustomerEvent(event) {
  const label = (event.data && event.data.label) || "";
  call.customer = event.data && event.data.customer;
  if (event.kind === "session.provider.connected") return showCustomer(label);
  if (call.over || call.session.dial) return showCustomer(label); // a dialled customer never calls back
  showCustomer(`${label}. The call ends in ${config.hangup_grace} s unless they call back.`);
}

// The call as the host page knows it (docs/embedding.md).
function brief() {
  const { id, kallglot_id, metadata } = call.session;
  return { id, kallglot_id, external_call_id: (metadata || {}).external_call_id || null };
}

// Start stays disabled for Retry-After, counting the seconds down on its label.
function blockUntil(seconds) {
  blockedUntil = Date.now() + seconds * 1000;
  clearInterval(blockClock);
  blockClock = setInterval(() => {
    if (Date.now() >= blockedUntil) clearInterval(blockClock);
    render();
  }, 1000);
}

// A Start refused for too many open calls lists them, each with End it (loaded only then);
// ending one frees Start.
async function listOpenCalls(calls) {
  const { listCalls } = await import("./open-calls.js");
  listCalls(ui.alert, calls, api, () => {
    blockedUntil = 0;
    render();
    if (document.activeElement === document.body) ui.start.focus();
  });
}

// --- the stream ---

function connect(credentials) {
  setState("connecting", "Connecting to the translation service");
  call.stream = new CallStream({
    credentials,
    refresh: () => api.refreshStream(call.session.id),
    giveUpAfterMs: config.reconnect_limit * 1000,
    handlers: {
      onConnecting: ({ reason }) => {
        call.reconnects += 1;
        const detail = reason === "token" ? "Renewing the connection" : "Connection lost, reconnecting";
        setState("connecting", detail);
      },
      onReady: onReady,
      onMessage: onMessage,
      onEnded: (reason) => (state === "ending" && !call.endingOverStream ? null : callEnded(reason)),
      onFailed: (code, message) => {
        if (code === "session_not_found") return closeUnknown();
        if (code === "connection_lost") message = lostMessage();
        fail(message, code);
      },
    },
  });
  call.stream.connect();
}

// The stream gave up after CONSOLE_RECONNECT_LIMIT: nothing says the call has ended.
function lostMessage() {
  const limit = Math.round(config.reconnect_limit);
  return `The connection has been lost for ${limit} s. The call may still be open: press Reconnect to try again, or End call.`;
}

// Kallglot refused the stream as a call it does not know (4404): the server closes it here
// too, so it no longer counts as open (its End meets the same 404: upstream_lost).
async function closeUnknown() {
  setState("ending", "Kallglot no longer knows this call: closing it");
  try {
    await api.endSession(call.session.id);
  } catch (error) {
    call.over = true;
    return fail(`Kallglot no longer knows this call, and it could not be closed here: ${error.message}`, error.code);
  }
  callEnded("upstream_lost");
  showAlert("Kallglot no longer knew this call (it may have restarted), so it is closed. Start a new call to go on.", "warning");
}

function onReady() {
  if (!setState("live")) return;
  if (!call.startedAt) toHost("session.started", { session: brief() });
  call.startedAt = call.startedAt || Date.now();
  if (!call.clock) call.clock = setInterval(showDuration, 1000);
  showDuration();
}

function onMessage(message) {
  if (message.type === "transcript.partial" || message.type === "transcript.final") {
    captions.show(message);
    if (message.type === "transcript.final") showLanguages(message);
  } else if (message.type === "audio.output" && message.audio) {
    call.playback.enqueue(message.audio);
  } else if (message.type === "session.error") {
    showAlert(message.message || "The translation service reported a problem.", "warning");
  }
}

// A call left to detect its languages: the ones its captions name.
function showLanguages({ speaker, language, translation }) {
  const { source_language: source, target_language: target } = call.session || {};
  if (!["agent", "customer"].includes(speaker)) return;
  const heard = (call.heard ||= {});
  heard[speaker] ||= language;
  heard[speaker === "agent" ? "customer" : "agent"] ||= translation && translation.language;
  const name = (code) => (config.languages.find((known) => known.code === code) || { name: code || "…" }).name;
  if (!(source && target)) ui.languages.textContent = `Languages: ${name(source || heard.agent)} → ${name(target || heard.customer)} (detected)`;
}

function sendFrame(bytes, timestampMs) {
  if (state !== "live" || !call.stream) return;
  if (muted) {
    counters.framesMuted += 1;
    return;
  }
  const sent = call.stream.sendAudio(bytes, timestampMs);
  if (!sent) return;
  counters.framesSent += 1;
  counters.bytesSent += sent; // the uplink figure of design.md §8 (bench/uplink.py)
}

// --- the status socket: the server's numbered events ---

// From seq 0, so that the timeline starts with "Created".
function watch(session) {
  status = openStatusSocket({
    socketPath: session.status_socket,
    sessionUrl: api.url("session", session.id),
    onEvent: (event) => onStatusEvent(session, event),
    onState: (next) => (statusState = next),
    slowAfterMs: config.reconnect_limit * 1000,
  });
}

function onStatusEvent(session, event) {
  if (!call || call.session !== session) return;
  timeline.add(event);
  // The captions so far of a call taken over (the stream sends only what is said from now on);
  // the stream's own finals of the same utterances are the same entries.
  if (event.kind === "transcript.segment") captions.show({ ...event.data, type: "transcript.final" });
  if (event.kind.startsWith("session.provider.")) onCustomerEvent(event);
  if (event.kind.startsWith("call.")) onDialEvent(event);
  // Ended elsewhere (a supervisor, upstream) while the page still thinks the call is on.
  const { reason = "", by = "" } = event.data || {};
  if (event.kind === "session.ended" && !call.over && state !== "ending") {
    callEnded(END_REASONS[reason] ? reason : "session_ended", by);
  } else if (event.kind === "session.ended" && state === "ended" && END_REASONS[reason]) {
    ui.stateDetail.textContent = endWords(reason, by); // the stream told of the end first
  }
}

function closeStatus() {
  if (status) status.close();
  status = null;
}

// --- which page holds the call (the agent socket; holds.py) ---

// This page streams the call; `take` takes it from another page of the agent's.
function holdCall(take) {
  holding = { sessionId: call.session.id, take };
  if (desk) desk.hold(holding.sessionId, take);
}

// The agent socket (re)connected: the page still holds its call, unless another took it.
function onDeskOpen() {
  if (holding) desk.hold(holding.sessionId, holding.take);
}

function onCallHolder(message) {
  const ours = holding && holding.sessionId === message.session_id && call && !call.over;
  if (ours && message.page === pageId) holding.take = false; // held: a reconnect asks again
  else if (ours && message.page) movedAway();
  else if (!ours) offerUnheld(message);
}

// Another page (a second tab, a reload elsewhere) took the call: this one stops streaming.
function movedAway() {
  holding = null;
  teardown();
  setState("moved", "The call goes on in another tab or window.");
}

// The agent's call that no page streams now: it ends when the server's grace runs out
// unless the agent takes it here.
function offerUnheld(message) {
  const orphaned = message.page === null && message.ends_in !== null && message.status !== "ended";
  if (!orphaned) return hideUnheld();
  unheld = { message, until: Date.now() + message.ends_in * 1000 };
  ui.unheld.hidden = false;
  showUnheldTime();
}

function showUnheldTime() {
  if (!unheld) return;
  const left = Math.max(0, Math.ceil((unheld.until - Date.now()) / 1000));
  ui.unheldText.textContent = `A call of yours is no longer open on any page. It ends in ${left} s unless you take it here.`;
  if (left === 0) hideUnheld();
}

function hideUnheld() {
  unheld = null;
  ui.unheld.hidden = true;
}

async function takeUnheld() {
  if (!unheld) return;
  const { session_id } = unheld.message;
  try {
    takeOver(await api.request("GET", api.url("session", session_id)));
  } catch (error) {
    hideUnheld();
    showAlert(error.message, "warning");
  }
}

// --- ending ---

async function onEnd() {
  if (!(state === "connecting" || state === "live" || resumable())) return;
  setState("ending", "Ending the call");
  // The app ends it first: it records who ended the call (Kallglot's own end says not who).
  let ended;
  try {
    ended = await api.endSession(call.session.id);
  } catch (error) {
    // The app could not; Kallglot can, over the stream (its webhook tells the app later).
    call.endingOverStream = Boolean(call.stream && call.stream.end());
    if (call.endingOverStream) return;
    teardown();
    return fail(`The call could not be ended: ${error.message} Press End call to try again.`, error.code);
  }
  // The reason the server stored: the agent's End, or one that met a call Kallglot forgot.
  callEnded(ended.end_reason === "upstream_lost" ? "upstream_lost" : "explicit_end");
}

function callEnded(reason, by = "") {
  if (call.over && state === "ended") return; // told twice (the status socket was first)
  if (call.customer === "hung_up" && reason !== "explicit_end") reason = "customer_hung_up";
  if (call.dialEnd && reason !== "explicit_end") reason = call.dialEnd;
  call.over = true;
  call.dialling = false;
  call.endedAt = Date.now();
  holding = null;
  captions.settle();
  teardown();
  setState("ended", endWords(reason, by));
  showDuration();
  linkToHistory();
  toHost("session.ended", { session: brief(), reason });
}

// The ended call's page (design.md §3): transcript, recording and analysis arrive there.
function linkToHistory() {
  const link = document.createElement("a");
  link.href = api.url("detail", call.session.id);
  link.textContent = "Open this call in History";
  ui.callInfo.append(document.createElement("br"), link);
}

// A problem the agent must know about; the call may still be resumable (see render()).
function fail(message, code = "error") {
  signedOut = code === "not_authenticated";
  teardown();
  setState("error");
  showAlert(message);
  toHost("error", { code, message });
}

function teardown() {
  if (!call) return;
  clearInterval(call.clock);
  call.clock = null;
  if (call.stream) call.stream.close();
  if (call.mic) call.mic.stop();
  if (call.playback) call.playback.stop();
  if (call.context) call.context.close();
  call.stream = call.mic = call.context = null;
  showLevel(0);
}

// --- small pieces of the page ---

function onMute() {
  muted = !muted;
  render();
}

function showLevel(level) {
  ui.meter.value = level;
}

function showDuration() {
  if (!call || !call.startedAt) return;
  const until = call.over && call.endedAt ? call.endedAt : Date.now();
  ui.timer.textContent = durationSince(call.startedAt, until);
}

function fillSelect(select, options, chosen) {
  for (const { value, label } of options) select.add(new Option(label, value, false, value === chosen));
}

function rememberChoices() {
  try {
    localStorage.setItem("kallglot.setup", JSON.stringify({ mode: ui.mode.value, source: ui.source.value }));
  } catch {
    // Storage may be disabled (private mode, iframes); remembering is only a convenience.
  }
}

function setUp() {
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem("kallglot.setup") || "{}");
  } catch {
    saved = {};
  }
  const prefill = config.prefill || {};
  const languages = [{ value: "", label: "Detect automatically" }].concat(
    config.languages.map(({ code, name }) => ({ value: code, label: name })),
  );
  const routes = config.routes.map(({ id, label }) => ({ value: String(id), label }));
  const preferred = config.routes.find((route) => route.default) || config.routes[0];
  fillSelect(ui.route, routes, preferred ? String(preferred.id) : "");
  pickRoute(prefill.route);
  if (prefill.dial) {
    if (!dialRoute()) pickRoute(firstDialRoute());
    ui.dial.value = prefill.dial;
  }
  ui.routeField.hidden = routes.length < 2;
  ui.route.addEventListener("change", showDialField);
  showDialField();
  fillSelect(ui.mode, config.modes, prefill.mode || saved.mode);
  fillSelect(ui.source, languages, prefill.source_language || saved.source || "");
  fillSelect(ui.target, languages, prefill.target_language || "");
  setContext(prefill.metadata || {});
  ui.form.addEventListener("submit", onStart);
  ui.end.addEventListener("click", onEnd);
  ui.mute.addEventListener("click", onMute);
  $("copy-bridge").addEventListener("click", () => navigator.clipboard.writeText(ui.bridgeUri.textContent));
  // Leaving closes the status socket (a page kept for Back keeps it, never to come back deaf).
  // A live call goes on: a reload or another tab takes it back, and the server ends it after a
  // grace if none does (holds.py). A call Start has yet to answer is abandoned: no page knows
  // it yet, and upstream would keep it open (and billed) until its idle timeout.
  window.addEventListener("pagehide", (event) => {
    if (event.persisted) return;
    closeStatus();
    if (state === "starting" && call.key && !call.session) {
      api.beacon(api.url("abandon"), { idempotency_key: call.key });
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (!IN_CALL.has(state) && !resumable()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it to show the warning
  });
  setState("idle");
  toHost = connectHost(config.embed.allowed_origins, {
    start: (message) => begin(message, message.metadata),
    dial: dialFromHost,
    end: onEnd,
    context: (message) => setContext(message.metadata),
  });
  toHost("ready", { user: config.user });
  desk = openDesk({ api, config, take: answer, page: pageId, onOpen: onDeskOpen, onCall: onCallHolder });
  ui.takeHere.addEventListener("click", takeUnheld);
  setInterval(showUnheldTime, 1000);
  if (config.resume) takeOver(config.resume);
}

// Read-only figures for tests and support; nothing here changes the call.
window.kallglotConsole = Object.freeze({
  get state() {
    return state;
  },
  get sessionId() {
    return call && call.session ? call.session.id : null;
  },
  get muted() {
    return muted;
  },
  get framesSent() {
    return counters.framesSent;
  },
  get framesMuted() {
    return counters.framesMuted;
  },
  get bytesSent() {
    return counters.bytesSent;
  },
  get audioFramesReceived() {
    return call && call.playback ? call.playback.received : 0;
  },
  get audioFramesPlayed() {
    return call && call.playback ? call.playback.played : 0;
  },
  get reconnects() {
    return call ? call.reconnects : 0;
  },
  get statusSocket() {
    return statusState;
  },
  get lastEventSeq() {
    return status ? status.lastSeq : 0;
  },
  get ringing() {
    return desk ? desk.ringing : "";
  },
  get agentState() {
    return desk ? desk.state : null;
  },
});

setUp();
