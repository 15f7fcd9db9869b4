// Names the browser's time zone to the server in the `tz` cookie, for times in the agent's
// zone (middleware.AgentTimezone). Loaded by a page whose request had no such cookie.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const framed = window.top !== window && window.isSecureContext; // a CRM's iframe: partitioned
if (zone) document.cookie = `tz=${zone}; path=/${framed ? "; SameSite=None; Secure; Partitioned" : "; SameSite=Lax"}`;
