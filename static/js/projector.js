// The projector view of one live board, over Socket.IO (docs/realtime.md). Joins as
// "projector", draws the snapshot, and keeps the phase, the countdown, the participant count
// and the ranking (pinned first, then by votes) up to date. Reordering glides unless the
// viewer asked for reduced motion. Texts come from the page (data-messages); user text is
// set with textContent.
(() => {
  var root = document.getElementById("projector");
  if (!root || typeof window.io !== "function") {
    return;
  }
  var M = JSON.parse(root.dataset.messages);
  var code = root.dataset.code;
  var TOP = 10;
  var BOTTLENECKS = 6;
  var ACK_TIMEOUT = 10000;
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  var state = { board: null, proposals: new Map(), bottlenecks: new Map(), seq: 0, participants: 0 };
  var timerEnd = null;
  var nodes = new Map(); // proposal id -> <li>
  var shownCounts = new Map(); // proposal id -> count last drawn
  var bottleneckNodes = new Map();

  var $ = (id) => document.getElementById(id);
  var ranking = $("pj-ranking");
  var bottleneckList = $("pj-bottlenecks");
  var template = $("pj-item-template");

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, (match, name) =>
      Object.hasOwn(values, name) ? String(values[name]) : match,
    );
  }

  function plural(forms, count) {
    return count === 1 ? forms.one : forms.other;
  }

  // --- state from events -----------------------------------------------------------------------

  function applyBoard(board) {
    state.board = board;
    timerEnd = typeof board.timer_remaining === "number" ? Date.now() + board.timer_remaining * 1000 : null;
    tick();
    schedule();
  }

  function upsertProposal(p) {
    if (p.hidden || p.merged_into_id) {
      state.proposals.delete(p.id);
    } else {
      state.proposals.set(p.id, Object.assign({}, state.proposals.get(p.id) || {}, p));
    }
    schedule();
  }

  function upsertBottleneck(b) {
    if (b.hidden) {
      state.bottlenecks.delete(b.id);
    } else {
      state.bottlenecks.set(b.id, b);
    }
    schedule();
  }

  function applyMerged(event) {
    state.proposals.delete(Number(event.merged_id));
    if (event.kept) {
      upsertProposal(event.kept);
    }
  }

  function applyTally(event) {
    if (typeof event.seq !== "number" || event.seq < state.seq) {
      return; // an older tally overtaken by a newer one
    }
    state.seq = event.seq;
    Object.keys(event.counts || {}).forEach((key) => {
      var p = state.proposals.get(Number(key));
      if (p) {
        p.count = event.counts[key];
      }
    });
    schedule();
  }

  function applySnapshot(snapshot) {
    state.proposals = new Map();
    state.bottlenecks = new Map();
    state.seq = snapshot.seq || 0;
    state.participants = snapshot.participants || 0;
    (snapshot.proposals || []).forEach((p) => {
      if (!p.hidden && !p.merged_into_id) {
        state.proposals.set(p.id, p);
      }
    });
    (snapshot.bottlenecks || []).forEach((b) => {
      if (!b.hidden) {
        state.bottlenecks.set(b.id, b);
      }
    });
    applyBoard(snapshot.board);
  }

  // --- drawing ---------------------------------------------------------------------------------

  var queued = false;
  function schedule() {
    if (queued) {
      return;
    }
    queued = true;
    var draw = () => {
      queued = false;
      render();
    };
    // Browsers pause animation frames for windows they think are hidden (a projector window
    // behind the console on the facilitator's laptop); the ranking must still be current.
    if (document.hidden) {
      window.setTimeout(draw, 0);
    } else {
      window.requestAnimationFrame(draw);
    }
  }

  function tick() {
    var timer = $("pj-timer");
    if (timerEnd === null) {
      timer.hidden = true;
      return;
    }
    var left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.hidden = false;
    timer.textContent = `${minutes}:${seconds < 10 ? "0" : ""}${seconds}`;
    timer.classList.toggle("is-ending", left > 0 && left <= 30);
    timer.classList.toggle("is-done", left === 0);
  }
  window.setInterval(tick, 250);

  function ranked(phase) {
    var byVotes = phase === "stemmen" || phase === "oogsten";
    return Array.from(state.proposals.values()).sort((a, b) => {
      if (Boolean(b.pinned) !== Boolean(a.pinned)) {
        return b.pinned ? 1 : -1;
      }
      if (byVotes && (b.count || 0) !== (a.count || 0)) {
        return (b.count || 0) - (a.count || 0);
      }
      // Before voting the newest proposals lead; when votes tie, the earliest stays ahead.
      return byVotes ? a.id - b.id : b.id - a.id;
    });
  }

  function render() {
    var board = state.board;
    if (!board) {
      return;
    }
    var texts = M.phases[board.phase] || { name: board.phase, instruction: "" };
    document.body.dataset.phase = board.phase;
    $("pj-phase").textContent = texts.name;
    $("pj-instruction").textContent = texts.instruction;
    $("pj-locked").hidden = !board.locked;
    $("pj-participants").textContent = format(plural(M.participants, state.participants), { num: state.participants });

    var mopperen = board.phase === "mopperen";
    ranking.hidden = mopperen;
    bottleneckList.hidden = !mopperen;
    var empty = $("pj-empty");
    if (mopperen) {
      $("pj-list-title").textContent = M.latestBottlenecks;
      renderBottlenecks();
      empty.hidden = state.bottlenecks.size > 0;
      empty.textContent = M.emptyBottlenecks;
    } else {
      var byVotes = board.phase === "stemmen" || board.phase === "oogsten";
      $("pj-list-title").textContent = byVotes ? M.ranking : M.newest;
      renderRanking(board.phase, byVotes);
      empty.hidden = state.proposals.size > 0;
      empty.textContent = M.emptyProposals;
    }
  }

  function renderBottlenecks() {
    var latest = Array.from(state.bottlenecks.values())
      .sort((a, b) => b.id - a.id)
      .slice(0, BOTTLENECKS);
    var wanted = new Set(latest.map((b) => b.id));
    bottleneckNodes.forEach((li, id) => {
      if (!wanted.has(id)) {
        li.remove();
        bottleneckNodes.delete(id);
      }
    });
    latest.forEach((b, index) => {
      var li = bottleneckNodes.get(b.id);
      if (!li) {
        li = document.createElement("li");
        li.className = `pj-bottleneck${reducedMotion.matches ? "" : " is-new"}`;
        li.appendChild(document.createElement("span")).className = "pj-bottleneck-text";
        bottleneckNodes.set(b.id, li);
      }
      li.firstChild.textContent = b.text;
      if (bottleneckList.children[index] !== li) {
        bottleneckList.insertBefore(li, bottleneckList.children[index] || null);
      }
    });
    fit(bottleneckList);
  }

  function fill(li, p, byVotes, harvest) {
    var count = p.count || 0;
    li.classList.toggle("is-pinned", Boolean(p.pinned));
    li.classList.toggle("is-promising", harvest && Boolean(p.promising));
    li.querySelector(".pj-count").hidden = !byVotes;
    li.querySelector(".pj-count-number").textContent = String(count);
    li.querySelector(".pj-count-label").textContent = plural(M.votes, count);
    li.querySelector(".pj-title").textContent = p.title;
    var badge = li.querySelector(".pj-badge");
    badge.textContent = harvest && p.promising ? M.promising : p.pinned ? M.pinned : "";
    badge.hidden = !badge.textContent;
    var before = shownCounts.get(p.id);
    if (before !== undefined && count > before && !reducedMotion.matches) {
      li.classList.remove("is-bumped");
      void li.offsetWidth; // restart the animation
      li.classList.add("is-bumped");
    }
    shownCounts.set(p.id, count);
  }

  function renderRanking(phase, byVotes) {
    var top = ranked(phase).slice(0, TOP);
    var animate = !reducedMotion.matches;
    var before = new Map();
    if (animate) {
      nodes.forEach((li, id) => {
        if (!li.hidden) {
          before.set(id, li.getBoundingClientRect().top);
        }
      });
    }
    var wanted = new Set(top.map((p) => p.id));
    nodes.forEach((li, id) => {
      if (!wanted.has(id)) {
        li.remove();
        nodes.delete(id);
      }
    });
    top.forEach((p, index) => {
      var li = nodes.get(p.id);
      if (!li) {
        li = template.content.firstElementChild.cloneNode(true);
        li.dataset.id = String(p.id);
        if (animate) {
          li.classList.add("is-new");
        }
        nodes.set(p.id, li);
      }
      fill(li, p, byVotes, phase === "oogsten");
      if (ranking.children[index] !== li) {
        ranking.insertBefore(li, ranking.children[index] || null);
      }
    });
    fit(ranking);
    if (!animate) {
      return;
    }
    // FLIP: start each moved item where it was, then let the transition carry it home.
    nodes.forEach((li, id) => {
      var old = before.get(id);
      if (old === undefined || li.hidden) {
        return;
      }
      var delta = old - li.getBoundingClientRect().top;
      if (Math.abs(delta) < 1) {
        return;
      }
      li.classList.add("is-moving");
      li.style.transition = "none";
      li.style.transform = `translateY(${delta}px)`;
      window.requestAnimationFrame(() => {
        window.requestAnimationFrame(() => {
          li.style.transition = "";
          li.style.transform = "";
        });
      });
    });
  }

  // Show only the items that fit whole; a half-cut line is unreadable from the back of the room.
  function fit(list) {
    var children = Array.from(list.children);
    children.forEach((li) => {
      li.hidden = false;
    });
    var limit = list.clientHeight;
    var full = false;
    children.forEach((li) => {
      if (full || li.offsetTop + li.offsetHeight > limit + 1) {
        li.hidden = true;
        full = true;
      }
    });
  }

  ranking.addEventListener("transitionend", (event) => {
    event.target.classList.remove("is-moving");
  });
  [ranking, bottleneckList].forEach((list) => {
    list.addEventListener("animationend", (event) => {
      event.target.classList.remove("is-new");
    });
  });
  window.addEventListener("resize", schedule);

  // --- connection ------------------------------------------------------------------------------

  var connection = $("pj-connection");
  var socket = window.io({ reconnectionDelayMax: 5000 });

  socket.on("connect", () => {
    socket.timeout(ACK_TIMEOUT).emit("join", { code: code, as: "projector" }, (err, ack) => {
      if (err || !ack || !ack.ok) {
        connection.textContent = ack?.message || M.disconnected;
        return;
      }
      connection.textContent = "";
      applySnapshot(ack.snapshot);
    });
  });
  socket.on("disconnect", () => {
    connection.textContent = M.disconnected;
  });
  socket.on("connect_error", () => {
    connection.textContent = M.disconnected;
  });

  socket.on("board", applyBoard);
  socket.on("proposal", upsertProposal);
  socket.on("bottleneck", upsertBottleneck);
  socket.on("merged", applyMerged);
  socket.on("tally", applyTally);
  socket.on("participants", (event) => {
    state.participants = event.count;
    schedule();
  });
})();
