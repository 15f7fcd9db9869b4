// The postMessage API v1 (docs/embedding.md) with the CRM page that frames the console:
// out only to its exact origin, if allowed; in only from the parent window at that origin,
// in a documented shape. Anything else is ignored silently.

const isText = (value) => typeof value === "string";
const isOptionalText = (value) => value === undefined || isText(value);
const isMetadata = (value) =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value) && Object.values(value).every(isText);

const COMMANDS = {
  start: (m) =>
    isText(m.mode) &&
    (m.route === undefined || isText(m.route) || Number.isInteger(m.route)) &&
    isOptionalText(m.source_language) &&
    isOptionalText(m.target_language) &&
    (m.metadata === undefined || isMetadata(m.metadata)),
  dial: (m) =>
    isText(m.number) &&
    (m.route === undefined || isText(m.route) || Number.isInteger(m.route)) &&
    isOptionalText(m.mode) &&
    isOptionalText(m.source_language) &&
    isOptionalText(m.target_language) &&
    (m.context === undefined || isMetadata(m.context)),
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

// handlers: {start, dial, end, context}(message). Returns post(type, fields): a no-op unframed.
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
