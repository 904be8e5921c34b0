// The projector view of one live board (docs/realtime.md). The connection (live.js) joins as
// "projector"; the page keeps the phase, the countdown, the participant count and the ranking
// (highlighted first, then by votes) up to date. Reordering glides unless the viewer asked for
// reduced motion. Words come from words.js; user text goes in as textContent.
import { connectLive } from "./live.js";
import { t } from "./words.js";

const TOP = 10;
const BOTTLENECKS = 6;
const ACK_TIMEOUT = 10000;

const $ = (id) => document.getElementById(id);
const ranking = $("pj-ranking");
const bottleneckList = $("pj-bottlenecks");
const template = $("pj-item-template");
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

const state = { board: null, proposals: new Map(), bottlenecks: new Map(), participants: 0 };
const nodes = new Map(); // proposal id -> <li>
const shownCounts = new Map(); // proposal id -> count last drawn
const bottleneckNodes = new Map();
let timerEnd = null;

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
    state.proposals.set(p.id, { ...state.proposals.get(p.id), ...p });
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
  for (const key of Object.keys(event.counts || {})) {
    const p = state.proposals.get(Number(key));
    if (p) {
      p.count = event.counts[key];
    }
  }
  schedule();
}

function applySnapshot(snapshot) {
  state.proposals = new Map();
  state.bottlenecks = new Map();
  state.participants = snapshot.participants || 0;
  for (const p of snapshot.proposals || []) {
    if (!p.hidden && !p.merged_into_id) {
      state.proposals.set(p.id, p);
    }
  }
  for (const b of snapshot.bottlenecks || []) {
    if (!b.hidden) {
      state.bottlenecks.set(b.id, b);
    }
  }
  applyBoard(snapshot.board);
}

// --- drawing ---------------------------------------------------------------------------------

