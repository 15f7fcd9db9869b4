// The postMessage API, version 1 (docs/embedding.md), for a console framed by a CRM page.
// Messages go out only to the host's exact origin, and only when it is an allowed one;
// messages in count only from the parent window at that origin and in a documented shape.
// Everything else is ignored without a word: a page that frames us may not probe us.

const isText = (value) => typeof value === "string";
const isOptionalText = (value) => value === undefined || isText(value);
const isMetadata = (value) =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(isText);

const COMMANDS = {
  start: (m) =>
    isText(m.mode) &&
    isOptionalText(m.source_language) &&
    isOptionalText(m.target_language) &&
    (m.metadata === undefined || isMetadata(m.metadata)),
  end: () => true,
  context: (m) => isMetadata(m.metadata),
};

function hostOrigin() {
  if (window.parent === window) return null;
  const ancestors = window.location.ancestorOrigins;
  if (ancestors && ancestors.length) return ancestors[0];
  try {
    return new URL(document.referrer).origin;
  } catch {
    return null;
  }
}

// handlers: {start(message), end(message), context(message)}. Returns post(type, fields),
// which does nothing when the console is not framed by an allowed origin.
export function connectHost(allowedOrigins, handlers) {
  const origin = hostOrigin();
  if (!origin || !allowedOrigins.includes(origin)) return () => {};
  window.addEventListener("message", ({ origin: from, source, data }) => {
    if (from !== origin || source !== window.parent) return;
    if (!data || data.target !== "kallglot-console" || data.version !== 1) return;
    if (Object.hasOwn(COMMANDS, data.type) && COMMANDS[data.type](data)) handlers[data.type](data);
  });
  return (type, fields = {}) =>
    window.parent.postMessage({ ...fields, source: "kallglot-console", version: 1, type }, origin);
}
