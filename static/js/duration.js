// A call's length as every page writes it: "m:ss", or "h:mm:ss" from an hour on ("–" when
// unknown). The server writes the same with the `duration` template filter
// (sessions_app/templatetags/calls.py).

export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "–";
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

// The length from `since` (an ISO time or milliseconds) until `until` (milliseconds, now).
export function durationSince(since, until = Date.now()) {
  const start = typeof since === "number" ? since : Date.parse(since);
  return duration((until - start) / 1000);
}
