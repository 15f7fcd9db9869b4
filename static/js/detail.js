// A call's detail page: live timeline, recordings and analysis results without reloading.
import { Api } from "./api.js";
import { duration } from "./duration.js";
import { endButton } from "./end-button.js";
import { openStatusSocket } from "./status-socket.js";

const config = JSON.parse(document.getElementById("detail-config").textContent);
const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;
const timeline = document.getElementById("timeline");
const api = new Api(config.urls, csrfToken);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function addToTimeline(event) {
  if (event.kind === "transcript.segment") return;
  const at = new Date(event.at);
  const label = config.event_labels[event.kind] || event.kind;
  timeline.append(el("li", { "data-seq": String(event.seq), "data-kind": event.kind },
    el("time", { datetime: event.at }, at.toLocaleTimeString([], { hour12: false })), " ", el("span", {}, label)));
}

function showRecording(data) {
  const list = document.getElementById("recordings");
  document.getElementById("recordings-empty")?.remove();
  const item = el("li");
  if (data.status === "ready") {
    const length = data.duration_seconds == null ? "" : duration(data.duration_seconds);
    item.append(el("audio", { controls: "", preload: "metadata", src: data.audio_url }), " ",
      el("span", {}, length), " ", el("a", { href: data.audio_url, download: "" }, "Download"));
  } else {
    item.append(el("span", { class: "notice notice--error" }, "This recording could not be made."));
  }
  list.append(item);
}

// Kallglot's performance score is a fraction from 0 to 1: shown out of 100, as the server's
// `score` filter (sessions_app/templatetags/calls.py) writes it.
function score(value) {
  if (typeof value === "number" && value >= 0 && value <= 1) return `${Math.round(value * 100)} / 100`;
  return String(value);
}

function analysisCard(analysis) {
  const card = el("article", { class: `analysis analysis--${analysis.status}`, "data-analysis": analysis.id });
  card.append(el("h3", {}, `${analysis.profile} analysis `, el("span", { class: `status status--${analysis.status}` }, analysis.status)));
  if (analysis.status === "completed") {
    const facts = el("dl", { class: "facts" });
    const add = (term, value) => facts.append(el("dt", {}, term), el("dd", {}, String(value)));
    if (analysis.summary) add("Summary", analysis.summary);
    for (const [who, value] of Object.entries(analysis.sentiment || {})) add(`Sentiment (${who})`, value);
    if (analysis.compliance) add("Compliance", [analysis.compliance.status, ...(analysis.compliance.flags || [])].join(", "));
    if (analysis.performance) {
      facts.append(el("dt", {}, "Performance"), el("dd", { class: "analysis__score" }, score(analysis.performance.score)));
    }
    if (analysis.keywords && analysis.keywords.length) {
      facts.append(el("dt", {}, "Keywords"), el("dd", { class: "analysis__keywords" },
        ...analysis.keywords.map((word) => el("span", { class: "keyword" }, word))));
    }
    card.append(facts);
  } else if (analysis.status === "failed") {
    card.append(el("p", { class: "notice notice--error" }, `The analysis failed: ${analysis.error || "no reason given"}`));
  } else {
    card.append(el("p", {}, "Processing… the result appears here when it is ready."));
  }
  return card;
}

function showAnalysis(analysis) {
  const holder = document.getElementById("analyses");
  const existing = holder.querySelector(`[data-analysis="${CSS.escape(analysis.id)}"]`);
  // The answer to the request ("processing") can arrive after the socket brought the result.
  const finished = existing && !existing.classList.contains("analysis--processing");
  if (finished && analysis.status === "processing") return;
  const card = analysisCard(analysis);
  if (existing) existing.replaceWith(card); else holder.prepend(card);
}

function showTranscriptReady() {
  const empty = document.getElementById("turns-empty");
  if (!empty) return;
  empty.textContent = "The transcript is ready. ";
  const reload = el("button", { type: "button", class: "button button--quiet" }, "Show it");
  reload.addEventListener("click", () => window.location.reload());
  empty.append(reload);
}

function showEnded(words) {
  const status = document.getElementById("detail-status");
  status.textContent = "Ended";
  status.className = "status status--ended";
  // Why, in the server's words (sessions_app/end_reasons.py).
  if (words) document.getElementById("detail-end-reason").textContent = words;
  document.getElementById("end-row")?.remove();
}

function onEvent(event) {
  addToTimeline(event);
  if (event.kind.startsWith("recording.")) showRecording(event.data);
  if (event.kind === "analysis.complete" || event.kind === "analysis.failed") showAnalysis(event.data);
  if (event.kind === "transcript.ready") showTranscriptReady();
  if (event.kind === "session.ended") showEnded(event.data && event.data.label);
}

async function requestAnalysis(submit) {
  submit.preventDefault();
  const form = submit.target;
  const error = document.getElementById("analysis-error");
  const include = [...form.querySelectorAll("[name=include]:checked")].map((box) => box.value);
  form.querySelector("button").disabled = true;
  error.hidden = true;
  try {
    const response = await fetch(config.analysis_url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ include }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : "The request failed.");
    showAnalysis(body);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    form.querySelector("button").disabled = false;
  }
}

document.getElementById("analysis-form").addEventListener("submit", requestAnalysis);
// A call left open by a console that went away (a crash, a tab closed while starting) would
// count against the agent's open calls until Kallglot's idle timeout: it can be ended here.
const endCall = document.getElementById("end-call");
if (endCall) {
  endButton(endCall, document.getElementById("end-error"), () => api.endSession(config.session_id), (call) => showEnded(call.end_reason_label));
}
window.kallglotDetail = openStatusSocket({
  socketPath: config.status_socket,
  sessionUrl: config.session_url,
  lastSeq: config.last_event_seq,
  onEvent,
});
