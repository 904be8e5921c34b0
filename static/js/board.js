// The live board on a phone (docs/realtime.md). The connection (live.js) joins and replaces the
// phone's state from each snapshot; every action waits in the pending queue (pending.js), shown
// as "pending", until the server has answered it, and survives a reload in sessionStorage. User
// text only ever goes into the page through textContent; every word comes from words.js.
import { excess, refreshCounts } from "./character-count.js";
import { connectLive } from "./live.js";
import { pendingQueue } from "./pending.js";
import { t } from "./words.js";

const ACK_TIMEOUT = 8000;
const RELOAD_PAUSE = 30000;
const root = document.getElementById("board");
const code = root.dataset.code;
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = text;
  }
  return node;
}

function setText(node, text) {
  const value = text === undefined || text === null ? "" : String(text);
  if (node.textContent !== value) {
    node.textContent = value;
  }
}

function show(node, visible) {
  if (node.hidden === visible) {
    node.hidden = !visible;
  }
}

function newClientId() {
  const c = window.crypto;
  if (typeof c?.randomUUID === "function") {
    try {
      return c.randomUUID();
    } catch {
      // Not a secure context (plain http on the venue's network): make one from random bytes.
    }
  }
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < 16; i++) {
      bytes[i] = Math.floor(Math.random() * 256);
    }
  }
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
}

// sessionStorage may be unavailable (private mode): then everything lives in memory only.
function sessionStore() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const storage = sessionStore();
const RELOAD_KEY = `board-reload-${code}`;

