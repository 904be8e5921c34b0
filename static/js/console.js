// The facilitator's console of one live board (docs/realtime.md). The connection (live.js) joins
// as "console" and replaces the state from each snapshot; the room's events keep it current, and
// the buttons send `control` actions. Every action shows as pending until its acknowledgement; a
// refusal is shown in the page's language. Words come from words.js; user text goes in as
// textContent.
import { refreshCounts } from "./character-count.js";
import { connectLive } from "./live.js";
import { hasWord, t } from "./words.js";

const ACK_TIMEOUT = 10000;
const LOG_LIMIT = 200;

const $ = (id) => document.getElementById(id);
const root = $("console");
const globalStatus = $("console-status");
const proposalList = $("proposal-list");
const bottleneckList = $("bottleneck-list");
const sortSelect = $("proposal-sort");
const mergeForm = $("merge-form");
const mergeDuplicate = $("merge-duplicate");
const mergeKeep = $("merge-keep");
const logBody = $("log-body");

const state = { board: null, themes: [], proposals: new Map(), bottlenecks: new Map() };
const items = new Map(); // proposal id -> <li>
const bottleneckItems = new Map();
let timerEnd = null;
let pendingReorder = false;

// --- small helpers ---------------------------------------------------------------------------

function errorText(ack) {
  if (typeof ack?.message === "string" && ack.message) {
    return ack.message;
  }
  const key = `errors.${ack?.error}`;
  return t(hasWord(key) ? key : "errors.other");
}

// A confirmation fades after a few seconds; an error stays until the next action.
function say(element, text, isError, fleeting) {
  window.clearTimeout(element.sayTimer);
  element.textContent = text || "";
  element.classList.toggle("is-error", Boolean(isError));
  if (fleeting && text) {
    element.sayTimer = window.setTimeout(() => {
      element.textContent = "";
    }, 4000);
  }
}

function setPending(control, on) {
  if (!control) {
    return;
  }
  control.disabled = on;
  control.classList.toggle("is-pending", on);
  if (on) {
    control.setAttribute("aria-busy", "true");
  } else {
    control.removeAttribute("aria-busy");
  }
}

// Send one control action; `control` shows it as pending, `status` gets the outcome.
function send(payload, { control, status = globalStatus, okText = t("saved"), onOk, onError } = {}) {
  setPending(control, true);
  say(status, t("pending"), false);
  live.request("control", payload).then(
    (ack) => {
      setPending(control, false);
      if (!ack?.ok) {
        say(status, errorText(ack), true);
        onError?.(ack || {});
        return;
      }
      applyResult(ack);
      say(status, typeof okText === "function" ? okText(ack) : okText, false, true);
      onOk?.(ack);
    },
    () => {
      setPending(control, false);
      say(status, t("errors.timeout"), true);
      onError?.({});
    },
  );
}

// What a control action's acknowledgement carries (sessie_app/realtime/events.py): the board
// state, the changed proposal or bottleneck, or the merge. The room's event follows.
function applyResult(ack) {
  if (ack.board) {
    applyBoard(ack.board);
  }
  if (ack.proposal) {
    upsertProposal(ack.proposal);
  }
  if (ack.bottleneck) {
    upsertBottleneck(ack.bottleneck);
  }
  for (const p of ack.proposals || []) {
    upsertProposal(p);
  }
  for (const b of ack.bottlenecks || []) {
    upsertBottleneck(b);
  }
  if (ack.kept) {
    applyMerged(ack);
  }
}

// --- board: phase, timer, lock, participants ----------------------------------------------------

function applyBoard(board) {
  state.board = board;
  for (const button of document.querySelectorAll(".phase-button")) {
    button.setAttribute("aria-pressed", button.dataset.phase === board.phase ? "true" : "false");
  }
  say($("phase-instruction"), t(`phases.${board.phase}.instruction`));
  $("lock-toggle").textContent = board.locked ? t("unlock") : t("lock");
  say($("lock-state"), board.locked ? t("locked-state") : t("open-state"));
  $("joining-toggle").textContent = board.joining_closed ? t("open-joining") : t("close-joining");
  say($("joining-state"), board.joining_closed ? t("joining-closed-state") : t("joining-open-state"));
  root.classList.toggle("is-locked", Boolean(board.locked));
  timerEnd = typeof board.timer_remaining === "number" ? Date.now() + board.timer_remaining * 1000 : null;
  tick();
  scheduleReorder();
}

