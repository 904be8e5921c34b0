// The live board on a phone (docs/realtime.md). One Socket.IO connection; on every (re)connect the
// phone joins and replaces all its state from the snapshot. Every action carries a client_id, stays
// "pending" until the server acknowledges it, and is retried with the same id (kept in memory and
// in sessionStorage) after a timeout, a reconnect or a reload. User text only ever goes into the
// page through textContent. Every sentence comes from the template's data-t-* attributes.
(() => {
  var root = document.getElementById("board");
  if (!root) {
    return;
  }
  var code = root.getAttribute("data-code");
  var ACK_TIMEOUT = 8000;
  var _PHASES = ["mopperen", "opperen", "stemmen", "oogsten"];

  function $(id) {
    return document.getElementById(id);
  }

  function t(key, vars) {
    var text = root.getAttribute(`data-t-${key}`) || key;
    for (var name in vars || {}) {
      text = text.split(`{${name}}`).join(String(vars[name]));
    }
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function setText(node, text) {
    text = text === undefined || text === null ? "" : String(text);
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  function show(node, visible) {
    if (node.hidden === visible) {
      node.hidden = !visible;
    }
  }

  show($("bp-loading"), true);
  show($("bp-conn"), true);
  if (typeof window.io !== "function") {
    setText($("bp-loading"), t("load-failed"));
    return;
  }

  function newClientId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") {
      try {
        return c.randomUUID();
      } catch (_e) {
        /* insecure context: fall through */
      }
    }
    var bytes = new Uint8Array(16);
    if (c?.getRandomValues) {
      c.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    return Array.prototype.map.call(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
  }

  // --- storage (sessionStorage may be unavailable; memory still works) -------------------------

  var QUEUE_KEY = `board-pending-${code}`;
  var RELOAD_KEY = `board-reload-${code}`;

  function stored(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (_e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, value);
      }
    } catch (_e) {
      /* private mode or full: memory only */
    }
  }

  // --- state ---------------------------------------------------------------------------------

  var state = {
    board: null,
    bottlenecks: {},
    proposals: {},
    seq: 0,
    meSeq: 0,
    participants: null,
    me: null,
  };
  var joined = false;
  var everJoined = false;
  var timerEnd = null;

  var queue = (() => {
    try {
      var items = JSON.parse(stored(QUEUE_KEY) || "[]");
      return Array.isArray(items) ? items.filter((i) => i?.id && i.ev && i.data) : [];
    } catch (_e) {
      return [];
    }
  })();

  function saveQueue() {
    store(QUEUE_KEY, queue.length ? JSON.stringify(queue.map((i) => ({ id: i.id, ev: i.ev, data: i.data }))) : null);
  }

  function visible(item) {
    return item && !item.hidden && !item.merged_into_id;
  }

  function replaceState(snapshot) {
    state.board = snapshot.board;
    state.bottlenecks = {};
    state.proposals = {};
    (snapshot.bottlenecks || []).forEach((b) => {
      if (visible(b)) {
        state.bottlenecks[b.id] = b;
      }
    });
    (snapshot.proposals || []).forEach((p) => {
      if (visible(p)) {
        state.proposals[p.id] = p;
      }
    });
    state.seq = snapshot.seq || 0;
    state.meSeq = state.seq;
    state.participants = snapshot.participants;
    state.me = snapshot.me || null;
    startTimer(state.board);
    render();
  }

  function upsertBottleneck(b) {
    if (visible(b)) {
      state.bottlenecks[b.id] = b;
    } else {
      delete state.bottlenecks[b.id];
    }
  }

  // A proposal's count comes from tallies (ordered by seq); an event's count only seeds a new one.
  function upsertProposal(p) {
    if (!visible(p)) {
      delete state.proposals[p.id];
      return;
    }
    var known = state.proposals[p.id];
    if (known) {
      p.count = known.count;
    }
    state.proposals[p.id] = p;
  }

  function applyCount(proposalId, count, seq) {
    if (seq < state.seq) {
      return;
    }
    state.seq = seq;
    var p = state.proposals[proposalId];
    if (p) {
      p.count = count;
    }
  }

  // --- the pending queue -----------------------------------------------------------------------

  function enqueue(ev, data) {
    var item = { id: newClientId(), ev: ev, data: data };
    data.client_id = item.id;
    queue.push(item);
    saveQueue();
    render();
    pump();
    return item;
  }

  function settle(item) {
    var at = queue.indexOf(item);
    if (at >= 0) {
      queue.splice(at, 1);
    }
    saveQueue();
    render();
    pump();
  }

  // Send what may go now: posts in parallel, votes one at a time and in order (a "+" and then a
  // "-" must not overtake each other), nothing that is waiting out its back-off.
  function pump() {
    if (!joined) {
      return;
    }
    var voteAhead = false;
    queue.slice().forEach((item) => {
      if (item.ev === "vote") {
        if (voteAhead) {
          return;
        }
        voteAhead = true;
      }
      if (!item.inflight && !(item.waitUntil > Date.now())) {
        send(item);
      }
    });
  }

  function flush() {
    queue.forEach((item) => {
      item.tries = 0;
      item.waitUntil = 0;
    });
    pump();
  }

  function send(item) {
    item.inflight = true;
    socket.timeout(ACK_TIMEOUT).emit(item.ev, item.data, (err, ack) => {
      item.inflight = false;
      if (queue.indexOf(item) < 0) {
        return;
      }
      if (err || !ack || ack.error === "rate_limited") {
        retryLater(item);
        return;
      }
      if (ack.error === "not_joined") {
        joined = false;
        join();
        return;
      }
      settle(item);
      if (ack.ok) {
        confirmed(item, ack);
      } else {
        refused(item, ack);
      }
    });
  }

  // Same client_id every time: the server answers a repeat with its first answer.
  function retryLater(item) {
    item.tries = (item.tries || 0) + 1;
    var wait = Math.min(15000, 500 * 2 ** item.tries);
    item.waitUntil = Date.now() + wait;
    window.setTimeout(pump, wait + 10);
  }

  function confirmed(item, ack) {
    if (item.ev === "bottleneck" && ack.bottleneck) {
      upsertBottleneck(ack.bottleneck);
      setText($("bp-bottleneck-status"), t("posted"));
      $("bp-bottleneck-status").setAttribute("data-tone", "ok");
    } else if (item.ev === "proposal" && ack.proposal) {
      upsertProposal(ack.proposal);
      setText($("bp-proposal-status"), t("posted"));
      $("bp-proposal-status").setAttribute("data-tone", "ok");
    } else if (item.ev === "vote") {
      // My own votes are ordered by my own acks; a replay older than the snapshot changes nothing.
      if (state.me && ack.seq >= state.meSeq) {
        state.meSeq = ack.seq;
        state.me.votes = state.me.votes || {};
        state.me.votes[ack.proposal_id] = ack.my_votes;
        state.me.remaining = ack.remaining;
      }
      applyCount(ack.proposal_id, ack.count, ack.seq);
    }
    render();
  }

  // Refused: say why, and give back what was typed so nothing is lost.
  function refused(item, ack) {
    toast(ack.message || t("failed"));
    var d = item.data;
    if (item.ev === "bottleneck") {
      restore("bp-bottleneck-text", d.text);
      setText($("bp-bottleneck-status"), "");
    } else if (item.ev === "proposal" && !$("bp-title").value) {
      restore("bp-title", d.title);
      restore("bp-big", d.big);
      restore("bp-small", d.small);
      setText($("bp-proposal-status"), "");
    }
  }

  function restore(id, value) {
    var field = $(id);
    if (field && !field.value && value) {
      field.value = value;
    }
  }

  function pendingOf(ev) {
    return queue.filter((i) => i.ev === ev);
  }

  function notShadowed(item) {
    // A shadow only lasts while its proposal or bottleneck is on the board.
    return !item.shadow || !(item.ev === "bottleneck" ? state.bottlenecks : state.proposals)[item.shadow];
  }

  function pendingVotes(proposalId) {
    var sum = 0;
    pendingOf("vote").forEach((i) => {
      if (i.data.proposal_id === proposalId) {
        sum += i.data.delta;
      }
    });
    return sum;
  }

  // --- the connection ----------------------------------------------------------------------------

  var socket = window.io({ reconnectionDelayMax: 4000 });

  function setConnection(status) {
    var node = $("bp-conn");
    node.setAttribute("data-state", status);
    setText(node, t(`conn-${status}`));
  }

  // Events that arrive while a snapshot is on its way may be newer than it: hold them, and apply
  // them, in order, on top of the snapshot.
  var held = null;

  function hold() {
    held = [];
  }

  function release(snapshot) {
    var events = held || [];
    held = null;
    if (snapshot) {
      replaceState(snapshot);
      events.forEach((e) => {
        e[0](e[1]);
      });
    }
  }

  function on(event, handler) {
    socket.on(event, (data) => {
      if (!data) {
        return;
      }
      if (held) {
        held.push([handler, data]);
      } else if (state.board) {
        handler(data);
      }
    });
  }

  function join() {
    if (!socket.connected) {
      return;
    }
    hold();
    socket.timeout(ACK_TIMEOUT).emit("join", { code: code }, (err, ack) => {
      if (err) {
        release(null);
        if (socket.connected) {
          window.setTimeout(join, 1000);
        }
        return;
      }
      if (ack?.ok) {
        store(RELOAD_KEY, null);
        release(ack.snapshot);
        joined = true;
        everJoined = true;
        setConnection("ok");
        if ($("bp-toast").textContent === t("queued")) {
          toast("");
        }
        flush();
      } else if (ack && ack.error === "not_joined") {
        release(null);
        reloadOnce();
      } else if (ack && ack.error === "rate_limited") {
        release(null);
        window.setTimeout(join, 3000);
      } else {
        release(null);
        toast(ack?.message || t("rejoin-failed"));
      }
    });
  }

  // The server sets a new participant cookie on the page load; reload at most once in a while.
  function reloadOnce() {
    var last = Number(stored(RELOAD_KEY)) || 0;
    if (Date.now() - last < 30000) {
      toast(t("rejoin-failed"));
      return;
    }
    store(RELOAD_KEY, String(Date.now()));
    window.location.reload();
  }

  function resync() {
    if (!joined || held) {
      return;
    }
    hold();
    socket.timeout(ACK_TIMEOUT).emit("snapshot", {}, (err, ack) => {
      release(!err && ack && ack.ok ? ack.snapshot : null);
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", (reason) => {
    joined = false;
    setConnection("lost");
    // After a server-side disconnect the client does not reconnect by itself.
    if (reason === "io server disconnect") {
      window.setTimeout(() => {
        socket.connect();
      }, 2000);
    }
  });
  socket.on("connect_error", () => {
    setConnection(everJoined ? "lost" : "connecting");
  });

  on("board", (board) => {
    var phaseChanged = board.phase !== state.board.phase;
    state.board = board;
    startTimer(board);
    if (phaseChanged) {
      showSimilar([]);
    }
    render();
  });
  // The room hears of my own post before my ack arrives: let it stand in for my pending copy.
  function shadow(ev, field, item) {
    if (!visible(item) || (ev === "bottleneck" ? state.bottlenecks : state.proposals)[item.id]) {
      return;
    }
    var text = same(item[field]);
    pendingOf(ev).some((i) => {
      if (!i.shadow && same(i.data[field]) === text) {
        i.shadow = item.id;
        return true;
      }
      return false;
    });
  }

  function same(text) {
    return String(text || "")
      .replace(/\s+/g, " ")
      .trim()
      .toLowerCase();
  }

  on("bottleneck", (b) => {
    shadow("bottleneck", "text", b);
    upsertBottleneck(b);
    render();
  });
  on("proposal", (p) => {
    shadow("proposal", "title", p);
    upsertProposal(p);
    render();
  });
  on("merged", (m) => {
    delete state.proposals[m.merged_id];
    if (m.kept) {
      upsertProposal(m.kept);
    }
    // Votes moved with the merge: ask for my own numbers again.
    resync();
    render();
  });
  on("tally", (msg) => {
    if (msg.seq < state.seq) {
      return;
    }
    state.seq = msg.seq;
    for (var id in msg.counts) {
      if (state.proposals[id]) {
        state.proposals[id].count = msg.counts[id];
      }
    }
    render();
  });
  on("participants", (msg) => {
    state.participants = msg.count;
    render();
  });

  // The phone knows its Wi-Fi is gone long before a ping times out (up to 45 s): drop the transport
  // now, so the indicator is honest and actions queue; reconnecting starts when the network is back.
  window.addEventListener("offline", () => {
    if (socket.io.engine) {
      socket.io.engine.close();
    }
  });
  window.addEventListener("online", () => {
    if (!socket.connected) {
      socket.connect();
    }
  });

  // A phone that slept may have missed events without noticing: start again from a snapshot.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      resync();
    }
  });

  // --- the timer (counted down locally, so phone clocks need not agree) ------------------------

  var timerInterval = null;

  function startTimer(board) {
    timerEnd =
      board && board.timer_remaining !== null && board.timer_remaining !== undefined
        ? Date.now() + board.timer_remaining * 1000
        : null;
    if (timerInterval) {
      window.clearInterval(timerInterval);
      timerInterval = null;
    }
    if (timerEnd !== null) {
      timerInterval = window.setInterval(drawTimer, 1000);
    }
    drawTimer();
  }

  function drawTimer() {
    var node = $("bp-timer");
    if (timerEnd === null) {
      show(node, false);
      return;
    }
    var left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
    show(node, true);
    node.setAttribute("data-state", left === 0 ? "done" : left <= 30 ? "soon" : "running");
    var time = `${Math.floor(left / 60)}:${String(left % 60).replace(/^(\d)$/, "0$1")}`;
    setText(node, left === 0 ? t("timer-done") : t("timer", { time: time }));
    if (left === 0 && timerInterval) {
      window.clearInterval(timerInterval);
      timerInterval = null;
    }
  }

  // --- messages -----------------------------------------------------------------------------------

  var toastTimer = null;

  function toast(message) {
    var node = $("bp-toast");
    setText(node, message);
    if (toastTimer) {
      window.clearTimeout(toastTimer);
    }
    toastTimer = window.setTimeout(() => {
      setText(node, "");
    }, 8000);
  }

  // --- drawing ------------------------------------------------------------------------------------

  var drawQueued = false;

  function render() {
    if (drawQueued) {
      return;
    }
    drawQueued = true;
    window.requestAnimationFrame(() => {
      drawQueued = false;
      draw();
    });
  }

  // Keep the list's nodes (and so focus) in place; only move what is out of order.
  function syncList(list, items, keyOf, make, update) {
    var wanted = {};
    items.forEach((item) => {
      wanted[keyOf(item)] = true;
    });
    Array.prototype.slice.call(list.children).forEach((node) => {
      if (!wanted[node.getAttribute("data-key")]) {
        list.removeChild(node);
      }
    });
    var byKey = {};
    Array.prototype.forEach.call(list.children, (node) => {
      byKey[node.getAttribute("data-key")] = node;
    });
    items.forEach((item, index) => {
      var key = keyOf(item);
      var node = byKey[key];
      if (!node) {
        node = make(item);
        node.setAttribute("data-key", key);
      }
      update(node, item);
      if (list.children[index] !== node) {
        list.insertBefore(node, list.children[index] || null);
      }
    });
  }

  function newestFirst(a, b) {
    if (!!a.pinned !== !!b.pinned) {
      return a.pinned ? -1 : 1;
    }
    return b.id - a.id;
  }

  function values(map) {
    return Object.keys(map).map((k) => map[k]);
  }

  function draw() {
    var board = state.board;
    if (!board) {
      return;
    }
    var phase = board.phase;
    var locked = !!board.locked;
    root.setAttribute("data-phase", phase);
    show($("bp-loading"), false);
    show($("bp-app"), true);

    // Header
    setText($("bp-phase-name"), t(`phase-${phase}`));
    setText($("bp-phase-help"), t(`help-${phase}`));
    Array.prototype.forEach.call(document.querySelectorAll("[data-step]"), (step) => {
      if (step.getAttribute("data-step") === phase) {
        step.setAttribute("aria-current", "step");
      } else {
        step.removeAttribute("aria-current");
      }
    });
    var people = state.participants;
    setText(
      $("bp-participants"),
      !people ? "" : people === 1 ? t("participants-one") : t("participants", { n: people }),
    );
    show($("bp-locked"), locked);
    Array.prototype.forEach.call(document.querySelectorAll("[data-phase-section]"), (section) => {
      show(section, section.getAttribute("data-phase-section").split(" ").indexOf(phase) >= 0);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".bp-lockable"), (form) => {
      Array.prototype.forEach.call(form.elements, (field) => {
        field.disabled = locked;
      });
    });
    drawMe();

    if (phase === "mopperen") {
      drawBottlenecks();
    }
    if (phase === "opperen") {
      drawBottleneckChoice();
    }
    if (phase === "opperen" || phase === "stemmen") {
      drawProposals(phase, locked);
    }
    if (phase === "oogsten") {
      drawRanking();
    }
    drawBudget(phase, locked);
  }

  function drawMe() {
    var me = state.me;
    if (!me) {
      return;
    }
    setText($("bp-me"), me.nickname ? t("me-named", { name: me.nickname }) : t("me-anonymous"));
  }

  function drawBottlenecks() {
    var items = values(state.bottlenecks).sort((a, b) => b.id - a.id);
    var pending = pendingOf("bottleneck")
      .filter(notShadowed)
      .map((i) => ({ key: `c${i.id}`, text: i.data.text, pending: true }));
    items = pending.reverse().concat(items.map((b) => ({ key: `b${b.id}`, text: b.text })));
    syncList(
      $("bp-bottlenecks"),
      items,
      (b) => b.key,
      () => {
        var li = el("li", "bp-item");
        li.appendChild(el("span", "bp-item-text"));
        li.appendChild(el("span", "bp-pending", t("pending")));
        return li;
      },
      (li, b) => {
        setText(li.firstChild, b.text);
        li.classList.toggle("is-pending", !!b.pending);
        show(li.lastChild, !!b.pending);
      },
    );
    show($("bp-bottlenecks-empty"), items.length === 0);
    setText($("bp-bottleneck-count"), items.length ? `(${items.length})` : "");
  }

  function drawBottleneckChoice() {
    var select = $("bp-link");
    var items = values(state.bottlenecks).sort((a, b) => a.id - b.id);
    var signature = items.map((b) => `${b.id}:${b.text}`).join("|");
    if (select.getAttribute("data-signature") === signature) {
      return;
    }
    select.setAttribute("data-signature", signature);
    var chosen = select.value;
    while (select.options.length > 1) {
      select.remove(1);
    }
    items.forEach((b) => {
      var text = b.text.length > 90 ? `${b.text.slice(0, 88)}…` : b.text;
      var option = el("option", null, text);
      option.value = String(b.id);
      select.appendChild(option);
    });
    select.value = chosen;
    if (select.value !== chosen) {
      select.value = "";
    }
  }

  function proposalItems() {
    var pending = pendingOf("proposal")
      .filter(notShadowed)
      .map((i) => ({
        key: `c${i.id}`,
        pending: true,
        title: i.data.title,
        big: i.data.big,
        small: i.data.small,
        actor_label: actorLabel(i.data.actor),
      }));
    return pending.reverse().concat(
      values(state.proposals)
        .sort(newestFirst)
        .map((p) => {
          p.key = `p${p.id}`;
          return p;
        }),
    );
  }

  function actorLabel(value) {
    var option = value
      ? document.querySelector(`#bp-actor option[value="${String(value).replace(/[^a-z0-9_-]/gi, "")}"]`)
      : null;
    return option ? option.textContent : null;
  }

  function makeCard() {
    var li = el("li", "bp-card");
    var flags = el("p", "bp-flags");
    var title = el("h3", "bp-card-title");
    var big = el("p", "bp-line");
    big.appendChild(el("strong", null, t("big")));
    big.appendChild(el("span"));
    var small = el("p", "bp-line");
    small.appendChild(el("strong", null, t("small")));
    small.appendChild(el("span"));
    var meta = el("p", "bp-meta");
    var pending = el("p", "bp-pending", t("pending"));
    var vote = el("div", "bp-vote");
    var count = el("span", "bp-count");
    var dots = el("span", "bp-dots");
    dots.setAttribute("role", "img");
    var minus = el("button", "bp-vote-btn bp-minus", "−");
    minus.type = "button";
    minus.setAttribute("data-delta", "-1");
    var plus = el("button", "bp-vote-btn bp-plus", "+");
    plus.type = "button";
    plus.setAttribute("data-delta", "1");
    var why = el("p", "bp-why");
    vote.appendChild(count);
    vote.appendChild(dots);
    vote.appendChild(minus);
    vote.appendChild(plus);
    [flags, title, big, small, meta, vote, pending, why].forEach((n) => {
      li.appendChild(n);
    });
    li.parts = {
      flags: flags,
      title: title,
      big: big,
      small: small,
      meta: meta,
      pending: pending,
      vote: vote,
      count: count,
      dots: dots,
      minus: minus,
      plus: plus,
      why: why,
    };
    return li;
  }

  function fillCard(li, p) {
    var parts = li.parts;
    li.classList.toggle("is-pending", !!p.pending);
    if (p.id) {
      li.id = `voorstel-${p.id}`;
    }
    parts.flags.textContent = "";
    if (p.pinned) {
      parts.flags.appendChild(el("span", "bp-badge", t("pinned")));
    }
    if (p.promising) {
      parts.flags.appendChild(el("span", "bp-badge bp-badge-promising", t("promising")));
    }
    show(parts.flags, !!(p.pinned || p.promising));
    setText(parts.title, p.title);
    setText(parts.big.lastChild, p.big ? ` ${p.big}` : "");
    show(parts.big, !!p.big);
    setText(parts.small.lastChild, p.small ? ` ${p.small}` : "");
    show(parts.small, !!p.small);
    var meta = [];
    if (p.actor_label) {
      meta.push(`${t("actor")} ${p.actor_label}`);
    }
    if (p.author) {
      meta.push(t("author", { name: p.author }));
    }
    setText(parts.meta, meta.join(" · "));
    show(parts.meta, meta.length > 0);
    show(parts.pending, !!p.pending);
  }

  function drawProposals(phase, locked) {
    var items = proposalItems();
    var voting = phase === "stemmen";
    var board = state.board;
    var me = state.me || { votes: {}, remaining: 0 };
    var left = remainingVotes();
    syncList(
      $("bp-proposals"),
      items,
      (p) => p.key,
      makeCard,
      (li, p) => {
        fillCard(li, p);
        var parts = li.parts;
        show(parts.vote, voting && !p.pending);
        if (!voting || p.pending) {
          show(parts.why, false);
          return;
        }
        var confirmedMine = me.votes?.[p.id] || 0;
        var waiting = pendingVotes(p.id);
        var mine = confirmedMine + waiting;
        var max = board.max_votes_per_proposal;
        setText(parts.count, p.count === 1 ? t("count-one") : t("count-many", { n: p.count || 0 }));
        drawDots(parts.dots, Math.min(confirmedMine, mine), Math.abs(waiting), max);
        parts.dots.setAttribute("aria-label", t("my-votes", { n: mine, max: max }));
        parts.plus.setAttribute("aria-label", t("vote-plus", { title: p.title }));
        parts.minus.setAttribute("aria-label", t("vote-minus", { title: p.title }));
        var why = "";
        if (mine >= max) {
          why = t("why-max", { max: max });
        } else if (left <= 0) {
          why = t("why-budget");
        }
        parts.plus.disabled = locked || !!why;
        parts.minus.disabled = locked || mine <= 0;
        setText(parts.why, why);
        show(parts.why, !!why && !locked);
        parts.why.id = `bp-why-${p.id}`;
        if (why) {
          parts.plus.setAttribute("aria-describedby", parts.why.id);
        } else {
          parts.plus.removeAttribute("aria-describedby");
        }
        li.classList.toggle("is-sending", waiting !== 0);
        show(parts.pending, waiting !== 0);
      },
    );
    show($("bp-proposals-empty"), items.length === 0);
    setText($("bp-proposal-count"), items.length ? `(${items.length})` : "");
  }

  // ●●○ : confirmed dots, pending dots (until the ack), then the ones still free.
  function drawDots(node, confirmedCount, pendingCount, max) {
    var signature = `${confirmedCount}/${pendingCount}/${max}`;
    if (node.getAttribute("data-signature") === signature) {
      return;
    }
    node.setAttribute("data-signature", signature);
    node.textContent = "";
    for (var i = 0; i < max; i++) {
      var kind = i < confirmedCount ? "on" : i < confirmedCount + pendingCount ? "wait" : "off";
      // A dot being taken back or added shows as "wait" until the server has answered.
      node.appendChild(el("span", `bp-dot bp-dot-${kind}`, kind === "off" ? "○" : "●"));
    }
  }

  function remainingVotes() {
    if (!state.me) {
      return 0;
    }
    var waiting = 0;
    pendingOf("vote").forEach((i) => {
      waiting += i.data.delta;
    });
    return (state.me.remaining || 0) - waiting;
  }

  function drawBudget(phase, locked) {
    var node = $("bp-budget");
    var voting = phase === "stemmen" && state.me && !locked;
    show(node, !!voting);
    if (!voting) {
      return;
    }
    var total = state.board.votes_per_participant;
    var left = remainingVotes();
    node.setAttribute("data-state", left > 0 ? "left" : "none");
    setText(node, left > 0 ? t("remaining", { n: left, total: total }) : t("remaining-none", { total: total }));
  }

  function drawRanking() {
    var items = values(state.proposals).sort((a, b) => (b.count || 0) - (a.count || 0) || a.id - b.id);
    var list = $("bp-ranking");
    list.textContent = "";
    items.forEach((p) => {
      var li = el("li", `bp-card bp-rank${p.promising ? " is-promising" : ""}`);
      var head = el("p", "bp-rank-head");
      head.appendChild(el("span", "bp-count", p.count === 1 ? t("count-one") : t("count-many", { n: p.count || 0 })));
      if (p.promising) {
        head.appendChild(el("span", "bp-badge bp-badge-promising", t("promising")));
      }
      li.appendChild(head);
      li.appendChild(el("h3", "bp-card-title", p.title));
      if (p.small) {
        var small = el("p", "bp-line");
        small.appendChild(el("strong", null, t("small")));
        small.appendChild(document.createTextNode(` ${p.small}`));
        li.appendChild(small);
      }
      if (p.actor_label) {
        li.appendChild(el("p", "bp-meta", `${t("actor")} ${p.actor_label}`));
      }
      list.appendChild(li);
    });
    show($("bp-ranking-empty"), items.length === 0);
  }

  // --- what people do -------------------------------------------------------------------------

  function say(id, text) {
    setText($(id), text);
    $(id).setAttribute("data-tone", "warn");
  }

  function statusFor(id) {
    setText($(id), joined ? "" : t("queued"));
    $(id).setAttribute("data-tone", joined ? "ok" : "warn");
  }

  $("bp-bottleneck-form").addEventListener("submit", (event) => {
    event.preventDefault();
    var field = $("bp-bottleneck-text");
    var text = field.value.trim();
    if (!text) {
      say("bp-bottleneck-status", t("need-text"));
      field.focus();
      return;
    }
    field.value = "";
    statusFor("bp-bottleneck-status");
    enqueue("bottleneck", { text: text });
    field.focus();
  });

  $("bp-proposal-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var title = $("bp-title");
    if (!title.value.trim()) {
      say("bp-proposal-status", t("need-title"));
      title.focus();
      return;
    }
    var data = {
      title: title.value.trim(),
      big: $("bp-big").value.trim(),
      small: $("bp-small").value.trim(),
      actor: $("bp-actor").value || null,
      bottleneck_id: $("bp-link").value ? Number($("bp-link").value) : null,
    };
    this.reset();
    $("bp-link").value = "";
    showSimilar([]);
    statusFor("bp-proposal-status");
    enqueue("proposal", data);
    title.focus();
  });

  $("bp-proposals").addEventListener("click", (event) => {
    var button = event.target.closest ? event.target.closest("button[data-delta]") : null;
    if (!button || button.disabled) {
      return;
    }
    var card = button.closest("li[data-key]");
    var id = Number(card.getAttribute("data-key").slice(1));
    var delta = Number(button.getAttribute("data-delta"));
    var me = state.me;
    if (!me || !state.board || state.board.phase !== "stemmen" || state.board.locked) {
      return;
    }
    var mine = (me.votes?.[id] || 0) + pendingVotes(id);
    if (delta > 0 && (remainingVotes() <= 0 || mine >= state.board.max_votes_per_proposal)) {
      return;
    }
    if (delta < 0 && mine <= 0) {
      return;
    }
    if (!joined) {
      toast(t("queued"));
    }
    enqueue("vote", { proposal_id: id, delta: delta });
    // A button that is now disabled (maximum reached, nothing left to take back) would drop focus.
    window.requestAnimationFrame(() => {
      if (button.disabled) {
        (delta > 0 ? card.parts.minus : card.parts.plus).focus();
      }
    });
  });

  // "Lijkt op: …" while typing a title, so people join an existing proposal instead of repeating it.
  var similarTimer = null;
  var similarAsked = 0;

  function showSimilar(items) {
    var list = $("bp-similar-list");
    list.textContent = "";
    items.forEach((item) => {
      var li = el("li");
      var link = el("a", null, item.title);
      link.href = `#voorstel-${Number(item.id)}`;
      li.appendChild(link);
      list.appendChild(li);
    });
    show($("bp-similar-box"), items.length > 0);
  }

  $("bp-title").addEventListener("input", function () {
    var text = this.value.trim();
    if (similarTimer) {
      window.clearTimeout(similarTimer);
    }
    if (text.length < 5) {
      similarAsked++;
      showSimilar([]);
      return;
    }
    similarTimer = window.setTimeout(() => {
      if (!joined) {
        return;
      }
      var asked = ++similarAsked;
      socket.timeout(ACK_TIMEOUT).emit("similar", { text: text }, (err, ack) => {
        if (asked !== similarAsked || err || !ack || !ack.ok) {
          return;
        }
        showSimilar(ack.items || []);
      });
    }, 400);
  });

  $("bp-profile-form").addEventListener("submit", (event) => {
    event.preventDefault();
    var status = $("bp-profile-status");
    if (!joined) {
      setText(status, t("profile-failed"));
      return;
    }
    setText(status, t("pending"));
    var data = { nickname: $("bp-nickname").value.trim(), role: $("bp-role").value, sector: $("bp-sector").value };
    socket.timeout(ACK_TIMEOUT).emit("profile", data, (err, ack) => {
      if (err || !ack) {
        setText(status, t("profile-failed"));
        return;
      }
      if (!ack.ok) {
        setText(status, ack.message || t("profile-failed"));
        return;
      }
      if (ack.me && state.me) {
        for (var key in ack.me) {
          state.me[key] = ack.me[key];
        }
      }
      setText(status, t("profile-saved"));
      // Saved: fold the form away again, so the board is back in view.
      $("bp-profile").open = false;
      $("bp-profile").querySelector("summary").focus();
      render();
    });
  });

  setConnection("connecting");
})();