function recall(key) {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function remember(key, value) {
  try {
    if (value === null) {
      storage?.removeItem(key);
    } else {
      storage?.setItem(key, value);
    }
  } catch {
    // Private mode or full: the page reloads without remembering when it last did.
  }
}

// --- state -------------------------------------------------------------------------------------

const state = { board: null, bottlenecks: {}, proposals: {}, meSeq: 0, participants: null, me: null };

function visible(item) {
  return item && !item.hidden && !item.merged_into_id;
}

// The votes left before a merge, until the snapshot after it says how many came back.
let mergeBefore = null;

function replaceState(snapshot) {
  state.board = snapshot.board;
  state.bottlenecks = {};
  state.proposals = {};
  for (const b of snapshot.bottlenecks || []) {
    if (visible(b)) {
      state.bottlenecks[b.id] = b;
    }
  }
  for (const p of snapshot.proposals || []) {
    if (visible(p)) {
      state.proposals[p.id] = p;
    }
  }
  state.meSeq = snapshot.seq || 0;
  state.participants = snapshot.participants;
  const before = mergeBefore;
  mergeBefore = null;
  state.me = snapshot.me || null;
  const returned = before === null || !state.me ? 0 : state.me.remaining - before;
  if (returned > 0) {
    toast(t("merge-returned", { count: returned }));
  }
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
  const known = state.proposals[p.id];
  if (known) {
    p.count = known.count;
  }
  state.proposals[p.id] = p;
}

// --- the pending queue and the connection --------------------------------------------------------

if (typeof window.io !== "function") {
  show($("bp-loading"), true);
  setText($("bp-loading"), t("load-failed"));
  throw new Error("The Socket.IO client did not load.");
}

const queue = pendingQueue({
  key: `board-pending-${code}`,
  storage,
  clock: { now: () => Date.now(), later: (fn, ms) => window.setTimeout(fn, ms) },
  newId: newClientId,
  send: (ev, data) => live.request(ev, data),
  answered(item, ack) {
    if (ack.ok) {
      confirmed(item, ack);
    } else {
      refused(item, ack);
    }
  },
  notJoined: () => live.rejoin(),
  changed: render,
});

const live = connectLive({
  code,
  ackTimeout: ACK_TIMEOUT,
  snapshot: replaceState,
  joined() {
    remember(RELOAD_KEY, null);
    if ($("bp-toast").textContent === t("queued")) {
      toast("");
    }
    queue.start();
  },
  status(status, ack) {
    if (status === "refused") {
      toast(ack.message || t("rejoin-failed"));
      return;
    }
    if (status !== "ok") {
      queue.stop();
    }
    const node = $("bp-conn");
    node.dataset.state = status;
    setText(node, t(`connection.${status}`));
  },
  notJoined: reloadOnce,
  events: {
    board(board) {
      const phaseChanged = board.phase !== state.board.phase;
      state.board = board;
      startTimer(board);
      if (phaseChanged) {
        showSimilar([]);
      }
      render();
    },
    bottleneck(b) {
      shadow("bottleneck", "text", b);
      upsertBottleneck(b);
      render();
    },
    proposal(p) {
      shadow("proposal", "title", p);
      upsertProposal(p);
      render();
    },
    merged(m) {
      delete state.proposals[m.merged_id];
      if (m.kept) {
        upsertProposal(m.kept);
      }
      // Votes moved with the merge: ask for my own numbers again, and say so if some came back.
      if (mergeBefore === null && state.me) {
        mergeBefore = state.me.remaining;
      }
      live.resync();
      render();
    },
    tally(msg) {
      for (const id in msg.counts) {
        if (state.proposals[id]) {
          state.proposals[id].count = msg.counts[id];
        }
      }
      render();
    },
    participants(msg) {
      state.participants = msg.count;
      render();
    },
  },
});

// The server sets a new participant cookie on the page load; reload at most once in a while.
function reloadOnce() {
  const last = Number(recall(RELOAD_KEY)) || 0;
  if (Date.now() - last < RELOAD_PAUSE) {
    toast(t("rejoin-failed"));
    return;
  }
  remember(RELOAD_KEY, String(Date.now()));
  window.location.reload();
}

function confirmed(item, ack) {
  if (item.ev === "bottleneck" && ack.bottleneck) {
    upsertBottleneck(ack.bottleneck);
    say("bp-bottleneck-status", t("posted"), "ok");
  } else if (item.ev === "proposal" && ack.proposal) {
    upsertProposal(ack.proposal);
    say("bp-proposal-status", t("posted"), "ok");
  } else if (item.ev === "vote") {
    // My own votes are ordered by my own acks; a replay older than the snapshot changes nothing.
    if (state.me && ack.seq >= state.meSeq) {
      state.meSeq = ack.seq;
      state.me.votes = state.me.votes || {};
      state.me.votes[ack.proposal_id] = ack.my_votes;
      state.me.remaining = ack.remaining;
    }
    const p = state.proposals[ack.proposal_id];
    if (live.acceptSeq(ack.seq) && p) {
      p.count = ack.count;
    }
  }
}

// Refused: say why, and give back what was typed so nothing is lost.
function refused(item, ack) {
  toast(ack.message || t("failed"));
  const d = item.data;
  if (item.ev === "bottleneck") {
    restore("bp-bottleneck-text", d.text);
    restore("bp-bottleneck-theme", d.theme_id ? String(d.theme_id) : "");
    say("bp-bottleneck-status", "");
  } else if (item.ev === "proposal" && !$("bp-title").value) {
    restore("bp-title", d.title);
    restore("bp-big", d.big);
    restore("bp-small", d.small);
    restore("bp-theme", d.theme_id ? String(d.theme_id) : "");
    say("bp-proposal-status", "");
  }
  refreshCounts(root);
  saveDraft();
}

function restore(id, value) {
  const field = $(id);
  if (field && !field.value && value) {
    field.value = value;
  }
}

// The room hears of my own post before my ack arrives: let it stand in for my pending copy.
function shadow(ev, field, item) {
  if (!visible(item) || (ev === "bottleneck" ? state.bottlenecks : state.proposals)[item.id]) {
    return;
  }
  const text = same(item[field]);
  const mine = queue.of(ev).find((i) => !i.shadow && same(i.data[field]) === text);
  if (mine) {
    mine.shadow = item.id;
  }
}

function same(text) {
  return String(text || "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

// A shadow only lasts while its proposal or bottleneck is on the board.
function notShadowed(item) {
  return !item.shadow || !(item.ev === "bottleneck" ? state.bottlenecks : state.proposals)[item.shadow];
}

// --- the timer (counted down locally, so phone clocks need not agree) ------------------------

let timerEnd = null;
let timerInterval = null;

function startTimer(board) {
  timerEnd = typeof board?.timer_remaining === "number" ? Date.now() + board.timer_remaining * 1000 : null;
  window.clearInterval(timerInterval);
  timerInterval = timerEnd === null ? null : window.setInterval(drawTimer, 1000);
  drawTimer();
}

function drawTimer() {
  const node = $("bp-timer");
  if (timerEnd === null) {
    show(node, false);
    return;
  }
  const left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
  show(node, true);
  node.dataset.state = left === 0 ? "done" : left <= 30 ? "soon" : "running";
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  setText(node, left === 0 ? t("timer-done") : t("timer", { time }));
  if (left === 0) {
    window.clearInterval(timerInterval);
    timerInterval = null;
  }
}

// --- messages ------------------------------------------------------------------------------------

let toastTimer = null;

function toast(message) {
  setText($("bp-toast"), message);
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    setText($("bp-toast"), "");
  }, 8000);
}

function say(id, text, tone = "warn") {
  setText($(id), text);
  $(id).dataset.tone = tone;
}

// --- drawing ------------------------------------------------------------------------------------

let drawQueued = false;

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
  const wanted = new Set(items.map(keyOf));
  const byKey = new Map();
  for (const node of Array.from(list.children)) {
    if (wanted.has(node.dataset.key)) {
      byKey.set(node.dataset.key, node);
    } else {
      node.remove();
    }
  }
  items.forEach((item, index) => {
    const key = keyOf(item);
    let node = byKey.get(key);
    if (!node) {
      node = make(item);
      node.dataset.key = key;
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

function votesText(count) {
  return t("votes", { count: count || 0 });
}

function draw() {
  const board = state.board;
  if (!board) {
    return;
  }
  const phase = board.phase;
  const locked = !!board.locked;
  root.dataset.phase = phase;
  show($("bp-loading"), false);
  show($("bp-app"), true);

  setText($("bp-phase-name"), t(`phases.${phase}.name`));
  setText($("bp-phase-help"), t(`phases.${phase}.help`));
  for (const step of document.querySelectorAll("[data-step]")) {
    if (step.dataset.step === phase) {
      step.setAttribute("aria-current", "step");
    } else {
      step.removeAttribute("aria-current");
    }
  }
  const people = state.participants;
  setText($("bp-participants"), people ? t("participants", { count: people }) : "");
  show($("bp-locked"), locked);
  for (const section of document.querySelectorAll("[data-phase-section]")) {
    show(section, section.dataset.phaseSection.split(" ").includes(phase));
  }
  for (const form of document.querySelectorAll(".bp-lockable")) {
    for (const field of form.elements) {
      field.disabled = locked;
    }
  }
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
  const me = state.me;
  if (me) {
    setText($("bp-me"), me.nickname ? t("me-named", { name: me.nickname }) : t("me-anonymous"));
  }
}

function drawBottlenecks() {
  const pending = queue
    .of("bottleneck")
    .filter(notShadowed)
    .map((i) => ({ key: `c${i.id}`, text: i.data.text, pending: true }))
    .reverse();
  const posted = Object.values(state.bottlenecks)
    .sort((a, b) => b.id - a.id)
    .map((b) => ({ key: `b${b.id}`, text: b.text }));
  const items = pending.concat(posted);
  syncList(
    $("bp-bottlenecks"),
    items,
    (b) => b.key,
    () => {
      const li = el("li", "bp-item");
      li.append(el("span", "bp-item-text"), el("span", "bp-pending", t("pending")));
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
  const select = $("bp-link");
  const items = Object.values(state.bottlenecks).sort((a, b) => a.id - b.id);
  const signature = items.map((b) => `${b.id}:${b.text}`).join("|");
  if (select.dataset.signature === signature) {
    return;
  }
  select.dataset.signature = signature;
  const chosen = select.value;
  while (select.options.length > 1) {
    select.remove(1);
  }
  for (const b of items) {
    const option = el("option", null, b.text.length > 90 ? `${b.text.slice(0, 88)}…` : b.text);
    option.value = String(b.id);
    select.append(option);
  }
  select.value = chosen;
  if (select.value !== chosen) {
    select.value = "";
  }
}

function proposalItems() {
  const pending = queue
    .of("proposal")
    .filter(notShadowed)
    .map((i) => ({
      key: `c${i.id}`,
      pending: true,
      title: i.data.title,
      big: i.data.big,
      small: i.data.small,
      actor_label: actorLabel(i.data.actor),
    }))
    .reverse();
  const posted = Object.values(state.proposals)
    .sort(newestFirst)
    .map((p) => Object.assign(p, { key: `p${p.id}` }));
  return pending.concat(posted);
}

function actorLabel(value) {
  const option = Array.from($("bp-actor").options).find((o) => value && o.value === value);
  return option ? option.textContent : null;
}

function makeCard() {
  const li = el("li", "bp-card");
  const parts = {
    flags: el("p", "bp-flags"),
    title: el("h3", "bp-card-title"),
    big: el("p", "bp-line"),
    small: el("p", "bp-line"),
    meta: el("p", "bp-meta"),
    vote: el("div", "bp-vote"),
    pending: el("p", "bp-pending", t("pending")),
    why: el("p", "bp-why"),
    count: el("span", "bp-count"),
    dots: el("span", "bp-dots"),
    minus: el("button", "bp-vote-btn bp-minus", "−"),
    plus: el("button", "bp-vote-btn bp-plus", "+"),
  };
  parts.big.append(el("strong", null, t("big")), el("span"));
  parts.small.append(el("strong", null, t("small")), el("span"));
  parts.dots.setAttribute("role", "img");
  parts.minus.type = "button";
  parts.minus.dataset.delta = "-1";
  parts.plus.type = "button";
  parts.plus.dataset.delta = "1";
  parts.vote.append(parts.count, parts.dots, parts.minus, parts.plus);
  li.append(parts.flags, parts.title, parts.big, parts.small, parts.meta, parts.vote, parts.pending, parts.why);
  li.parts = parts;
  return li;
}

function fillCard(li, p) {
  const parts = li.parts;
  li.classList.toggle("is-pending", !!p.pending);
  if (p.id) {
    li.id = `voorstel-${p.id}`;
  }
  parts.flags.textContent = "";
  if (p.pinned) {
    parts.flags.append(el("span", "bp-badge", t("flags.pinned")));
  }
  if (p.promising) {
    parts.flags.append(el("span", "bp-badge bp-badge-promising", t("flags.promising")));
  }
  show(parts.flags, !!(p.pinned || p.promising));
  setText(parts.title, p.title);
  setText(parts.big.lastChild, p.big ? ` ${p.big}` : "");
  show(parts.big, !!p.big);
  setText(parts.small.lastChild, p.small ? ` ${p.small}` : "");
  show(parts.small, !!p.small);
  const meta = [];
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
  const items = proposalItems();
  const voting = phase === "stemmen";
  const max = state.board.max_votes_per_proposal;
  const me = state.me || { votes: {}, remaining: 0 };
  const left = remainingVotes();
  syncList(
    $("bp-proposals"),
    items,
    (p) => p.key,
    makeCard,
    (li, p) => {
      fillCard(li, p);
      const parts = li.parts;
      show(parts.vote, voting && !p.pending);
      if (!voting || p.pending) {
        show(parts.why, false);
        return;
      }
      const confirmedMine = me.votes?.[p.id] || 0;
      const waiting = queue.votes(p.id);
      const mine = confirmedMine + waiting;
      setText(parts.count, votesText(p.count));
      drawDots(parts.dots, Math.min(confirmedMine, mine), Math.abs(waiting), max);
      parts.dots.setAttribute("aria-label", t("my-votes", { n: mine, max }));
      parts.plus.setAttribute("aria-label", t("vote-plus", { title: p.title }));
      parts.minus.setAttribute("aria-label", t("vote-minus", { title: p.title }));
      // A spent budget is said once, in the line at the bottom; a card only says its own limit.
      const why = mine >= max ? t("why-max", { count: max }) : "";
      parts.plus.disabled = locked || !!why || left <= 0;
      parts.minus.disabled = locked || mine <= 0;
      setText(parts.why, why);
      show(parts.why, !!why && !locked);
      parts.why.id = `bp-why-${p.id}`;
      if (why) {
        parts.plus.setAttribute("aria-describedby", parts.why.id);
      } else if (left <= 0) {
        parts.plus.setAttribute("aria-describedby", "bp-budget");
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
  const signature = `${confirmedCount}/${pendingCount}/${max}`;
  if (node.dataset.signature === signature) {
    return;
  }
  node.dataset.signature = signature;
  node.textContent = "";
  for (let i = 0; i < max; i++) {
    // A dot being taken back or added shows as "wait" until the server has answered.
    const kind = i < confirmedCount ? "on" : i < confirmedCount + pendingCount ? "wait" : "off";
    node.append(el("span", `bp-dot bp-dot-${kind}`, kind === "off" ? "○" : "●"));
  }
}

function remainingVotes() {
  return state.me ? (state.me.remaining || 0) - queue.votes() : 0;
}

function drawBudget(phase, locked) {
  const node = $("bp-budget");
  const voting = phase === "stemmen" && state.me && !locked;
  show(node, !!voting);
  if (!voting) {
    return;
  }
  const total = state.board.votes_per_participant;
  const left = remainingVotes();
  node.dataset.state = left > 0 ? "left" : "none";
  setText(node, left > 0 ? t("remaining", { n: left, total }) : t("remaining-none", { total }));
}

function drawRanking() {
  const items = Object.values(state.proposals).sort((a, b) => (b.count || 0) - (a.count || 0) || a.id - b.id);
  const list = $("bp-ranking");
  list.textContent = "";
  for (const p of items) {
    const li = el("li", `bp-card bp-rank${p.promising ? " is-promising" : ""}`);
    const head = el("p", "bp-rank-head");
    head.append(el("span", "bp-count", votesText(p.count)));
    if (p.promising) {
      head.append(el("span", "bp-badge bp-badge-promising", t("flags.promising")));
    }
    li.append(head, el("h3", "bp-card-title", p.title));
    if (p.small) {
      const small = el("p", "bp-line");
      small.append(el("strong", null, t("small")), document.createTextNode(` ${p.small}`));
      li.append(small);
    }
    if (p.actor_label) {
      li.append(el("p", "bp-meta", `${t("actor")} ${p.actor_label}`));
    }
    list.append(li);
  }
  show($("bp-ranking-empty"), items.length === 0);
}

// --- what people do -------------------------------------------------------------------------

function statusFor(id) {
  say(id, live.joined ? "" : t("queued"), live.joined ? "ok" : "warn");
}

// Over-long text stays in the field (its counter says by how much); the server would refuse it.
function tooLong(status, fields) {
  const field = fields.find((f) => excess(f) > 0);
  if (field) {
    say(status, t("too-long", { max: field.dataset.limit }));
    field.focus();
  }
  return !!field;
}

// --- drafts: a half-typed bottleneck or proposal survives a reload, a screen lock or a dropped tab --

const DRAFT_KEY = `board-draft-${code}`;
// The link to a bottleneck is left out: its options arrive with the snapshot, after the draft.
const DRAFT_FIELDS = [
  "bp-bottleneck-text",
  "bp-bottleneck-theme",
  "bp-title",
  "bp-big",
  "bp-small",
  "bp-actor",
  "bp-theme",
];

function saveDraft() {
  const draft = {};
  for (const id of DRAFT_FIELDS) {
    if ($(id).value) {
      draft[id] = $(id).value;
    }
  }
  remember(DRAFT_KEY, Object.keys(draft).length ? JSON.stringify(draft) : null);
}

function restoreDraft() {
  let draft = {};
  try {
    draft = JSON.parse(recall(DRAFT_KEY) || "{}") || {};
  } catch {
    draft = {};
  }
  for (const id of DRAFT_FIELDS) {
    if (typeof draft[id] === "string" && !$(id).value) {
      $(id).value = draft[id];
    }
  }
  refreshCounts();
}

for (const form of [$("bp-bottleneck-form"), $("bp-proposal-form")]) {
  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);
}
restoreDraft();

$("bp-bottleneck-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const field = $("bp-bottleneck-text");
  const text = field.value.trim();
  if (!text) {
    say("bp-bottleneck-status", t("need-text"));
    field.focus();
    return;
  }
  if (tooLong("bp-bottleneck-status", [field])) {
    return;
  }
  const theme = $("bp-bottleneck-theme");
  const themeId = theme.value ? Number(theme.value) : null;
  field.value = "";
  theme.value = "";
  saveDraft();
  refreshCounts(event.currentTarget);
  statusFor("bp-bottleneck-status");
  queue.add("bottleneck", { text, theme_id: themeId });
  field.focus();
});

$("bp-proposal-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const title = $("bp-title");
  if (!title.value.trim()) {
    say("bp-proposal-status", t("need-title"));
    title.focus();
    return;
  }
  if (tooLong("bp-proposal-status", [title, $("bp-big"), $("bp-small")])) {
    return;
  }
  const data = {
    title: title.value.trim(),
    big: $("bp-big").value.trim(),
    small: $("bp-small").value.trim(),
    actor: $("bp-actor").value || null,
    bottleneck_id: $("bp-link").value ? Number($("bp-link").value) : null,
    // Left empty, the proposal follows its bottleneck's theme (the server's rule).
    theme_id: $("bp-theme").value ? Number($("bp-theme").value) : null,
  };
  form.reset();
  $("bp-link").value = "";
  saveDraft();
  showSimilar([]);
  statusFor("bp-proposal-status");
  queue.add("proposal", data);
  title.focus();
});

$("bp-proposals").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-delta]");
  if (!button || button.disabled) {
    return;
  }
  const card = button.closest("li[data-key]");
  const id = Number(card.dataset.key.slice(1));
  const delta = Number(button.dataset.delta);
  const { me, board } = state;
  if (!me || !board || board.phase !== "stemmen" || board.locked) {
    return;
  }
  const mine = (me.votes?.[id] || 0) + queue.votes(id);
  if (delta > 0 && (remainingVotes() <= 0 || mine >= board.max_votes_per_proposal)) {
    return;
  }
  if (delta < 0 && mine <= 0) {
    return;
  }
  if (!live.joined) {
    toast(t("queued"));
  }
  queue.add("vote", { proposal_id: id, delta });
  // A button that is now disabled (maximum reached, nothing left to take back) would drop focus.
  window.requestAnimationFrame(() => {
    if (button.disabled) {
      (delta > 0 ? card.parts.minus : card.parts.plus).focus();
    }
  });
});

// "Lijkt op: …" while typing a title, so people join an existing proposal instead of repeating it.
let similarTimer = null;
let similarAsked = 0;

function showSimilar(items) {
  const list = $("bp-similar-list");
  list.textContent = "";
  for (const item of items) {
    const link = el("a", null, item.title);
    link.href = `#voorstel-${Number(item.id)}`;
    const li = el("li");
    li.append(link);
    list.append(li);
  }
  show($("bp-similar-box"), items.length > 0);
}

$("bp-title").addEventListener("input", (event) => {
  const text = event.currentTarget.value.trim();
  window.clearTimeout(similarTimer);
  if (text.length < 5) {
    similarAsked++;
    showSimilar([]);
    return;
  }
  similarTimer = window.setTimeout(() => {
    if (!live.joined) {
      return;
    }
    const asked = ++similarAsked;
    live.request("similar", { text }).then(
      (ack) => {
        if (asked === similarAsked && ack?.ok) {
          showSimilar(ack.items || []);
        }
      },
      () => {},
    );
  }, 400);
});

$("bp-profile-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const status = $("bp-profile-status");
  if (!live.joined) {
    setText(status, t("profile-failed"));
    return;
  }
  const nickname = $("bp-nickname");
  if (excess(nickname) > 0) {
    setText(status, t("too-long", { max: nickname.dataset.limit }));
    nickname.focus();
    return;
  }
  setText(status, t("pending"));
  const data = { nickname: nickname.value.trim(), role: $("bp-role").value, sector: $("bp-sector").value };
  live.request("profile", data).then(
    (ack) => {
      if (!ack) {
        setText(status, t("profile-failed"));
        return;
      }
      if (!ack.ok) {
        setText(status, ack.message || t("profile-failed"));
        return;
      }
      if (ack.me && state.me) {
        Object.assign(state.me, ack.me);
      }
      setText(status, t("profile-saved"));
      // Saved: fold the form away again, so the board is back in view.
      $("bp-profile").open = false;
      $("bp-profile").querySelector("summary").focus();
      render();
    },
    () => {
      setText(status, t("profile-failed"));
    },
  );
});

show($("bp-loading"), true);
show($("bp-conn"), true);
