// The page's words (static/js/words.js) and the character count (static/js/character-count.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { countMessage, length } from "../../static/js/character-count.js";
import { catalogue } from "../../static/js/words.js";

const dutch = catalogue(
  {
    flags: { pinned: "Uitgelicht" },
    votes: { one: "{count} stem", other: "{count} stemmen" },
    author: "Door {name}",
  },
  "nl",
);

test("a word is found by its dotted key and its placeholders are filled in", () => {
  assert.equal(dutch("flags.pinned"), "Uitgelicht");
  assert.equal(dutch("author", { name: "Els" }), "Door Els");
});

test("a plural takes its form from the count", () => {
  assert.equal(dutch("votes", { count: 1 }), "1 stem");
  assert.equal(dutch("votes", { count: 0 }), "0 stemmen");
  assert.equal(dutch("votes", { count: 12 }), "12 stemmen");
});

test("a missing word shows its key, and an unknown placeholder stays as it is", () => {
  assert.equal(dutch("flags.missing"), "flags.missing");
  assert.equal(dutch("author"), "Door {name}");
  assert.equal(dutch.has("flags.pinned"), true);
  assert.equal(dutch.has("log.pinned:on"), false);
});

test("the count says how many characters are left, or how many are too many", () => {
  assert.deepEqual(countMessage("", 140), { key: "count.left", count: 140 });
  assert.deepEqual(countMessage("x".repeat(140), 140), { key: "count.left", count: 0 });
  assert.deepEqual(countMessage("x".repeat(200), 140), { key: "count.over", count: 60 });
});

test("characters are counted as the server counts them: an emoji is one, a composed é is one", () => {
  assert.equal(length("👍🏽"), 2); // thumb and skin tone: two code points, four UTF-16 units
  assert.equal(length("e\u0301"), 1); // NFC makes one é of it
  assert.deepEqual(countMessage("😀".repeat(40), 40), { key: "count.left", count: 0 });
});
