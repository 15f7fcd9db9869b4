// Unit tests of the desk's clocks (static/js/desk.js): the ring's and the wrap-up's countdowns
// and the time in state.
import assert from "node:assert/strict";
import { test } from "node:test";

const { clock, secondsUntil } = await import("../../static/js/desk.js");

const NOW = Date.parse("2026-05-04T10:00:00Z");

test("a countdown is whole seconds, rounded up, within its bounds", () => {
  assert.equal(secondsUntil("2026-05-04T10:00:04.200Z", 5, NOW), 5);
  assert.equal(secondsUntil("2026-05-04T10:00:03.000Z", 5, NOW), 3);
  assert.equal(secondsUntil("2026-05-04T09:59:58Z", 5, NOW), 0);
  assert.equal(secondsUntil("2026-05-04T10:01:00Z", 20, NOW), 20); // a clock ahead of ours
  assert.equal(secondsUntil(null, 20, NOW), 20);
});

test("time in state reads m:ss, as every duration does", () => {
  assert.equal(clock("2026-05-04T10:00:00Z", NOW), "0:00");
  assert.equal(clock("2026-05-04T09:57:55.500Z", NOW), "2:04");
  assert.equal(clock("2026-05-04T10:00:09Z", NOW), "0:00"); // a clock behind ours
});
