// One live connection to a board (docs/realtime.md), for the phone, the console and the
// projector alike. On every (re)connect the screen joins and replaces its state with the
// snapshot it gets back. Room events that arrive while a snapshot is on its way may be newer
// than it: they are held, and applied in order on top of it. A tally older than what the screen
// has already shown is dropped. A screen that slept, or whose network went, starts again from
// a fresh snapshot.

const RETRY_JOIN = 1000;
const RETRY_RATE_LIMITED = 3000;
const RECONNECT_AFTER_KICK = 2000;

function browser() {
  return { io: window.io, window, document, later: (fn, ms) => window.setTimeout(fn, ms) };
}

/**
 * @param {object} options
 * @param {string} options.code - the board's join code
 * @param {"console"|"projector"} [options.as] - left out for a participant's phone
 * @param {Object<string, (data: object) => void>} options.events - room events by name (board,
 *   proposal, bottleneck, merged, tally, participants, moderation); a tally only arrives here
 *   when its seq is not older than the screen's
 * @param {(snapshot: object) => void} options.snapshot - replace the whole state
 * @param {() => void} [options.joined] - joined, the snapshot and the held events applied
 * @param {(state: "connecting"|"ok"|"lost"|"refused", ack?: object) => void} [options.status]
 * @param {() => void} [options.notJoined] - the server does not know this participant (any more)
 * @param {number} [options.ackTimeout] - how long to wait for an acknowledgement, in ms
 * @param {object} [env] - io, window, document and later(fn, ms); the browser's own by default
 */
export function connectLive(options, env = browser()) {
  const { code, as, events, ackTimeout = 8000 } = options;
  const status = options.status || (() => {});
  const socket = env.io({ reconnectionDelayMax: 4000 });
  let joined = false;
  let everJoined = false;
  let haveSnapshot = false;
  let held = null; // room events waiting for the snapshot on its way, or null
  let asked = 0; // the number of the latest join or snapshot request; an older answer is stale
  let seq = 0;

  /** Emit `event` and wait for its acknowledgement; rejects without a connection or an answer. */
  function request(event, data) {
    return new Promise((resolve, reject) => {
      if (!socket.connected) {
        reject(new Error("not connected"));
        return;
      }
      socket.timeout(ackTimeout).emit(event, data, (error, ack) => {
        if (error) {
          reject(error);
        } else {
          resolve(ack);
        }
      });
    });
  }

  /** True, and remembered, when `value` is not older than the newest seq the screen has. */
  function acceptSeq(value) {
    if (typeof value !== "number" || value < seq) {
      return false;
    }
    seq = value;
    return true;
  }

  function deliver(name, data) {
    if (name === "tally" && !acceptSeq(data.seq)) {
      return;
    }
    events[name](data);
  }

  function hold() {
    held = held || [];
    asked += 1;
    return asked;
  }

  // Without a snapshot the held events still apply to the state the screen has.
  function release(snapshot) {
    const waiting = held || [];
    held = null;
    if (snapshot) {
      seq = typeof snapshot.seq === "number" ? snapshot.seq : 0;
      haveSnapshot = true;
      options.snapshot(snapshot);
    }
    if (haveSnapshot) {
      for (const [name, data] of waiting) {
        deliver(name, data);
      }
    }
  }

  for (const name of Object.keys(events)) {
    socket.on(name, (data) => {
      if (data === null || typeof data !== "object") {
        return;
      }
      if (held) {
        held.push([name, data]);
      } else if (haveSnapshot) {
        deliver(name, data);
      }
    });
  }

  function join() {
    if (!socket.connected) {
      return;
    }
    const ticket = hold();
    request("join", as ? { code, as } : { code }).then(
      (ack) => {
        if (ticket !== asked) {
          return;
        }
        if (ack?.ok) {
          release(ack.snapshot);
          joined = true;
          everJoined = true;
          status("ok");
          options.joined?.();
        } else if (ack?.error === "not_joined") {
          release(null);
          options.notJoined?.();
        } else if (ack?.error === "rate_limited") {
          release(null);
          env.later(join, RETRY_RATE_LIMITED);
        } else {
          release(null);
          status("refused", ack || {});
        }
      },
      () => {
        if (ticket === asked) {
          release(null);
          env.later(join, RETRY_JOIN);
        }
      },
    );
  }

  /** Replace the state with a fresh snapshot (e.g. after a merge moved votes). */
  function resync() {
    if (!joined || held) {
      return;
    }
    const ticket = hold();
    const answer = (snapshot) => {
      if (ticket === asked) {
        release(snapshot);
      }
    };
    request("snapshot", {}).then(
      (ack) => answer(ack?.ok ? ack.snapshot : null),
      () => answer(null),
    );
  }

  socket.on("connect", join);
  socket.on("disconnect", (reason) => {
    joined = false;
    status("lost");
    // After a disconnect by the server the client does not reconnect by itself.
    if (reason === "io server disconnect") {
      env.later(() => socket.connect(), RECONNECT_AFTER_KICK);
    }
  });
  socket.on("connect_error", () => {
    status(everJoined ? "lost" : "connecting");
  });

  // A phone knows its Wi-Fi is gone long before a ping times out (up to 45 s): drop the
  // transport now, so the screen says so and actions wait; reconnect when the network is back.
  env.window.addEventListener("offline", () => {
    socket.io.engine?.close();
  });
  env.window.addEventListener("online", () => {
    if (!socket.connected) {
      socket.connect();
    }
  });
  // A screen that slept may have missed events without noticing.
  env.document.addEventListener("visibilitychange", () => {
    if (env.document.visibilityState === "visible") {
      resync();
    }
  });

  status("connecting");

  return {
    request,
    resync,
    acceptSeq,
    /** Join again, e.g. when an action was answered with not_joined. */
    rejoin() {
      joined = false;
      join();
    },
    get joined() {
      return joined;
    },
  };
}
