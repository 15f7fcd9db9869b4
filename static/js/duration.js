// A call's length on every page: "m:ss", "h:mm:ss" from an hour on (as templatetags/calls.py).
export function duration(seconds) {
  if (seconds == null || Number.isNaN(seconds)) return "–";
  const total = Math.max(0, Math.floor(seconds));
  const two = (n) => String(n).padStart(2, "0");
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, two(total % 60)];
  return h ? `${h}:${two(m)}:${s}` : `${m}:${s}`;
}

// From `since` (an ISO time or ms) until `until` (ms).
export function durationSince(since, until = Date.now()) {
  return duration((until - new Date(since)) / 1000);
}
