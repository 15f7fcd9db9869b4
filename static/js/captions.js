// The captions list: one entry per utterance, a partial replaced in place by its final.

const SPEAKERS = { agent: "You", customer: "Customer" };

export class Captions {
  constructor(list, empty) {
    this.list = list;
    this.empty = empty;
    this.items = new Map(); // "speaker:sequence" -> <li>
  }

  clear() {
    this.list.replaceChildren();
    this.items.clear();
    this.empty.hidden = false;
  }

  // transcript.partial / transcript.final: same speaker + sequence = same utterance.
  show(message) {
    const key = `${message.speaker}:${message.sequence}`;
    let item = this.items.get(key);
    if (item && item.dataset.final === "true") return; // a late partial never undoes a final
    const stickToBottom = this.nearBottom();
    if (!item) {
      item = document.createElement("li");
      this.list.append(item);
      this.items.set(key, item);
    }
    fill(item, message);
    this.empty.hidden = true;
    if (stickToBottom) item.scrollIntoView({ block: "end" });
  }

  // The call is over: an utterance still in progress will never get its final.
  settle() {
    for (const typing of this.list.querySelectorAll(".caption__typing")) typing.textContent = "cut off";
  }

  nearBottom() {
    const scroller = this.list.parentElement;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }
}

// Fills (or refills) one entry; the <li> stays, so assistive tech hears only the new text.
function fill(item, message) {
  const final = message.type === "transcript.final";
  const speaker = SPEAKERS[message.speaker] ? message.speaker : "customer";
  item.className = `caption caption--${speaker}${final ? "" : " caption--partial"}`;
  item.dataset.speaker = speaker;
  item.dataset.final = String(final);
  // Screen readers may hold back an utterance until its final words replace the partial ones.
  item.setAttribute("aria-busy", String(!final));
  const who = element("p", "caption__who", SPEAKERS[speaker]);
  if (message.language) who.append(" ", element("span", "caption__lang", message.language.toUpperCase()));
  if (!final) who.append(" ", element("span", "caption__typing", "speaking…"));
  item.replaceChildren(who, text("p", message.text, message.language, "caption__text"));
  const translation = message.translation;
  if (translation && translation.text) {
    const line = element("p", "caption__translation");
    line.append(
      element("span", "visually-hidden", "Translation: "),
      text("span", translation.text, translation.language),
    );
    item.append(line);
  }
}

// Text in another language carries its lang, so screen readers pronounce it right.
function text(tag, content, language, className = "") {
  const node = element(tag, className, content || "");
  if (language) node.lang = language;
  return node;
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}
