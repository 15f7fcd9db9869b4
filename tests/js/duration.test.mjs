// Unit tests of static/js/duration.js: one format for a call's length on every page, the same
// as the server's `duration` template filter (tests/aftercall/test_it_writes_durations_alike.py).
import assert from "node:assert/strict";
import { test } from "node:test";

const { duration, durationSince } = await import("../../static/js/duration.js");

test("a length under an hour reads m:ss, cut to whole seconds", () => {
  assert.equal(duration(0), "0:00");
  assert.equal(duration(7.9), "0:07");
  assert.equal(duration(16.3), "0:16");
  assert.equal(duration(3599), "59:59");
});

test("from an hour on it reads h:mm:ss", () => {
  assert.equal(duration(3600), "1:00:00");
  assert.equal(duration(3725.5), "1:02:05");
});

test("an unknown length is a dash, a negative one zero", () => {
  assert.equal(duration(null), "–");
  assert.equal(duration(undefined), "–");
  assert.equal(duration(-3), "0:00");
});

test("a length since a time counts up to now", () => {
  const now = Date.parse("2026-05-04T10:00:00Z");
  assert.equal(durationSince("2026-05-04T09:58:44.500Z", now), "1:15");
  assert.equal(durationSince(now - 61_000, now), "1:01");
});