let queued = false;
function schedule() {
  if (queued) {
    return;
  }
  queued = true;
  const draw = () => {
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
  const timer = $("pj-timer");
  if (timerEnd === null) {
    timer.hidden = true;
    return;
  }
  const left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
  timer.hidden = false;
  timer.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  timer.classList.toggle("is-ending", left > 0 && left <= 30);
  timer.classList.toggle("is-done", left === 0);
}

function byVotes(phase) {
  return phase === "stemmen" || phase === "oogsten";
}

function ranked(phase) {
  const votes = byVotes(phase);
  return Array.from(state.proposals.values()).sort((a, b) => {
    if (Boolean(b.pinned) !== Boolean(a.pinned)) {
      return b.pinned ? 1 : -1;
    }
    if (votes && (b.count || 0) !== (a.count || 0)) {
      return (b.count || 0) - (a.count || 0);
    }
    // Before voting the newest proposals lead; when votes tie, the earliest stays ahead.
    return votes ? a.id - b.id : b.id - a.id;
  });
}

function render() {
  const board = state.board;
  if (!board) {
    return;
  }
  document.body.dataset.phase = board.phase;
  $("pj-phase").textContent = t(`phases.${board.phase}.name`);
  $("pj-instruction").textContent = t(`phases.${board.phase}.instruction`);
  $("pj-locked").hidden = !board.locked;
  $("pj-participants").textContent = t("participants", { count: state.participants });

  const mopperen = board.phase === "mopperen";
  ranking.hidden = mopperen;
  bottleneckList.hidden = !mopperen;
  const empty = $("pj-empty");
  if (mopperen) {
    $("pj-list-title").textContent = t("latest-bottlenecks");
    renderBottlenecks();
    empty.hidden = state.bottlenecks.size > 0;
    empty.textContent = t("empty-bottlenecks");
  } else {
    $("pj-list-title").textContent = byVotes(board.phase) ? t("ranking") : t("newest");
    renderRanking(board.phase);
    empty.hidden = state.proposals.size > 0;
    empty.textContent = t("empty-proposals");
  }
}

function renderBottlenecks() {
  // The room's own complaints first, newest on top; the invitation's starters only fill up, so
  // loading them late does not push what the room said off the screen.
  const latest = Array.from(state.bottlenecks.values())
    .sort((a, b) => Number(!!a.starter) - Number(!!b.starter) || b.id - a.id)
    .slice(0, BOTTLENECKS);
  const wanted = new Set(latest.map((b) => b.id));
  for (const [id, li] of bottleneckNodes) {
    if (!wanted.has(id)) {
      li.remove();
      bottleneckNodes.delete(id);
    }
  }
  latest.forEach((b, index) => {
    let li = bottleneckNodes.get(b.id);
    if (!li) {
      li = document.createElement("li");
      li.className = `pj-bottleneck${reducedMotion.matches ? "" : " is-new"}`;
      li.append(document.createElement("span"));
      li.firstChild.className = "pj-bottleneck-text";
      bottleneckNodes.set(b.id, li);
    }
    li.firstChild.textContent = b.text;
    if (bottleneckList.children[index] !== li) {
      bottleneckList.insertBefore(li, bottleneckList.children[index] || null);
    }
  });
  fit(bottleneckList);
}

function fill(li, p, votes, harvest) {
  const count = p.count || 0;
  li.classList.toggle("is-pinned", Boolean(p.pinned));
  li.classList.toggle("is-promising", harvest && Boolean(p.promising));
  li.querySelector(".pj-count").hidden = !votes;
  li.querySelector(".pj-count-number").textContent = String(count);
  li.querySelector(".pj-count-label").textContent = t("vote-word", { count });
  li.querySelector(".pj-title").textContent = p.title;
  const badge = li.querySelector(".pj-badge");
  badge.textContent = harvest && p.promising ? t("flags.promising") : p.pinned ? t("flags.pinned") : "";
  badge.hidden = !badge.textContent;
  const before = shownCounts.get(p.id);
  if (before !== undefined && count > before && !reducedMotion.matches) {
    li.classList.remove("is-bumped");
    void li.offsetWidth; // restart the animation
    li.classList.add("is-bumped");
  }
  shownCounts.set(p.id, count);
}

function renderRanking(phase) {
  const top = ranked(phase).slice(0, TOP);
  const animate = !reducedMotion.matches;
  const before = new Map();
  if (animate) {
    for (const [id, li] of nodes) {
      if (!li.hidden) {
        before.set(id, li.getBoundingClientRect().top);
      }
    }
  }
  const wanted = new Set(top.map((p) => p.id));
  for (const [id, li] of nodes) {
    if (!wanted.has(id)) {
      li.remove();
      nodes.delete(id);
    }
  }
  top.forEach((p, index) => {
    let li = nodes.get(p.id);
    if (!li) {
      li = template.content.firstElementChild.cloneNode(true);
      li.dataset.id = String(p.id);
      if (animate) {
        li.classList.add("is-new");
      }
      nodes.set(p.id, li);
    }
    fill(li, p, byVotes(phase), phase === "oogsten");
    if (ranking.children[index] !== li) {
      ranking.insertBefore(li, ranking.children[index] || null);
    }
  });
  fit(ranking);
  if (!animate) {
    return;
  }
  // FLIP: start each moved item where it was, then let the transition carry it home.
  for (const [id, li] of nodes) {
    const old = before.get(id);
    if (old === undefined || li.hidden) {
      continue;
    }
    const delta = old - li.getBoundingClientRect().top;
    if (Math.abs(delta) < 1) {
      continue;
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
  }
}

// Show only the items that fit whole; a half-cut line is unreadable from the back of the room.
function fit(list) {
  const children = Array.from(list.children);
  for (const li of children) {
    li.hidden = false;
  }
  const limit = list.clientHeight;
  let full = false;
  for (const li of children) {
    if (full || li.offsetTop + li.offsetHeight > limit + 1) {
      li.hidden = true;
      full = true;
    }
  }
}

ranking.addEventListener("transitionend", (event) => {
  event.target.classList.remove("is-moving");
});
for (const list of [ranking, bottleneckList]) {
  list.addEventListener("animationend", (event) => {
    event.target.classList.remove("is-new");
  });
}
window.addEventListener("resize", schedule);
window.setInterval(tick, 250);

// --- connection ------------------------------------------------------------------------------

const connection = $("pj-connection");
connectLive({
  code: $("projector").dataset.code,
  as: "projector",
  ackTimeout: ACK_TIMEOUT,
  snapshot: applySnapshot,
  status(status, ack) {
    // The room sees nothing while all is well.
    if (status === "refused") {
      connection.textContent = ack.message || t("connection.lost");
    } else {
      connection.textContent = status === "ok" ? "" : t(`connection.${status}`);
    }
  },
  events: {
    board: applyBoard,
    proposal: upsertProposal,
    bottleneck: upsertBottleneck,
    merged: applyMerged,
    tally: applyTally,
    participants(event) {
      state.participants = event.count;
      schedule();
    },
  },
});
