// The call's status timeline: the server's milestones in plain words, with their times.

const LABELS = {
  "session.created": "Created",
  "session.started": "Live",
  "session.ended": "Ended",
  "transcript.ready": "Transcript ready",
  "recording.ready": "Recording ready",
  "recording.failed": "Recording failed",
  "analysis.requested": "Analysis requested",
  "analysis.complete": "Analysis ready",
  "analysis.failed": "Analysis failed",
};

export class Timeline {
  constructor(list) {
    this.list = list;
  }

  clear() {
    this.list.replaceChildren();
    this.list.parentElement.hidden = true;
  }

  // A numbered status event; events arrive in seq order, each once (status-socket.js).
  add({ seq, kind, at }) {
    if (!LABELS[kind]) return;
    const item = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = at;
    time.textContent = new Date(at).toLocaleTimeString([], { hour12: false });
    item.dataset.seq = seq;
    item.dataset.kind = kind;
    item.append(time, ` ${LABELS[kind]}`);
    this.list.append(item);
    this.list.parentElement.hidden = false;
  }
}
