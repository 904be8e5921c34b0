// The shared live connection (static/js/live.js) over a fake Socket.IO client: what the phone,
// the console and the projector rely on when events and snapshots cross on the wire.
import assert from "node:assert/strict";
import { test } from "node:test";

import { connectLive } from "../../static/js/live.js";

function fakeSocket() {
  const handlers = {};
  const emitted = [];
  const socket = {
    connected: false,
    io: { engine: { close() {} } },
    emitted,
    on(event, handler) {
      handlers[event] = handler;
    },
    timeout() {
      return {
        emit(event, data, callback) {
          emitted.push({
            event,
            data,
            reply: (ack) => callback(null, ack),
            fail: () => callback(new Error("timeout")),
          });
        },
      };
    },
    connect() {
      socket.connected = true;
      handlers.connect?.();
    },
    // An event from the board's room.
    hear(event, data) {
      handlers[event]?.(data);
    },
    drop(reason = "transport close") {
      socket.connected = false;
      handlers.disconnect?.(reason);
    },
  };
  return socket;
}

function fakeEnvironment(socket) {
  const later = [];
  const target = () => {
    const listeners = {};
    return {
      addEventListener: (name, fn) => {
        listeners[name] = fn;
      },
      fire: (name) => listeners[name]?.(),
    };
  };
  return {
    io: () => socket,
    window: target(),
    document: Object.assign(target(), { visibilityState: "visible" }),
    later: (fn, ms) => later.push({ fn, ms }),
    pending: later,
  };
}

// Let the acknowledgement's promise callbacks run.
const flush = () => new Promise((resolve) => setImmediate(resolve));

function snapshot(seq, counts = {}) {
  return {
    seq,
    board: { phase: "stemmen" },
    proposals: Object.entries(counts).map(([id, count]) => ({ id: Number(id), count })),
  };
}

function screen(options = {}) {
  const socket = fakeSocket();
  const env = fakeEnvironment(socket);
  const log = [];
  const counts = {};
  const live = connectLive(
    {
      code: "KT47MX",
      snapshot(s) {
        log.push(["snapshot", s.seq]);
        for (const key of Object.keys(counts)) {
          delete counts[key];
        }
        for (const p of s.proposals) {
          counts[p.id] = p.count;
        }
      },
      status: (state) => log.push(["status", state]),
      joined: () => log.push(["joined"]),
      events: {
        tally(t) {
          log.push(["tally", t.seq]);
          Object.assign(counts, t.counts);
        },
        proposal(p) {
          log.push(["proposal", p.id]);
        },
      },
      ...options,
    },
    env,
  );
  return { live, socket, env, log, counts };
}

test("joining sends the code (and the role), then applies the snapshot", async () => {
  const { socket, log, live } = screen({ as: "console" });
  socket.connect();
  const [join] = socket.emitted;
  assert.deepEqual([join.event, join.data], ["join", { code: "KT47MX", as: "console" }]);
  join.reply({ ok: true, snapshot: snapshot(4, { 1: 2 }) });
  await flush();
  assert.deepEqual(log, [["status", "connecting"], ["snapshot", 4], ["status", "ok"], ["joined"]]);
  assert.ok(live.joined);
});

test("room events that arrive while the snapshot is on its way are applied on top of it, in order", async () => {
  const { socket, log, counts } = screen();
  socket.connect();
  socket.hear("proposal", { id: 8 });
  socket.hear("tally", { seq: 5, counts: { 1: 3 } }); // older than the snapshot: dropped
  socket.hear("tally", { seq: 7, counts: { 1: 6 } });
  assert.deepEqual(log, [["status", "connecting"]], "nothing is applied before the snapshot");
  socket.emitted[0].reply({ ok: true, snapshot: snapshot(6, { 1: 5 }) });
  await flush();
  assert.deepEqual(log.slice(1, 4), [
    ["snapshot", 6],
    ["proposal", 8],
    ["tally", 7],
  ]);
  assert.equal(counts[1], 6);
});