function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function tick() {
  const display = $("timer-display");
  if (timerEnd === null) {
    display.textContent = t("no-timer");
    display.classList.remove("is-done", "is-running");
    display.classList.add("is-idle");
    return;
  }
  display.classList.remove("is-idle");
  const left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
  display.textContent = clock(left);
  display.classList.toggle("is-done", left === 0);
  display.classList.toggle("is-running", left > 0);
}

function setParticipants(count) {
  $("participant-count").textContent = String(count);
}

// --- proposals -------------------------------------------------------------------------------

function themeName(id) {
  return state.themes.find((theme) => theme.id === id)?.name || "";
}

// ``noneText``: what no choice means here (a proposal without one follows its bottleneck).
function fillThemeSelect(select, value, noneText = t("no-theme")) {
  select.textContent = "";
  const none = document.createElement("option");
  none.value = "";
  none.textContent = noneText;
  select.append(none);
  for (const theme of state.themes) {
    const option = document.createElement("option");
    option.value = String(theme.id);
    option.textContent = theme.name;
    select.append(option);
  }
  select.value = value === null || value === undefined ? "" : String(value);
}

function badge(text, kind) {
  const span = document.createElement("span");
  span.className = `tag tag-${kind}`;
  span.textContent = text;
  return span;
}

function createProposalItem(id) {
  const li = $("proposal-template").content.firstElementChild.cloneNode(true);
  li.dataset.id = String(id);
  li.addEventListener("click", onProposalClick);
  li.addEventListener("change", onProposalChange);
  li.addEventListener("submit", onProposalSubmit);
  refreshCounts(li);
  items.set(id, li);
  return li;
}

function renderProposal(p) {
  const li = items.get(p.id) || createProposalItem(p.id);
  const count = p.count || 0;
  li.classList.toggle("is-hidden", Boolean(p.hidden));
  li.classList.toggle("is-pinned", Boolean(p.pinned));
  li.classList.toggle("is-promising", Boolean(p.promising));
  li.querySelector(".proposal-count").textContent = String(count);
  li.querySelector(".proposal-votes-label").textContent = t("vote-word", { count });
  li.querySelector(".proposal-title").textContent = p.title;
  li.querySelector(".proposal-big").hidden = !p.big;
  li.querySelector(".proposal-big-text").textContent = p.big || "";
  li.querySelector(".proposal-small").hidden = !p.small;
  li.querySelector(".proposal-small-text").textContent = p.small || "";
  const meta = [`#${p.id}`, p.author || t("anonymous")];
  if (p.actor_label) {
    meta.push(p.actor_label);
  }
  li.querySelector(".proposal-meta").textContent = meta.join(" · ");
  // The reason is in the moderation log; this console shows it once it has hidden the proposal.
  const reason = li.querySelector(".proposal-reason");
  reason.hidden = !(p.hidden && p.hidden_reason);
  reason.textContent = p.hidden && p.hidden_reason ? t("hidden-because", { reason: p.hidden_reason }) : "";
  const badges = li.querySelector(".proposal-badges");
  badges.textContent = "";
  if (p.hidden) {
    badges.append(badge(t("hidden"), "hidden"));
  }
  if (p.pinned) {
    badges.append(badge(t("flags.pinned"), "pinned"));
  }
  if (p.promising) {
    badges.append(badge(t("flags.promising"), "promising"));
  }

  // Toggle buttons: the label stays, aria-pressed (and its style) carries the state.
  const pin = li.querySelector('[data-act="pinned"]');
  pin.textContent = t("pin");
  pin.setAttribute("aria-pressed", p.pinned ? "true" : "false");
  const promising = li.querySelector('[data-act="promising"]');
  promising.textContent = t("promise");
  promising.setAttribute("aria-pressed", p.promising ? "true" : "false");
  const hide = li.querySelector('[data-act="hide"]');
  hide.textContent = p.hidden ? t("unhide") : t("hide");
  hide.classList.toggle("button-danger", !p.hidden);
  showChoice("proposals", p.id, li, p.hidden);
  const select = li.querySelector('select[data-act="theme"]');
  if (document.activeElement !== select) {
    fillProposalTheme(select, p);
  }
  return li;
}

