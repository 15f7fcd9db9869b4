// Tells the server the browser's time zone (the `tz` cookie), so pages show times in the
// agent's zone (sessions_app.middleware.AgentTimezone). The first page before the cookie
// exists shows UTC, as it says.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const framed = window.top !== window; // a CRM's iframe keeps only partitioned cookies
const attributes = framed && window.isSecureContext ? "; SameSite=None; Secure; Partitioned" : "; SameSite=Lax";
if (zone && !document.cookie.split("; ").includes(`tz=${zone}`)) {
  document.cookie = `tz=${zone}; path=/; max-age=31536000${attributes}`;
}
