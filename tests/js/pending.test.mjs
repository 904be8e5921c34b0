// The phone's pending-action queue (static/js/pending.js), with a hand-driven clock, a storage
// that is a Map, and a "server" whose answers the test gives one by one.
import assert from "node:assert/strict";
import { test } from "node:test";

import { pendingQueue } from "../../static/js/pending.js";

const KEY = "board-pending-TEST42";

function memoryStorage(initial = {}) {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => data.set(key, String(value)),
    removeItem: (key) => data.delete(key),
    data,
  };
}

function fakeClock() {
  let now = 1_000_000;
  let timers = [];
  return {
    now: () => now,
    later: (fn, ms) => timers.push({ at: now + ms, fn }),
    advance(ms) {
      now += ms;
      const due = timers.filter((timer) => timer.at <= now);
      timers = timers.filter((timer) => timer.at > now);
      for (const timer of due) {
        timer.fn();
      }
    },
  };
}

// Every send waits until the test answers it: server.sent[i].answer(ack) or .fail().
function fakeServer() {
  const sent = [];
  return {
    sent,
    send(ev, data) {
      return new Promise((resolve, reject) => {
        sent.push({ ev, data: structuredClone(data), answer: resolve, fail: () => reject(new Error("timeout")) });
      });
    },
  };
}

let ids = 0;

function setUp({ storage = memoryStorage(), online = true } = {}) {
  const clock = fakeClock();
  const server = fakeServer();
  const answered = [];
  let notJoined = 0;
  const queue = pendingQueue({
    key: KEY,
    storage,
    clock,
    newId: () => `client-id-${++ids}`,
    send: server.send,
    answered: (item, ack) => answered.push({ item, ack }),
    notJoined: () => {
      notJoined += 1;
    },
  });
  if (online) {
    queue.start();
  }
  return { queue, clock, server, storage, answered, notJoined: () => notJoined };
}

// Let the promise callbacks of answered sends run.
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("an action gets a client id, is sent at once and leaves the queue when the server accepts it", async () => {
  const { queue, server, answered, storage } = setUp();
  const item = queue.add("bottleneck", { text: "Geen tijd voor onderzoek" });
  assert.match(item.id, /^[A-Za-z0-9_-]{8,64}$/);
  assert.equal(server.sent.length, 1);
  assert.deepEqual(server.sent[0].data, { text: "Geen tijd voor onderzoek", client_id: item.id });
  assert.equal(queue.size, 1);
  assert.ok(storage.data.has(KEY));

  server.sent[0].answer({ ok: true, bottleneck: { id: 7 } });
  await settle();
  assert.equal(queue.size, 0);
  assert.equal(answered.length, 1);
  assert.equal(answered[0].ack.bottleneck.id, 7);
  assert.ok(!storage.data.has(KEY), "an empty queue leaves nothing behind in storage");
});

test("a retry after a timeout keeps the client id and waits out a growing back-off", async () => {
  const { queue, server, clock } = setUp();
  const item = queue.add("vote", { proposal_id: 3, delta: 1 });
  server.sent[0].fail();
  await settle();
  clock.advance(999);
  assert.equal(server.sent.length, 1, "no retry before the back-off is over");
  clock.advance(20);
  assert.equal(server.sent.length, 2);
  assert.equal(server.sent[1].data.client_id, item.id);

  server.sent[1].answer({ ok: false, error: "rate_limited" });
  await settle();
  clock.advance(1999);
  assert.equal(server.sent.length, 2, "the second wait is twice as long");
  clock.advance(20);
  assert.equal(server.sent.length, 3);
  assert.equal(server.sent[2].data.client_id, item.id);
  assert.equal(queue.size, 1);
});

test("votes go one at a time and in order, even when the first one has to be retried", async () => {
  const { queue, server, clock } = setUp();
  queue.add("vote", { proposal_id: 3, delta: -1 });
  queue.add("vote", { proposal_id: 3, delta: 1 });
  queue.add("vote", { proposal_id: 3, delta: 1 });
  assert.deepEqual(
    server.sent.map((s) => s.data.delta),
    [-1],
  );

  server.sent[0].fail();
  await settle();
  clock.advance(5000);
  assert.deepEqual(
    server.sent.map((s) => s.data.delta),
    [-1, -1],
    "the retried take-back goes before the two new votes",
  );

  server.sent[1].answer({ ok: true });
  await settle();
  assert.deepEqual(
    server.sent.map((s) => s.data.delta),
    [-1, -1, 1],
  );
  server.sent[2].answer({ ok: true });
  await settle();
  assert.deepEqual(
    server.sent.map((s) => s.data.delta),
    [-1, -1, 1, 1],
  );
});