function upsertProposal(p) {
  if (p.merged_into_id) {
    removeProposal(p.id);
    return;
  }
  // Keep what this console knows beyond the event (the reason it gave for hiding).
  const merged = { ...state.proposals.get(p.id), ...p };
  state.proposals.set(p.id, merged);
  renderProposal(merged);
  proposalsChanged();
}

function removeProposal(id) {
  selection.proposals.delete(id);
  selectionChanged();
  state.proposals.delete(id);
  items.get(id)?.remove();
  items.delete(id);
  proposalsChanged();
}

function applyMerged(event) {
  removeProposal(Number(event.merged_id));
  if (event.kept) {
    upsertProposal(event.kept);
  }
}

function applyTally(event) {
  for (const key of Object.keys(event.counts || {})) {
    const p = state.proposals.get(Number(key));
    if (p) {
      p.count = event.counts[key];
      const li = items.get(p.id);
      li.querySelector(".proposal-count").textContent = String(p.count);
      li.querySelector(".proposal-votes-label").textContent = t("vote-word", { count: p.count });
    }
  }
  scheduleReorder();
}

function sortMode() {
  const mode = sortSelect.value;
  if (mode === "auto") {
    const phase = state.board?.phase;
    return phase === "stemmen" || phase === "oogsten" ? "votes" : "newest";
  }
  return mode;
}

function ordered() {
  const mode = sortMode();
  return Array.from(state.proposals.values()).sort((a, b) => {
    if (mode === "votes" && (b.count || 0) !== (a.count || 0)) {
      return (b.count || 0) - (a.count || 0);
    }
    return mode === "oldest" || mode === "votes" ? a.id - b.id : b.id - a.id;
  });
}

// Reordering moves nodes; never under the facilitator's cursor or keyboard focus.
function reorder() {
  if (proposalList.contains(document.activeElement) || proposalList.querySelector("form:not([hidden])")) {
    pendingReorder = true;
    return;
  }
  pendingReorder = false;
  let previous = null;
  for (const p of ordered()) {
    const li = items.get(p.id);
    const expected = previous ? previous.nextElementSibling : proposalList.firstElementChild;
    if (li !== expected) {
      proposalList.insertBefore(li, expected);
    }
    previous = li;
  }
}

let reorderQueued = false;
function scheduleReorder() {
  if (reorderQueued) {
    return;
  }
  reorderQueued = true;
  window.requestAnimationFrame(() => {
    reorderQueued = false;
    reorder();
  });
}

proposalList.addEventListener("focusout", () => {
  window.setTimeout(() => {
    if (pendingReorder) {
      reorder();
    }
  }, 0);
});

function proposalsChanged() {
  let visible = 0;
  for (const p of state.proposals.values()) {
    if (!p.hidden) {
      visible += 1;
    }
  }
  $("proposal-count").textContent = String(visible);
  $("proposal-empty").hidden = state.proposals.size > 0;
  scheduleReorder();
  scheduleMergeOptions();
}

let mergeQueued = false;
function scheduleMergeOptions() {
  if (mergeQueued) {
    return;
  }
  mergeQueued = true;
  window.requestAnimationFrame(() => {
    mergeQueued = false;
    const proposals = Array.from(state.proposals.values()).sort((a, b) => a.id - b.id);
    for (const select of [mergeDuplicate, mergeKeep]) {
      const value = select.value;
      while (select.options.length > 1) {
        select.remove(1);
      }
      for (const p of proposals) {
        const option = document.createElement("option");
        option.value = String(p.id);
        const title = p.title.length > 70 ? `${p.title.slice(0, 69)}…` : p.title;
        option.textContent = `#${p.id} ${title} (${p.count || 0})`;
        select.append(option);
      }
      select.value = state.proposals.has(Number(value)) ? value : "";
    }
  });
}

// Everything the author of one proposal or bottleneck posted, hidden with one reason.
function hideAuthor(target, form, status, done) {
  send(
    { action: "hide_author", ...target },
    {
      control: form.querySelector('button[type="submit"]'),
      status,
      okText: (ack) => t("hidden-author", { count: ack.proposals.length + ack.bottlenecks.length }),
      onOk: () => {
        form.reset();
        done();
        scheduleReorder();
      },
    },
  );
}

function closeForms(li) {
  for (const form of li.querySelectorAll("form")) {
    form.hidden = true;
  }
  for (const button of li.querySelectorAll("[aria-expanded]")) {
    button.setAttribute("aria-expanded", "false");
  }
}

