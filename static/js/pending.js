// The phone's actions that wait for the server's answer (docs/realtime.md). Every action gets a
// client id, stays in the queue until the server has answered it, and is sent again with the
// same id after a timeout, a reconnect or a reload, so the server counts it once. Votes go one
// at a time and in order (a "+" and then a "-" must not overtake each other); posts go side by
// side. No DOM and no socket: the page hands in how to send, where to keep the queue between
// reloads, and the clock, so the rules can be tested on their own (tests/js/pending.test.mjs).

const FIRST_WAIT = 500;
const LONGEST_WAIT = 15000;

/**
 * @param {object} options
 * @param {string} options.key - where the queue is kept in `storage`
 * @param {Storage|null} options.storage - sessionStorage or a stand-in; it may throw (private mode, full)
 * @param {{now: () => number, later: (fn: () => void, ms: number) => void}} options.clock
 * @param {() => string} options.newId - a fresh client id, 8–64 characters of [A-Za-z0-9_-]
 * @param {(ev: string, data: object) => Promise<object>} options.send - resolves to the
 *   acknowledgement, rejects when none came (timeout, no connection)
 * @param {(item: object, ack: object) => void} [options.answered] - the server accepted (`ack.ok`)
 *   or refused the action; it has left the queue
 * @param {() => void} [options.notJoined] - the server no longer knows this connection: join again,
 *   then call `start()`
 * @param {() => void} [options.changed] - the queue changed: draw it again
 */
export function pendingQueue({ key, storage, clock, newId, send, answered, notJoined, changed }) {
  const items = restore();
  let online = false;

  function restore() {
    let saved;
    try {
      saved = JSON.parse(storage?.getItem(key) || "[]");
    } catch {
      return [];
    }
    if (!Array.isArray(saved)) {
      return [];
    }
    return saved
      .filter(
        (item) =>
          item &&
          typeof item.id === "string" &&
          typeof item.ev === "string" &&
          item.data !== null &&
          typeof item.data === "object",
      )
      .map((item) => fresh(item.id, item.ev, { ...item.data, client_id: item.id }));
  }

  function fresh(id, ev, data) {
    return { id, ev, data, tries: 0, waitUntil: 0, inflight: false };
  }

  function save() {
    try {
      if (items.length) {
        storage?.setItem(key, JSON.stringify(items.map(({ id, ev, data }) => ({ id, ev, data }))));
      } else {
        storage?.removeItem(key);
      }
    } catch {
      // Private mode or a full storage: the queue still lives in memory.
    }
  }

  function add(ev, data) {
    const id = newId();
    const item = fresh(id, ev, { ...data, client_id: id });
    items.push(item);
    save();
    changed?.();
    pump();
    return item;
  }

  function remove(item) {
    const at = items.indexOf(item);
    if (at >= 0) {
      items.splice(at, 1);
      save();
    }
  }

  // Send what may go now: every post, the first vote only, nothing that waits out its back-off.
  function pump() {
    if (!online) {
      return;
    }
    let voteAhead = false;
    for (const item of items.slice()) {
      if (item.ev === "vote") {
        if (voteAhead) {
          continue;
        }
        voteAhead = true;
      }
      if (!item.inflight && !(item.waitUntil > clock.now())) {
        transmit(item);
      }
    }
  }

  function transmit(item) {
    item.inflight = true;
    send(item.ev, item.data).then(
      (ack) => receive(item, ack),
      () => receive(item, null),
    );
  }

  function receive(item, ack) {
    item.inflight = false;
    if (!items.includes(item)) {
      return;
    }
    if (!ack || ack.error === "rate_limited") {
      retryLater(item);
      return;
    }
    if (ack.error === "not_joined") {
      online = false;
      notJoined?.();
      return;
    }
    remove(item);
    answered?.(item, ack);
    changed?.();
    pump();
  }

  // The same item, so the same client id: the server answers a repeat with its first answer.
  function retryLater(item) {
    item.tries += 1;
    const wait = Math.min(LONGEST_WAIT, FIRST_WAIT * 2 ** item.tries);
    item.waitUntil = clock.now() + wait;
    // A timer can fire a millisecond before the clock says its time has come.
    clock.later(pump, wait + 10);
  }

  return {
    add,
    /** Joined (again): send everything now, without waiting out earlier back-offs. */
    start() {
      online = true;
      for (const item of items) {
        item.tries = 0;
        item.waitUntil = 0;
      }
      pump();
    },
    /** The connection is gone: keep everything until `start()`. */
    stop() {
      online = false;
    },
    /** The waiting actions of one kind ("bottleneck", "proposal", "vote"), oldest first. */
    of(ev) {
      return items.filter((item) => item.ev === ev);
    },
    /** The sum of the waiting votes' deltas, on one proposal or on all. */
    votes(proposalId) {
      let sum = 0;
      for (const item of items) {
        if (item.ev === "vote" && (proposalId === undefined || item.data.proposal_id === proposalId)) {
          sum += item.data.delta;
        }
      }
      return sum;
    },
    get size() {
      return items.length;
    },
  };
}