test("posts do not wait for each other or for a vote", () => {
  const { queue, server } = setUp();
  queue.add("vote", { proposal_id: 3, delta: 1 });
  queue.add("vote", { proposal_id: 4, delta: 1 });
  queue.add("proposal", { title: "Een makelaar" });
  queue.add("bottleneck", { text: "Te weinig tijd" });
  assert.deepEqual(
    server.sent.map((s) => s.ev),
    ["vote", "proposal", "bottleneck"],
  );
});

test("a refused action is removed and handed back with the server's answer", async () => {
  const { queue, server, answered, storage } = setUp();
  queue.add("vote", { proposal_id: 3, delta: 1 });
  queue.add("vote", { proposal_id: 3, delta: 1 });
  server.sent[0].answer({ ok: false, error: "budget_exceeded", message: "Uw stemmen zijn op." });
  await settle();
  assert.equal(answered[0].ack.error, "budget_exceeded");
  assert.equal(queue.size, 1);
  assert.equal(queue.votes(3), 1);
  assert.equal(JSON.parse(storage.data.get(KEY)).length, 1);
  assert.equal(server.sent.length, 2, "the next vote goes once the refused one is out of the way");
});

test("not_joined keeps the action, stops sending and asks the page to join again", async () => {
  const { queue, server, notJoined } = setUp();
  queue.add("vote", { proposal_id: 3, delta: 1 });
  server.sent[0].answer({ ok: false, error: "not_joined" });
  await settle();
  assert.equal(notJoined(), 1);
  assert.equal(queue.size, 1);
  queue.add("proposal", { title: "Nog een" });
  assert.equal(server.sent.length, 1, "nothing is sent until the page has joined again");
  queue.start();
  assert.deepEqual(
    server.sent.slice(1).map((s) => s.ev),
    ["vote", "proposal"],
  );
  assert.equal(server.sent[1].data.client_id, server.sent[0].data.client_id);
});

test("offline, actions wait; back online they all go without waiting out old back-offs", async () => {
  const { queue, server, clock } = setUp();
  queue.add("proposal", { title: "Een" });
  server.sent[0].fail();
  await settle();
  queue.stop();
  clock.advance(60_000);
  queue.add("bottleneck", { text: "Twee" });
  assert.equal(server.sent.length, 1);
  queue.start();
  assert.deepEqual(
    server.sent.slice(1).map((s) => s.ev),
    ["proposal", "bottleneck"],
  );
});

test("a reload restores the queue with the same ids, and sends it once joined", () => {
  const storage = memoryStorage();
  const before = setUp({ storage, online: false });
  const vote = before.queue.add("vote", { proposal_id: 9, delta: 1 });
  const post = before.queue.add("proposal", { title: "Kennisloket" });
  assert.equal(before.server.sent.length, 0);

  const after = setUp({ storage, online: false });
  assert.equal(after.queue.size, 2);
  assert.equal(after.queue.votes(9), 1);
  after.queue.start();
  assert.deepEqual(
    after.server.sent.map((s) => [s.ev, s.data.client_id]),
    [
      ["vote", vote.id],
      ["proposal", post.id],
    ],
  );
});

test("pending votes add up per proposal and in all", () => {
  const { queue } = setUp({ online: false });
  queue.add("vote", { proposal_id: 1, delta: 1 });
  queue.add("vote", { proposal_id: 1, delta: 1 });
  queue.add("vote", { proposal_id: 2, delta: -1 });
  queue.add("proposal", { title: "Geen stem" });
  assert.equal(queue.votes(1), 2);
  assert.equal(queue.votes(2), -1);
  assert.equal(queue.votes(3), 0);
  assert.equal(queue.votes(), 1);
  assert.deepEqual(
    queue.of("vote").map((i) => i.data.proposal_id),
    [1, 1, 2],
  );
});

for (const [what, stored] of [
  ["not JSON", "{ this is not json"],
  ["an object instead of a list", '{"id": "abcdefgh"}'],
  [
    "items without id, kind or data",
    '[null, 3, {"ev": "vote"}, {"id": 5, "ev": "vote", "data": {}}, {"id": "x", "ev": "vote", "data": null}]',
  ],
]) {
  test(`corrupt storage is ignored: ${what}`, () => {
    const { queue, server } = setUp({ storage: memoryStorage({ [KEY]: stored }) });
    assert.equal(queue.size, 0);
    queue.add("vote", { proposal_id: 1, delta: 1 });
    assert.equal(server.sent.length, 1);
  });
}

test("a storage that throws (private mode, full) leaves the queue working in memory", async () => {
  const broken = {
    getItem() {
      throw new Error("SecurityError");
    },
    setItem() {
      throw new Error("QuotaExceededError");
    },
    removeItem() {
      throw new Error("SecurityError");
    },
  };
  const { queue, server, answered } = setUp({ storage: broken });
  queue.add("vote", { proposal_id: 1, delta: 1 });
  server.sent[0].answer({ ok: true });
  await settle();
  assert.equal(answered.length, 1);
  assert.equal(queue.size, 0);
});
