// The captions list: one entry per utterance, a partial replaced in place by its final.
// At the bottom it follows the newest; scrolled back it stays put and offers "Jump to latest".

const SPEAKERS = { agent: "You", customer: "Customer" };
const AT_BOTTOM_PX = 24; // one wheel notch up (~100 px) reads back undisturbed
const SIZES = ["small", "normal", "large", "x-large"];
const SIZE_KEY = "kallglot.captionSize";

export class Captions {
  // `languages`: [{code, name}] as the console's config carries them.
  constructor(list, { empty, latest, languages = [] }) {
    this.list = list;
    this.scroller = list.parentElement;
    this.empty = empty;
    this.latest = latest;
    this.names = new Map(languages.map(({ code, name }) => [code, name]));
    this.items = new Map(); // "speaker:sequence" -> <li>
    this.following = true;
    this.pinned = 0; // scrollTop when last pinned to the bottom
    this.scroller.addEventListener("scroll", () => this.onScroll());
    this.latest.addEventListener("click", () => this.jump());
    // Partials growing, the panel shrinking at the call's end, a larger text: still in sight.
    const stay = new ResizeObserver(() => this.stillFollowing() && this.toBottom());
    stay.observe(this.scroller);
    stay.observe(this.list);
  }

  clear() {
    this.list.replaceChildren();
    this.items.clear();
    this.empty.hidden = false;
    this.following = true;
    this.pinned = 0;
    this.latest.hidden = true;
  }

  // transcript.partial / transcript.final: same speaker + sequence = same utterance.
  show(message) {
    const key = `${message.speaker}:${message.sequence}`;
    let item = this.items.get(key);
    if (item && item.dataset.final === "true") return; // a late partial never undoes a final
    this.stillFollowing();
    if (!item) {
      item = document.createElement("li");
      this.list.append(item);
      this.items.set(key, item);
      if (!this.following) this.latest.hidden = false;
    }
    fill(item, message, (code) => this.languageName(code));
    this.empty.hidden = true;
    if (this.following) this.toBottom();
  }

  // The call is over: an utterance still in progress will never get its final.
  settle() {
    for (const typing of this.list.querySelectorAll(".caption__typing")) typing.textContent = "cut off";
  }

  languageName(code) {
    if (!code) return "";
    if (this.names.has(code)) return this.names.get(code);
    try {
      return new Intl.DisplayNames(["en"], { type: "language" }).of(code) || code;
    } catch {
      return code;
    }
  }

  onScroll() {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    this.following = scrollHeight - scrollTop - clientHeight < AT_BOTTOM_PX;
    if (this.following) this.latest.hidden = true;
  }

  // Scrolled up since the captions were last pinned to the bottom, and no longer near it: the
  // agent reads back, even if the scroll event has yet to arrive.
  stillFollowing() {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    const readingBack = scrollTop < this.pinned - 1 && scrollHeight - scrollTop - clientHeight >= AT_BOTTOM_PX;
    if (this.following && readingBack) this.following = false;
    return this.following;
  }

  jump() {
    this.following = true;
    this.latest.hidden = true;
    this.toBottom();
    this.scroller.focus({ preventScroll: true }); // the button is gone
  }

  // Only the captions' area scrolls, not the page with the call bar.
  toBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.pinned = this.scroller.scrollTop;
  }
}

// The captions' text size: a select whose choice is remembered in this browser.
export function captionSize(select, target) {
  let saved = "normal";
  try {
    saved = localStorage.getItem(SIZE_KEY) || saved;
  } catch {
    // Storage may be off (private mode, iframes): then it is not remembered.
  }
  select.value = SIZES.includes(saved) ? saved : "normal";
  target.dataset.captionSize = select.value;
  select.addEventListener("change", () => {
    target.dataset.captionSize = select.value;
    try {
      localStorage.setItem(SIZE_KEY, select.value);
    } catch {
      // As above.
    }
  });
}

// Fills (or refills) one entry; the <li> stays, so assistive tech hears only the new text.
function fill(item, message, languageName) {
  const final = message.type === "transcript.final";
  const speaker = SPEAKERS[message.speaker] ? message.speaker : "customer";
  item.className = `caption caption--${speaker}${final ? "" : " caption--partial"}`;
  item.dataset.speaker = speaker;
  item.dataset.final = String(final);
  // Screen readers may hold back an utterance until its final words replace the partial ones.
  item.setAttribute("aria-busy", String(!final));
  const who = element("p", "caption__who", SPEAKERS[speaker]);
  if (message.language) who.append(" ", element("span", "caption__lang", languageName(message.language)));
  if (final) who.append(" ", clockTime(new Date()));
  else who.append(" ", element("span", "caption__typing", "speaking…"));
  item.replaceChildren(who, text("p", message.text, message.language, "caption__text"));
  const translation = message.translation;
  if (translation && translation.text) {
    const line = element("p", "caption__translation");
    line.append(
      element("span", "visually-hidden", `Translation (${languageName(translation.language)}): `),
      text("span", translation.text, translation.language),
    );
    item.append(line);
  }
}

// When the final arrived, as the agent's clock reads it: HH:MM:SS.
function clockTime(at) {
  const time = element("time", "caption__time", [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":"));
  time.dateTime = at.toISOString();
  return time;
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