test("a tally older than one already shown is ignored; an equal seq is not", async () => {
  const { socket, log, counts, live } = screen();
  socket.connect();
  socket.emitted[0].reply({ ok: true, snapshot: snapshot(10, { 1: 1 }) });
  await flush();
  socket.hear("tally", { seq: 12, counts: { 1: 4 } });
  socket.hear("tally", { seq: 11, counts: { 1: 3 } });
  socket.hear("tally", { seq: 12, counts: { 1: 4 } });
  socket.hear("tally", { counts: { 1: 9 } }); // no seq: not a tally of ours
  assert.deepEqual(
    log.filter(([kind]) => kind === "tally"),
    [
      ["tally", 12],
      ["tally", 12],
    ],
  );
  assert.equal(counts[1], 4);
  assert.equal(live.acceptSeq(11), false, "an acknowledgement older than the last tally changes nothing");
  assert.equal(live.acceptSeq(13), true);
});

test("a reconnect joins again and replaces the state; events in between wait for that snapshot", async () => {
  const { socket, log, counts } = screen();
  socket.connect();
  socket.emitted[0].reply({ ok: true, snapshot: snapshot(3, { 1: 1, 2: 1 }) });
  await flush();
  socket.drop();
  assert.deepEqual(log.at(-1), ["status", "lost"]);
  socket.connect();
  socket.hear("tally", { seq: 9, counts: { 2: 4 } });
  socket.emitted[1].reply({ ok: true, snapshot: snapshot(8, { 1: 2, 2: 3 }) });
  await flush();
  assert.deepEqual(counts, { 1: 2, 2: 4 });
});

test("a screen that becomes visible asks for a fresh snapshot, holding events meanwhile", async () => {
  const { socket, env, log, counts } = screen();
  socket.connect();
  socket.emitted[0].reply({ ok: true, snapshot: snapshot(1, { 1: 0 }) });
  await flush();
  env.document.fire("visibilitychange");
  const [, resync] = socket.emitted;
  assert.equal(resync.event, "snapshot");
  socket.hear("tally", { seq: 5, counts: { 1: 2 } });
  assert.equal(counts[1], 0);
  resync.reply({ ok: true, snapshot: snapshot(4, { 1: 1 }) });
  await flush();
  assert.equal(counts[1], 2);
  assert.deepEqual(log.at(-1), ["tally", 5]);
});

test("an unanswered snapshot still lets the held events through", async () => {
  const { socket, live, counts } = screen();
  socket.connect();
  socket.emitted[0].reply({ ok: true, snapshot: snapshot(1, { 1: 0 }) });
  await flush();
  live.resync();
  socket.hear("tally", { seq: 2, counts: { 1: 1 } });
  socket.emitted[1].fail();
  await flush();
  assert.equal(counts[1], 1);
});

test("a join without an answer is tried again; not_joined goes to the page", async () => {
  let told = 0;
  const { socket, env } = screen({
    notJoined: () => {
      told += 1;
    },
  });
  socket.connect();
  socket.emitted[0].fail();
  await flush();
  assert.equal(env.pending.length, 1);
  env.pending[0].fn();
  assert.equal(socket.emitted[1].event, "join");
  socket.emitted[1].reply({ ok: false, error: "not_joined" });
  await flush();
  assert.equal(told, 1);
});

test("a refused join is reported with its acknowledgement", async () => {
  const { socket, log } = screen({ as: "console" });
  socket.connect();
  socket.emitted[0].reply({ ok: false, error: "forbidden", message: "Alleen een organisator." });
  await flush();
  assert.deepEqual(log.at(-1), ["status", "refused"]);
});

test("a request without a connection fails at once instead of waiting in a buffer", async () => {
  const { live } = screen();
  await assert.rejects(live.request("vote", { proposal_id: 1, delta: 1 }));
});