function openForm(li, selector, button) {
  const form = li.querySelector(selector);
  const open = form.hidden;
  closeForms(li);
  form.hidden = !open;
  button.setAttribute("aria-expanded", open ? "true" : "false");
  if (open) {
    refreshCounts(form);
    form.querySelector("input, textarea")?.focus();
  }
  return form;
}

function onProposalClick(event) {
  const button = event.target.closest("button[data-act]");
  if (!button || button.type === "submit") {
    return;
  }
  const li = event.currentTarget;
  const id = Number(li.dataset.id);
  const p = state.proposals.get(id);
  const status = li.querySelector(".item-status");
  if (!p) {
    return;
  }
  const act = button.dataset.act;
  if (act === "pinned" || act === "promising") {
    send({ action: "flag", proposal_id: id, flag: act, value: !p[act] }, { control: button, status });
  } else if (act === "hide") {
    if (p.hidden) {
      send({ action: "hide", proposal_id: id, hidden: false, reason: "" }, { control: button, status });
    } else {
      openForm(li, ".hide-form", button);
    }
  } else if (act === "edit") {
    const form = li.querySelector(".edit-form");
    form.elements.title.value = p.title;
    form.elements.big.value = p.big || "";
    form.elements.small.value = p.small || "";
    openForm(li, ".edit-form", button);
  } else if (act === "merge") {
    $("merge-box").open = true;
    mergeDuplicate.value = String(id);
    mergeForm.scrollIntoView({ block: "nearest" });
    mergeKeep.focus();
  } else if (act === "cancel") {
    closeForms(li);
    say(status, "");
    if (pendingReorder) {
      scheduleReorder();
    }
  }
}

// The select shows a theme chosen for the proposal; an inherited one is named on the empty choice.
function fillProposalTheme(select, p) {
  const inherited = !p.theme_chosen && p.bottleneck_id ? themeName(p.theme_id) : "";
  const noneText = inherited ? t("theme-of-bottleneck", { theme: inherited }) : t("no-theme");
  fillThemeSelect(select, p.theme_chosen ? p.theme_id : null, noneText);
}

function onProposalChange(event) {
  const select = event.target;
  const li = event.currentTarget;
  const id = Number(li.dataset.id);
  if (select.dataset.act === "select") {
    choose("proposals", id, select.checked);
    return;
  }
  if (select.dataset.act !== "theme") {
    return;
  }
  send(
    { action: "theme", proposal_id: id, theme_id: select.value ? Number(select.value) : null },
    {
      control: select,
      status: li.querySelector(".item-status"),
      onError: () => {
        const p = state.proposals.get(id);
        if (p) {
          fillProposalTheme(select, p);
        }
      },
    },
  );
}

function onProposalSubmit(event) {
  event.preventDefault();
  const form = event.target;
  const li = event.currentTarget;
  const id = Number(li.dataset.id);
  const status = li.querySelector(".item-status");
  const control = form.querySelector('button[type="submit"]');
  const done = () => {
    closeForms(li);
    scheduleReorder();
  };
  if (form.classList.contains("hide-form")) {
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      say(status, t("reason-required"), true);
      form.elements.reason.focus();
      return;
    }
    if (form.elements.everything.checked) {
      hideAuthor({ proposal_id: id, reason }, form, status, done);
      return;
    }
    send(
      { action: "hide", proposal_id: id, hidden: true, reason },
      {
        control,
        status,
        onOk: () => {
          const p = state.proposals.get(id);
          if (p?.hidden) {
            p.hidden_reason = reason;
            renderProposal(p);
          }
          form.reset();
          done();
        },
      },
    );
  } else if (form.classList.contains("edit-form")) {
    const title = form.elements.title.value.trim();
    if (!title) {
      say(status, t("errors.invalid"), true);
      form.elements.title.focus();
      return;
    }
    send(
      { action: "edit", proposal_id: id, title, big: form.elements.big.value, small: form.elements.small.value },
      { control, status, onOk: done },
    );
  }
}

mergeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const mergedId = Number(mergeDuplicate.value);
  const keepId = Number(mergeKeep.value);
  if (!mergedId || !keepId) {
    say(globalStatus, t("merge-choose"), true);
    return;
  }
  if (mergedId === keepId) {
    say(globalStatus, t("merge-same"), true);
    return;
  }
  const merged = state.proposals.get(mergedId);
  const keep = state.proposals.get(keepId);
  if (!merged || !keep || !window.confirm(t("merge-confirm", { merged: merged.title, keep: keep.title }))) {
    return;
  }
  send(
    { action: "merge", keep_id: keepId, merged_id: mergedId },
    {
      control: mergeForm.querySelector('button[type="submit"]'),
      okText: (ack) => (ack.returned > 0 ? t("merged-returned", { count: ack.returned }) : t("merged")),
      onOk: () => {
        mergeDuplicate.value = "";
        mergeKeep.value = "";
      },
    },
  );
});

sortSelect.addEventListener("change", scheduleReorder);

// --- bottlenecks -----------------------------------------------------------------------------

function createBottleneckItem(id) {
  const li = $("bottleneck-template").content.firstElementChild.cloneNode(true);
  li.dataset.id = String(id);
  const status = li.querySelector(".item-status");
  li.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (!button || button.type === "submit") {
      return;
    }
    const b = state.bottlenecks.get(id);
    if (button.dataset.act === "hide" && b) {
      if (b.hidden) {
        send({ action: "hide_bottleneck", bottleneck_id: id, hidden: false, reason: "" }, { control: button, status });
      } else {
        openForm(li, ".hide-form", button);
      }
    } else if (button.dataset.act === "confirm-theme" && b?.suggested_theme_id) {
      setBottleneckTheme(id, b.suggested_theme_id, button, status);
    } else if (button.dataset.act === "cancel") {
      closeForms(li);
      say(status, "");
    }
  });
  li.addEventListener("change", (event) => {
    if (event.target.dataset.act === "select") {
      choose("bottlenecks", id, event.target.checked);
    } else if (event.target.dataset.act === "theme") {
      const value = event.target.value;
      setBottleneckTheme(id, value ? Number(value) : null, event.target, status);
    }
  });
  li.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      say(status, t("reason-required"), true);
      form.elements.reason.focus();
      return;
    }
    if (form.elements.everything.checked) {
      hideAuthor({ bottleneck_id: id, reason }, form, status, () => closeForms(li));
      return;
    }
    send(
      { action: "hide_bottleneck", bottleneck_id: id, hidden: true, reason },
      {
        control: form.querySelector('button[type="submit"]'),
        status,
        onOk: () => {
          form.reset();
          closeForms(li);
        },
      },
    );
  });
  refreshCounts(li);
  bottleneckItems.set(id, li);
  bottleneckList.insertBefore(li, bottleneckList.firstElementChild); // newest on top
  return li;
}

// The ack carries the proposals that followed the new theme (applyResult draws them).
function setBottleneckTheme(id, themeId, control, status) {
  send(
    { action: "bottleneck_theme", bottleneck_id: id, theme_id: themeId },
    {
      control,
      status,
      onError: () => {
        const b = state.bottlenecks.get(id);
        if (b) {
          upsertBottleneck(b);
        }
      },
    },
  );
}

function upsertBottleneck(b) {
  state.bottlenecks.set(b.id, b);
  const li = bottleneckItems.get(b.id) || createBottleneckItem(b.id);
  li.classList.toggle("is-hidden", Boolean(b.hidden));
  li.querySelector(".bottleneck-text").textContent = b.text;
  const meta = [`#${b.id}`];
  const theme = themeName(b.theme_id);
  if (theme) {
    meta.push(theme);
  }
  if (b.hidden) {
    meta.push(t("hidden"));
  }
  li.querySelector(".bottleneck-meta").textContent = meta.join(" · ");
  const select = li.querySelector('select[data-act="theme"]');
  if (document.activeElement !== select) {
    fillThemeSelect(select, b.theme_id);
  }
  const suggested = !b.theme_id && themeName(b.suggested_theme_id);
  li.querySelector(".bottleneck-suggestion").hidden = !suggested;
  if (suggested) {
    li.querySelector(".bottleneck-suggested").textContent = t("theme-suggested", { theme: suggested });
    li.querySelector('[data-act="confirm-theme"]').textContent = t("theme-confirm");
  }
  const hide = li.querySelector('[data-act="hide"]');
  hide.textContent = b.hidden ? t("unhide") : t("hide");
  hide.classList.toggle("button-danger", !b.hidden);
  showChoice("bottlenecks", b.id, li, b.hidden);
  bottlenecksChanged();
}

