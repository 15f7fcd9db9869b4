// The agent's desk in the console: their state (Available, Away, On a call, Wrap-up), which the
// server keeps; the inbound call that rings for them (panel, ring tone, flashing title, Accept
// and Decline); and the wrap-up form once such a call has ended. Accept hands the offer to
// `take` (console.js), which goes live with it as after Start.

import { openAgentSocket } from "./agent-socket.js";
import { durationSince } from "./duration.js";

const RING_EVERY_MS = 2500;

// Whole seconds from `now` until `at` (ISO time), never below 0 nor above `most`.
export function secondsUntil(at, most, now = Date.now()) {
  const left = Math.ceil((Date.parse(at) - now) / 1000);
  return Math.max(0, Math.min(most, Number.isNaN(left) ? most : left));
}

// "m:ss" since `since` (ISO time), as every duration reads (duration.js).
export function clock(since, now = Date.now()) {
  return durationSince(since, now);
}

export function openDesk({ api, config, take, page, onOpen, onCall }) {
  const $ = (id) => document.getElementById(id);
  const ui = {
    root: $("desk"),
    state: $("agent-state"),
    since: $("agent-since"),
    choices: [...document.querySelectorAll("[name=agent-state]")],
    notice: $("desk-notice"),
    ring: $("ring"),
    caller: $("ring-caller"),
    queue: $("ring-queue"),
    countdown: $("ring-countdown"),
    accept: $("accept"),
    decline: $("decline"),
    wrap: $("wrap-up"),
    disposition: $("disposition"),
    note: $("wrap-up-note"),
    wrapLeft: $("wrap-up-left"),
    wrapError: $("wrap-up-error"),
    simulate: $("simulate"),
    simulateTo: $("simulate-to"),
  };
  const title = document.title;
  let agent = null; // the agent's state as the server last sent it
  let offer = null; // the call ringing now
  let sound = null;
  let flashing = null;
  let returnFocus = null;

  function show(message) {
    agent = message;
    showState();
    if (message.notice) notify(message.notice);
    ring(message.offer);
    wrapUp(message.wrap_up);
    tick();
  }

  function showState() {
    ui.root.dataset.agent = agent.state;
    ui.state.textContent = agent.state_label;
    for (const radio of ui.choices) {
      radio.checked = radio.value === agent.state;
      radio.disabled = agent.state === "on_call";
    }
    tick();
  }

  function notify(text) {
    ui.notice.textContent = text;
    ui.notice.hidden = !text;
  }

  function tick() {
    ui.since.textContent = agent ? clock(agent.since) : "";
    if (offer) ui.countdown.textContent = `Rings for ${secondsUntil(offer.expires_at, offer.ring_seconds)} s more`;
    if (agent && agent.wrap_up) {
      const ends = Date.parse(agent.since) + agent.wrap_up.seconds * 1000;
      const left = secondsUntil(new Date(ends).toISOString(), agent.wrap_up.seconds);
      ui.wrapLeft.textContent = `You are Available again in ${left} s, filed or not.`;
    }
  }

  // --- ringing ---

  function ring(next) {
    if (!next) return stopRinging();
    const fresh = !offer || offer.id !== next.id;
    offer = next;
    if (!fresh) return;
    notify("");
    ui.caller.textContent = next.caller;
    ui.queue.textContent = next.queue ? `on ${next.queue}` : "";
    ui.accept.disabled = ui.decline.disabled = false;
    ui.ring.hidden = false;
    returnFocus = document.activeElement;
    ui.accept.focus();
    if (!sound) sound = ringTone();
    clearInterval(flashing);
    flashing = setInterval(flashTitle, 1000);
    flashTitle();
  }

  function flashTitle() {
    document.title = document.title === title && offer ? `Incoming call — ${offer.caller}` : title;
  }

  function stopRinging({ keepFocus = false } = {}) {
    if (!offer) return;
    offer = null;
    const hadFocus = ui.ring.contains(document.activeElement);
    ui.ring.hidden = true;
    if (sound) sound.stop();
    sound = null;
    clearInterval(flashing);
    document.title = title;
    if (hadFocus && !keepFocus) focusBack();
  }

  function focusBack() {
    const back = returnFocus && returnFocus !== document.body && returnFocus.isConnected && !returnFocus.disabled ? returnFocus : null;
    (back || ui.choices.find((radio) => radio.checked && !radio.disabled) || ui.choices[0]).focus();
  }

  async function onAccept() {
    const chosen = offer;
    if (!chosen) return;
    stopRinging({ keepFocus: true });
    // Not taken (no microphone, a call already on, or the call went elsewhere): pass it on.
    if (!(await take(chosen))) decline(chosen);
  }

  function onDecline() {
    const chosen = offer;
    if (!chosen) return;
    stopRinging();
    decline(chosen);
  }

  function decline(chosen) {
    api.request("POST", api.url("decline", chosen.id), {}).catch(() => {
      // Gone already (taken, hung up, rung out): it rings for the next agent anyway.
    });
  }

  // Beeps from an oscillator: no audio file to load. A page nobody has touched yet may not
  // play sound; each beep asks again, so the ring starts with the agent's first key or click.
  function ringTone() {
    const context = new AudioContext();
    const out = context.createGain();
    out.gain.value = 0.2;
    out.connect(context.destination);
    const beep = () => {
      if (context.state === "suspended") context.resume().catch(() => {});
      const now = context.currentTime;
      for (const [at, hz] of [[0, 880], [0.45, 660]]) {
        const tone = context.createOscillator();
        tone.frequency.value = hz;
        tone.connect(out);
        tone.start(now + at);
        tone.stop(now + at + 0.35);
      }
    };
    beep();
    const every = setInterval(beep, RING_EVERY_MS);
    return {
      get sounding() {
        return context.state === "running";
      },
      stop() {
        clearInterval(every);
        context.close();
      },
    };
  }

  // --- the agent's own choice ---

  async function choose(event) {
    notify("");
    if (offer && event.target.value === "away") onDecline(); // away from the desk: pass it on
    try {
      show(await api.request("POST", api.urls.agent_state, { state: event.target.value }));
    } catch (error) {
      if (agent) showState();
      notify(error.message);
    }
  }

  // --- wrap-up ---

  function wrapUp(wrap) {
    const shown = !ui.wrap.hidden;
    ui.wrap.hidden = !wrap;
    if (wrap && !shown) {
      ui.wrap.reset();
      ui.wrapError.hidden = true;
      const typing = document.activeElement && document.activeElement.matches("input[type=text], textarea");
      if (!typing) (ui.disposition.closest("[hidden]") ? ui.note : ui.disposition).focus();
    } else if (!wrap && shown && ui.wrap.contains(document.activeElement)) {
      focusBack();
    }
  }

  async function submitWrapUp(event) {
    event.preventDefault();
    if (!agent || !agent.wrap_up) return;
    const body = { note: ui.note.value };
    if (ui.disposition.value) body.disposition = Number(ui.disposition.value);
    const button = ui.wrap.querySelector("[type=submit]");
    button.disabled = true;
    ui.wrapError.hidden = true;
    try {
      await api.request("POST", api.url("wrap_up", agent.wrap_up.session_id), body);
    } catch (error) {
      ui.wrapError.textContent = error.message;
      ui.wrapError.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  // --- sandbox: a simulated caller dials the centre ---

  async function simulate() {
    const to = ui.simulateTo.value || (config.inbound_numbers[0] || {}).number;
    const number = config.inbound_numbers.find((item) => item.number === to);
    ui.simulate.disabled = true;
    try {
      await api.request("POST", api.urls.incoming_call, to ? { to } : {});
      notify(`Ringing the centre's number ${number ? number.display : to}…`);
    } catch (error) {
      notify(error.message);
    } finally {
      ui.simulate.disabled = false;
    }
  }

  function setUp() {
    for (const { id, label } of config.dispositions) ui.disposition.add(new Option(label, String(id)));
    ui.disposition.closest(".field").hidden = config.dispositions.length === 0;
    ui.disposition.required = config.dispositions.length > 0;
    for (const radio of ui.choices) radio.addEventListener("change", choose);
    ui.accept.addEventListener("click", onAccept);
    ui.decline.addEventListener("click", onDecline);
    ui.wrap.addEventListener("submit", submitWrapUp);
    if (ui.simulate) {
      for (const { number, label, display } of config.inbound_numbers) {
        ui.simulateTo.add(new Option(`${label} (${display})`, number));
      }
      ui.simulateTo.hidden = config.inbound_numbers.length < 2;
      ui.simulate.addEventListener("click", simulate);
    }
    setInterval(tick, 1000);
  }

  setUp();
  let socket = null;
  const open = () => {
    socket = openAgentSocket({
      fetchAgent: async () => {
        const fresh = await api.request("GET", api.urls.agent);
        show(fresh);
        return fresh;
      },
      onMessage: show,
      onOpen,
      onCall,
      page,
      onState: (state) => (ui.root.dataset.socket = state),
      heartbeatMs: config.heartbeat_seconds * 1000,
    });
  };
  open();
  // A page kept for Back closes its socket; back on screen, it opens a new one.
  window.addEventListener("pagehide", () => socket.close());
  window.addEventListener("pageshow", (event) => event.persisted && open());
  return {
    // Asks to hold the agent's live call on this page; `take` takes it from another page.
    hold(sessionId, take) {
      if (socket) socket.send({ type: "hold", session: sessionId, take });
    },
    get ringing() {
      return sound ? (sound.sounding ? "sounding" : "silent") : "";
    },
    get state() {
      return agent ? agent.state : null;
    },
  };
}
