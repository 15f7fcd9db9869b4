// The call's status timeline: the server's milestones in plain words (labels, from
// SessionEvent.LABELS, or an event's own, such as the customer's number), with their times.

export class Timeline {
  constructor(list, labels) {
    this.list = list;
    this.labels = labels;
  }

  clear() {
    this.list.replaceChildren();
    this.list.parentElement.hidden = true;
  }

  // A numbered status event; events arrive in seq order, each once (status-socket.js).
  add({ seq, kind, at, data }) {
    if (!this.labels[kind]) return;
    const item = document.createElement("li");
    const time = document.createElement("time");
    time.dateTime = at;
    time.textContent = new Date(at).toLocaleTimeString([], { hour12: false });
    item.dataset.seq = seq;
    item.dataset.kind = kind;
    item.append(time, ` ${(data && data.label) || this.labels[kind]}`);
    this.list.append(item);
    this.list.parentElement.hidden = false;
  }
}