function bottlenecksChanged() {
  let visible = 0;
  for (const b of state.bottlenecks.values()) {
    if (!b.hidden) {
      visible += 1;
    }
  }
  $("bottleneck-count").textContent = String(visible);
  $("bottleneck-empty").hidden = state.bottlenecks.size > 0;
}

// --- a selection: a flood hidden with one reason -------------------------------------------------

const selection = { proposals: new Set(), bottlenecks: new Set() };
const selectionForm = $("selection-form");
const selectionStatus = $("selection-status");

function choose(kind, id, on) {
  if (on) {
    selection[kind].add(id);
  } else {
    selection[kind].delete(id);
  }
  const li = (kind === "proposals" ? items : bottleneckItems).get(id);
  if (li) {
    li.classList.toggle("is-selected", on);
    li.querySelector('[data-act="select"]').checked = on;
  }
  selectionChanged();
}

// A hidden item cannot be chosen (it is hidden already); one hidden meanwhile leaves the selection.
function showChoice(kind, id, li, hidden) {
  const box = li.querySelector('[data-act="select"]');
  if (hidden && selection[kind].delete(id)) {
    selectionChanged();
  }
  box.disabled = hidden;
  box.checked = selection[kind].has(id);
  li.classList.toggle("is-selected", box.checked);
}

function selectionChanged() {
  const count = selection.proposals.size + selection.bottlenecks.size;
  selectionForm.hidden = count === 0;
  $("selection-count").textContent = t("selected", { count });
}

function clearSelection() {
  for (const kind of ["proposals", "bottlenecks"]) {
    for (const id of Array.from(selection[kind])) {
      choose(kind, id, false);
    }
  }
  say(selectionStatus, "");
}

selectionForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const field = selectionForm.elements.reason;
  const reason = field.value.trim();
  if (!reason) {
    say(selectionStatus, t("reason-required"), true);
    field.focus();
    return;
  }
  send(
    {
      action: "hide_selected",
      proposal_ids: Array.from(selection.proposals),
      bottleneck_ids: Array.from(selection.bottlenecks),
      reason,
    },
    {
      control: selectionForm.querySelector('button[type="submit"]'),
      status: selectionStatus,
      okText: "",
      onOk: (ack) => {
        // The bar goes with the selection; the console's own status line says what happened.
        say(globalStatus, t("hidden-selected", { count: ack.proposals.length + ack.bottlenecks.length }), false, true);
        selectionForm.reset();
        refreshCounts(selectionForm);
        clearSelection();
        scheduleReorder();
      },
    },
  );
});

$("selection-clear").addEventListener("click", clearSelection);

// --- moderation log --------------------------------------------------------------------------

function targetText(action, target) {
  if (action === "timer") {
    const seconds = Number(target);
    return seconds > 0 ? clock(seconds) : t("no-timer");
  }
  if (!target) {
    return "";
  }
  const merge = /^proposal:(\d+)->(\d+)$/.exec(target);
  if (merge) {
    return `#${merge[1]} → #${merge[2]}`;
  }
  const item = /^(proposal|bottleneck):(\d+)$/.exec(target);
  if (item) {
    const known = (item[1] === "proposal" ? state.proposals : state.bottlenecks).get(Number(item[2]));
    const label = known ? known.title || known.text || "" : "";
    return `#${item[2]}${label ? ` ${label.length > 40 ? `${label.slice(0, 39)}…` : label}` : ""}`;
  }
  return hasWord(`phases.${target}.name`) ? t(`phases.${target}.name`) : target;
}

function logRow(entry) {
  const row = document.createElement("tr");
  const at = new Date(entry.at);
  const cells = [
    Number.isNaN(at.getTime())
      ? ""
      : at.toLocaleTimeString(document.documentElement.lang || "nl", {
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
        }),
    logAction(entry.action),
    targetText(entry.action, entry.target),
  ];
  for (const text of cells) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  if (entry.reason) {
    // Under what it is about: a fourth column would leave each too narrow for whole words.
    const reason = document.createElement("span");
    reason.className = "log-reason";
    reason.textContent = t("log-reason", { reason: entry.reason });
    row.lastElementChild.append(reason);
  }
  return row;
}

function logAction(action) {
  return hasWord(`log.${action}`) ? t(`log.${action}`) : action;
}

function addLogEntry(entry) {
  logBody.insertBefore(logRow(entry), logBody.firstElementChild);
  while (logBody.children.length > LOG_LIMIT) {
    logBody.lastElementChild.remove();
  }
}

function refreshLog() {
  live.request("control", { action: "log" }).then(
    (ack) => {
      if (ack?.ok) {
        logBody.textContent = "";
        for (const entry of ack.log.slice(0, LOG_LIMIT)) {
          logBody.append(logRow(entry));
        }
      }
    },
    () => {}, // the log drawn by the server stays
  );
}

// --- snapshot and connection -------------------------------------------------------------------

// Items that stay keep their node (an open form, a focused field); the rest goes.
function applySnapshot(snapshot) {
  state.themes = snapshot.themes || [];
  // Beside the phones on the board: how many of the session checked in at the desk.
  const checkedIn = $("checked-in");
  checkedIn.hidden = typeof snapshot.checked_in !== "number";
  if (!checkedIn.hidden) {
    checkedIn.textContent = t("checked-in", { n: snapshot.checked_in });
  }
  const proposals = (snapshot.proposals || []).filter((p) => !p.merged_into_id);
  const kept = new Set(proposals.map((p) => p.id));
  for (const id of Array.from(state.proposals.keys())) {
    if (!kept.has(id)) {
      removeProposal(id);
    }
  }
  for (const p of proposals) {
    upsertProposal(p);
  }
  const bottlenecks = snapshot.bottlenecks || [];
  const still = new Set(bottlenecks.map((b) => b.id));
  for (const [id, li] of bottleneckItems) {
    if (!still.has(id)) {
      li.remove();
      bottleneckItems.delete(id);
      state.bottlenecks.delete(id);
      selection.bottlenecks.delete(id);
    }
  }
  for (const b of bottlenecks) {
    upsertBottleneck(b);
  }
  bottlenecksChanged();
  selectionChanged();
  applyBoard(snapshot.board);
  setParticipants(snapshot.participants || 0);
  proposalsChanged();
}

const connection = $("connection");
const live = connectLive({
  code: root.dataset.code,
  as: "console",
  ackTimeout: ACK_TIMEOUT,
  snapshot: applySnapshot,
  joined: refreshLog,
  status(status, ack) {
    connection.dataset.state = status === "refused" ? "lost" : status;
    connection.textContent = status === "refused" ? errorText(ack) : t(`connection.${status}`);
  },
  events: {
    board: applyBoard,
    proposal: upsertProposal,
    bottleneck: upsertBottleneck,
    merged: applyMerged,
    tally: applyTally,
    participants: (event) => setParticipants(event.count),
    moderation: addLogEntry,
    // The account logged out, got a new password or role, or was deactivated: the server refuses
    // every control from now on (and closes this connection); the screen says why.
    signed_out: () => {
      connection.dataset.state = "lost";
      connection.textContent = t("errors.forbidden");
      say(globalStatus, t("errors.forbidden"), true);
    },
  },
});

// --- the controls at the top -----------------------------------------------------------------

for (const button of document.querySelectorAll(".phase-button")) {
  button.addEventListener("click", () => {
    send({ action: "phase", phase: button.dataset.phase }, { control: button });
  });
}

$("timer-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("timer-minutes");
  const minutes = Number(input.value);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 180) {
    say(globalStatus, t("timer-minutes"), true);
    input.focus();
    return;
  }
  send({ action: "timer", seconds: minutes * 60 }, { control: $("timer-start") });
});

$("timer-stop").addEventListener("click", (event) => {
  send({ action: "timer", seconds: null }, { control: event.currentTarget });
});

$("lock-toggle").addEventListener("click", (event) => {
  send({ action: "lock", locked: state.board ? !state.board.locked : true }, { control: event.currentTarget });
});

$("joining-toggle").addEventListener("click", (event) => {
  send(
    { action: "joining", closed: state.board ? !state.board.joining_closed : true },
    { control: event.currentTarget },
  );
});

$("load-starters").addEventListener("click", (event) => {
  send(
    { action: "starters" },
    {
      control: event.currentTarget,
      okText: "",
      onOk: (ack) => {
        for (const b of ack.bottlenecks) {
          upsertBottleneck(b);
        }
        const added = ack.bottlenecks.length;
        say(globalStatus, added ? t("starters-loaded", { count: added }) : t("starters-there"), false, true);
      },
    },
  );
});

window.setInterval(tick, 250);
