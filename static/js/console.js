// The facilitator's console of one live board, over Socket.IO (docs/realtime.md).
// Joins as "console", draws the snapshot, applies the room's events, and sends `control`
// actions. Every action shows as pending until its acknowledgement; a refusal is shown in the
// page's language. After a reconnect it joins again and replaces its state with a fresh
// snapshot. All texts come from the page (data-messages); user text is set with textContent.
(() => {
  var root = document.getElementById("console");
  if (!root || typeof window.io !== "function") {
    return;
  }
  var M = JSON.parse(root.dataset.messages);
  var code = root.dataset.code;
  var ACK_TIMEOUT = 10000;
  var LOG_LIMIT = 200;

  var state = { board: null, themes: [], proposals: new Map(), bottlenecks: new Map(), seq: 0 };
  var timerEnd = null;
  var pendingReorder = false;

  var $ = (id) => document.getElementById(id);
  var connection = $("connection");
  var globalStatus = $("console-status");
  var proposalList = $("proposal-list");
  var bottleneckList = $("bottleneck-list");
  var proposalTemplate = $("proposal-template");
  var bottleneckTemplate = $("bottleneck-template");
  var sortSelect = $("proposal-sort");
  var mergeForm = $("merge-form");
  var mergeDuplicate = $("merge-duplicate");
  var mergeKeep = $("merge-keep");
  var logBody = $("log-body");
  var items = new Map(); // proposal id -> <li>
  var bottleneckItems = new Map();

  // --- small helpers ---------------------------------------------------------------------------

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, (match, name) =>
      Object.hasOwn(values, name) ? String(values[name]) : match,
    );
  }

  function plural(forms, count) {
    return count === 1 ? forms.one : forms.other;
  }

  function errorText(ack) {
    if (ack && typeof ack.message === "string" && ack.message) {
      return ack.message;
    }
    var key = ack?.error;
    return (key && M.errors[key]) || M.errors.other;
  }

  // A confirmation fades after a few seconds; an error stays until the next action.
  function say(element, text, isError, fleeting) {
    if (!element) {
      return;
    }
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
  function send(payload, options) {
    options = options || {};
    var status = options.status || globalStatus;
    setPending(options.control, true);
    say(status, M.pending, false);
    socket.timeout(ACK_TIMEOUT).emit("control", payload, (err, ack) => {
      setPending(options.control, false);
      if (err) {
        say(status, M.errors.timeout, true);
        return;
      }
      if (!ack?.ok) {
        say(status, errorText(ack), true);
        if (options.onError) {
          options.onError(ack || {});
        }
        return;
      }
      applyResult(ack);
      say(status, options.okText === undefined ? M.saved : options.okText, false, true);
      if (options.onOk) {
        options.onOk(ack);
      }
    });
  }

  // An acknowledgement may carry the changed thing; apply it at once (the room's event follows).
  function applyResult(ack) {
    if (ack.board && typeof ack.board === "object" && ack.board.phase) {
      applyBoard(ack.board);
    }
    if (ack.proposal && typeof ack.proposal === "object") {
      upsertProposal(ack.proposal);
    }
    if (ack.bottleneck && typeof ack.bottleneck === "object") {
      upsertBottleneck(ack.bottleneck);
    }
    if (ack.kept && typeof ack.kept === "object") {
      applyMerged({ kept: ack.kept, merged_id: ack.merged_id });
    }
  }

  // --- board: phase, timer, lock, participants ----------------------------------------------------

  function applyBoard(board) {
    state.board = board;
    document.querySelectorAll(".phase-button").forEach((button) => {
      button.setAttribute("aria-pressed", button.dataset.phase === board.phase ? "true" : "false");
    });
    var texts = M.phaseTexts[board.phase];
    say($("phase-instruction"), texts ? texts.instruction : "");
    var lock = $("lock-toggle");
    lock.textContent = board.locked ? M.unlock : M.lock;
    say($("lock-state"), board.locked ? M.lockedState : M.openState);
    root.classList.toggle("is-locked", Boolean(board.locked));
    timerEnd = typeof board.timer_remaining === "number" ? Date.now() + board.timer_remaining * 1000 : null;
    tick();
    scheduleReorder();
  }

  function tick() {
    var display = $("timer-display");
    if (timerEnd === null) {
      display.textContent = M.noTimer;
      display.classList.remove("is-done", "is-running");
      display.classList.add("is-idle");
      return;
    }
    display.classList.remove("is-idle");
    var left = Math.max(0, Math.round((timerEnd - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    display.textContent = `${minutes}:${seconds < 10 ? "0" : ""}${seconds}`;
    display.classList.toggle("is-done", left === 0);
    display.classList.toggle("is-running", left > 0);
  }
  window.setInterval(tick, 250);

  function setParticipants(count) {
    $("participant-count").textContent = String(count);
  }

  // --- proposals -------------------------------------------------------------------------------

  function themeName(id) {
    for (var i = 0; i < state.themes.length; i += 1) {
      if (state.themes[i].id === id) {
        return state.themes[i].name;
      }
    }
    return "";
  }

  function fillThemeSelect(select, value) {
    select.textContent = "";
    var none = document.createElement("option");
    none.value = "";
    none.textContent = M.noTheme;
    select.appendChild(none);
    state.themes.forEach((theme) => {
      var option = document.createElement("option");
      option.value = String(theme.id);
      option.textContent = theme.name;
      select.appendChild(option);
    });
    select.value = value === null || value === undefined ? "" : String(value);
  }

  function badge(text, kind) {
    var span = document.createElement("span");
    span.className = `tag tag-${kind}`;
    span.textContent = text;
    return span;
  }

  function createProposalItem(id) {
    var li = proposalTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.id = String(id);
    li.addEventListener("click", onProposalClick);
    li.addEventListener("change", onProposalChange);
    li.addEventListener("submit", onProposalSubmit);
    items.set(id, li);
    return li;
  }

  function renderProposal(p) {
    var li = items.get(p.id) || createProposalItem(p.id);
    li.classList.toggle("is-hidden", Boolean(p.hidden));
    li.classList.toggle("is-pinned", Boolean(p.pinned));
    li.classList.toggle("is-promising", Boolean(p.promising));
    li.querySelector(".proposal-count").textContent = String(p.count || 0);
    li.querySelector(".proposal-votes-label").textContent = plural(M.votes, p.count || 0);
    li.querySelector(".proposal-title").textContent = p.title;
    var big = li.querySelector(".proposal-big");
    big.hidden = !p.big;
    li.querySelector(".proposal-big-text").textContent = p.big || "";
    var small = li.querySelector(".proposal-small");
    small.hidden = !p.small;
    li.querySelector(".proposal-small-text").textContent = p.small || "";
    var meta = [`#${p.id}`, p.author || M.anonymous];
    if (p.actor_label) {
      meta.push(p.actor_label);
    }
    li.querySelector(".proposal-meta").textContent = meta.join(" · ");
    // The reason is in the moderation log; a proposal event carries it only if the server adds it.
    var reason = li.querySelector(".proposal-reason");
    reason.hidden = !(p.hidden && p.hidden_reason);
    reason.textContent = p.hidden && p.hidden_reason ? format(M.hiddenBecause, { reason: p.hidden_reason }) : "";
    var badges = li.querySelector(".proposal-badges");
    badges.textContent = "";
    if (p.hidden) {
      badges.appendChild(badge(M.hiddenBadge, "hidden"));
    }
    if (p.pinned) {
      badges.appendChild(badge(M.pinnedBadge, "pinned"));
    }
    if (p.promising) {
      badges.appendChild(badge(M.promisingBadge, "promising"));
    }

    // Toggle buttons: the label stays, aria-pressed (and its style) carries the state.
    var pin = li.querySelector('[data-act="pinned"]');
    pin.textContent = M.pin;
    pin.setAttribute("aria-pressed", p.pinned ? "true" : "false");
    var promising = li.querySelector('[data-act="promising"]');
    promising.textContent = M.promising;
    promising.setAttribute("aria-pressed", p.promising ? "true" : "false");
    var hide = li.querySelector('[data-act="hide"]');
    hide.textContent = p.hidden ? M.unhide : M.hide;
    hide.classList.toggle("button-danger", !p.hidden);
    var select = li.querySelector('select[data-act="theme"]');
    if (document.activeElement !== select) {
      fillThemeSelect(select, p.theme_id);
    }
    return li;
  }

  function upsertProposal(p) {
    if (p.merged_into_id) {
      removeProposal(p.id);
      return;
    }
    var known = state.proposals.get(p.id);
    // A tally newer than the event may already have set the count; keep the higher news.
    state.proposals.set(p.id, Object.assign({}, known || {}, p));
    renderProposal(state.proposals.get(p.id));
    proposalsChanged();
  }

  function removeProposal(id) {
    state.proposals.delete(id);
    var li = items.get(id);
    if (li) {
      li.remove();
      items.delete(id);
    }
    proposalsChanged();
  }

  function applyMerged(event) {
    if (event.merged_id !== undefined) {
      removeProposal(Number(event.merged_id));
    }
    if (event.kept) {
      upsertProposal(event.kept);
    }
  }

  function applyTally(event) {
    if (typeof event.seq !== "number" || event.seq < state.seq) {
      return;
    }
    state.seq = event.seq;
    Object.keys(event.counts || {}).forEach((key) => {
      var p = state.proposals.get(Number(key));
      if (p) {
        p.count = event.counts[key];
        var li = items.get(p.id);
        if (li) {
          li.querySelector(".proposal-count").textContent = String(p.count);
          li.querySelector(".proposal-votes-label").textContent = plural(M.votes, p.count);
        }
      }
    });
    scheduleReorder();
  }

  function sortMode() {
    var mode = sortSelect.value;
    if (mode === "auto") {
      var phase = state.board?.phase;
      mode = phase === "stemmen" || phase === "oogsten" ? "votes" : "newest";
    }
    return mode;
  }

  function ordered() {
    var list = Array.from(state.proposals.values());
    var mode = sortMode();
    list.sort((a, b) => {
      if (mode === "votes" && (b.count || 0) !== (a.count || 0)) {
        return (b.count || 0) - (a.count || 0);
      }
      return mode === "oldest" || mode === "votes" ? a.id - b.id : b.id - a.id;
    });
    return list;
  }

  // Reordering moves nodes; never under the facilitator's cursor or keyboard focus.
  function reorder() {
    if (proposalList.contains(document.activeElement) || proposalList.querySelector("form:not([hidden])")) {
      pendingReorder = true;
      return;
    }
    pendingReorder = false;
    var previous = null;
    ordered().forEach((p) => {
      var li = items.get(p.id);
      var expected = previous ? previous.nextElementSibling : proposalList.firstElementChild;
      if (li !== expected) {
        proposalList.insertBefore(li, expected);
      }
      previous = li;
    });
  }

  var reorderQueued = false;
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
    var visible = 0;
    state.proposals.forEach((p) => {
      if (!p.hidden) {
        visible += 1;
      }
    });
    $("proposal-count").textContent = String(visible);
    $("proposal-empty").hidden = state.proposals.size > 0;
    scheduleReorder();
    scheduleMergeOptions();
  }

  var mergeQueued = false;
  function scheduleMergeOptions() {
    if (mergeQueued) {
      return;
    }
    mergeQueued = true;
    window.requestAnimationFrame(() => {
      mergeQueued = false;
      [mergeDuplicate, mergeKeep].forEach((select) => {
        var value = select.value;
        while (select.options.length > 1) {
          select.remove(1);
        }
        Array.from(state.proposals.values())
          .sort((a, b) => a.id - b.id)
          .forEach((p) => {
            var option = document.createElement("option");
            option.value = String(p.id);
            var title = p.title.length > 70 ? `${p.title.slice(0, 69)}…` : p.title;
            option.textContent = `#${p.id} ${title} (${p.count || 0})`;
            select.appendChild(option);
          });
        select.value = state.proposals.has(Number(value)) ? value : "";
      });
    });
  }

  function closeForms(li) {
    li.querySelectorAll("form").forEach((form) => {
      form.hidden = true;
    });
    li.querySelectorAll("[aria-expanded]").forEach((button) => {
      button.setAttribute("aria-expanded", "false");
    });
  }

  function openForm(li, selector, button) {
    var form = li.querySelector(selector);
    var open = form.hidden;
    closeForms(li);
    form.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = form.querySelector("input, textarea");
      if (first) {
        first.focus();
      }
    }
    return form;
  }

  function onProposalClick(event) {
    var button = event.target.closest("button[data-act]");
    if (!button || button.type === "submit") {
      return;
    }
    var li = event.currentTarget;
    var id = Number(li.dataset.id);
    var p = state.proposals.get(id);
    var status = li.querySelector(".item-status");
    if (!p) {
      return;
    }
    switch (button.dataset.act) {
      case "pinned":
      case "promising":
        send(
          { action: "flag", proposal_id: id, flag: button.dataset.act, value: !p[button.dataset.act] },
          { control: button, status: status },
        );
        break;
      case "hide":
        if (p.hidden) {
          send({ action: "hide", proposal_id: id, hidden: false, reason: "" }, { control: button, status: status });
        } else {
          openForm(li, ".hide-form", button);
        }
        break;
      case "edit":
        var form = li.querySelector(".edit-form");
        form.elements.title.value = p.title;
        form.elements.big.value = p.big || "";
        form.elements.small.value = p.small || "";
        openForm(li, ".edit-form", button);
        break;
      case "merge":
        $("merge-box").open = true;
        mergeDuplicate.value = String(id);
        mergeForm.scrollIntoView({ block: "nearest" });
        mergeKeep.focus();
        break;
      case "cancel":
        closeForms(li);
        say(status, "");
        if (pendingReorder) {
          scheduleReorder();
        }
        break;
    }
  }

  function onProposalChange(event) {
    var select = event.target;
    if (select.dataset.act !== "theme") {
      return;
    }
    var li = event.currentTarget;
    var id = Number(li.dataset.id);
    var value = select.value ? Number(select.value) : null;
    send(
      { action: "theme", proposal_id: id, theme_id: value },
      {
        control: select,
        status: li.querySelector(".item-status"),
        onError: () => {
          var p = state.proposals.get(id);
          fillThemeSelect(select, p ? p.theme_id : null);
        },
      },
    );
  }

  function onProposalSubmit(event) {
    event.preventDefault();
    var form = event.target;
    var li = event.currentTarget;
    var id = Number(li.dataset.id);
    var status = li.querySelector(".item-status");
    var submit = form.querySelector('button[type="submit"]');
    var done = () => {
      closeForms(li);
      scheduleReorder();
    };
    if (form.classList.contains("hide-form")) {
      var reason = form.elements.reason.value.trim();
      if (!reason) {
        say(status, M.reasonRequired, true);
        form.elements.reason.focus();
        return;
      }
      send(
        { action: "hide", proposal_id: id, hidden: true, reason: reason },
        {
          control: submit,
          status: status,
          onOk: () => {
            var p = state.proposals.get(id);
            if (p?.hidden && !p.hidden_reason) {
              p.hidden_reason = reason;
              renderProposal(p);
            }
            form.reset();
            done();
          },
        },
      );
    } else if (form.classList.contains("edit-form")) {
      var title = form.elements.title.value.trim();
      if (!title) {
        say(status, M.errors.invalid, true);
        form.elements.title.focus();
        return;
      }
      send(
        {
          action: "edit",
          proposal_id: id,
          title: title,
          big: form.elements.big.value,
          small: form.elements.small.value,
        },
        {
          control: submit,
          status: status,
          onOk: done,
        },
      );
    }
  }

  mergeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    var mergedId = Number(mergeDuplicate.value);
    var keepId = Number(mergeKeep.value);
    var status = globalStatus;
    if (!mergedId || !keepId) {
      say(status, M.mergeChoose, true);
      return;
    }
    if (mergedId === keepId) {
      say(status, M.mergeSame, true);
      return;
    }
    var merged = state.proposals.get(mergedId);
    var keep = state.proposals.get(keepId);
    if (!merged || !keep || !window.confirm(format(M.mergeConfirm, { merged: merged.title, keep: keep.title }))) {
      return;
    }
    send(
      { action: "merge", keep_id: keepId, merged_id: mergedId },
      {
        control: mergeForm.querySelector('button[type="submit"]'),
        okText: M.merged,
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
    var li = bottleneckTemplate.content.firstElementChild.cloneNode(true);
    li.dataset.id = String(id);
    li.addEventListener("click", (event) => {
      var button = event.target.closest("button[data-act]");
      if (!button || button.type === "submit") {
        return;
      }
      var b = state.bottlenecks.get(id);
      var status = li.querySelector(".item-status");
      if (button.dataset.act === "hide" && b) {
        if (b.hidden) {
          send(
            { action: "hide_bottleneck", bottleneck_id: id, hidden: false, reason: "" },
            { control: button, status: status },
          );
        } else {
          openForm(li, ".hide-form", button);
        }
      } else if (button.dataset.act === "cancel") {
        closeForms(li);
        say(status, "");
      }
    });
    li.addEventListener("submit", (event) => {
      event.preventDefault();
      var form = event.target;
      var status = li.querySelector(".item-status");
      var reason = form.elements.reason.value.trim();
      if (!reason) {
        say(status, M.reasonRequired, true);
        form.elements.reason.focus();
        return;
      }
      send(
        { action: "hide_bottleneck", bottleneck_id: id, hidden: true, reason: reason },
        {
          control: form.querySelector('button[type="submit"]'),
          status: status,
          onOk: () => {
            form.reset();
            closeForms(li);
          },
        },
      );
    });
    bottleneckItems.set(id, li);
    bottleneckList.insertBefore(li, bottleneckList.firstElementChild); // newest on top
    return li;
  }

  function upsertBottleneck(b) {
    state.bottlenecks.set(b.id, b);
    var li = bottleneckItems.get(b.id) || createBottleneckItem(b.id);
    li.classList.toggle("is-hidden", Boolean(b.hidden));
    li.querySelector(".bottleneck-text").textContent = b.text;
    var meta = [`#${b.id}`];
    var theme = themeName(b.theme_id);
    if (theme) {
      meta.push(theme);
    }
    if (b.hidden) {
      meta.push(M.hiddenBadge);
    }
    li.querySelector(".bottleneck-meta").textContent = meta.join(" · ");
    var hide = li.querySelector('[data-act="hide"]');
    hide.textContent = b.hidden ? M.unhide : M.hide;
    hide.classList.toggle("button-danger", !b.hidden);
    var visible = 0;
    state.bottlenecks.forEach((item) => {
      if (!item.hidden) {
        visible += 1;
      }
    });
    $("bottleneck-count").textContent = String(visible);
    $("bottleneck-empty").hidden = state.bottlenecks.size > 0;
  }

  // --- moderation log --------------------------------------------------------------------------

  function targetText(target) {
    if (!target) {
      return "";
    }
    var merge = /^proposal:(\d+)->(\d+)$/.exec(target);
    if (merge) {
      return `#${merge[1]} → #${merge[2]}`;
    }
    var item = /^(proposal|bottleneck):(\d+)$/.exec(target);
    if (item) {
      var p = item[1] === "proposal" ? state.proposals.get(Number(item[2])) : state.bottlenecks.get(Number(item[2]));
      var label = p ? p.title || p.text || "" : "";
      return `#${item[2]}${label ? ` ${label.length > 40 ? `${label.slice(0, 39)}…` : label}` : ""}`;
    }
    return M.phases[target] || target;
  }

  function logRow(entry) {
    var row = document.createElement("tr");
    var at = new Date(entry.at);
    var cells = [
      Number.isNaN(at)
        ? ""
        : at.toLocaleTimeString(document.documentElement.lang || "nl", {
            hour: "2-digit",
            minute: "2-digit",
            second: "2-digit",
          }),
      M.logActions[entry.action] || entry.action,
      targetText(entry.target),
      entry.reason || "",
    ];
    cells.forEach((text) => {
      var cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }

  function addLogEntry(entry) {
    logBody.insertBefore(logRow(entry), logBody.firstElementChild);
    while (logBody.children.length > LOG_LIMIT) {
      logBody.removeChild(logBody.lastElementChild);
    }
  }

  function replaceLog(entries) {
    logBody.textContent = "";
    entries.slice(0, LOG_LIMIT).forEach((entry) => {
      logBody.appendChild(logRow(entry));
    });
  }

  function refreshLog() {
    socket.timeout(ACK_TIMEOUT).emit("control", { action: "log" }, (err, ack) => {
      if (err || !ack || !ack.ok) {
        return; // the server-rendered log stays
      }
      var entries = ack.log || ack.entries || ack.items;
      if (Array.isArray(entries)) {
        replaceLog(entries);
      }
    });
  }

  // --- snapshot and connection -------------------------------------------------------------------

  function applySnapshot(snapshot) {
    state.themes = snapshot.themes || [];
    state.seq = snapshot.seq || 0;
    state.proposals = new Map();
    state.bottlenecks = new Map();
    items.forEach((li) => {
      li.remove();
    });
    items.clear();
    bottleneckItems.forEach((li) => {
      li.remove();
    });
    bottleneckItems.clear();
    (snapshot.bottlenecks || []).forEach(upsertBottleneck);
    $("bottleneck-empty").hidden = state.bottlenecks.size > 0;
    $("bottleneck-count").textContent = String((snapshot.bottlenecks || []).filter((b) => !b.hidden).length);
    (snapshot.proposals || []).forEach((p) => {
      if (!p.merged_into_id) {
        state.proposals.set(p.id, p);
        renderProposal(p);
      }
    });
    applyBoard(snapshot.board);
    setParticipants(snapshot.participants || 0);
    proposalsChanged();
    reorder();
  }

  function setConnection(kind, text) {
    connection.dataset.state = kind;
    connection.textContent = text;
  }

  var socket = window.io({ reconnectionDelayMax: 5000 });

  socket.on("connect", () => {
    setConnection("connecting", M.connecting);
    socket.timeout(ACK_TIMEOUT).emit("join", { code: code, as: "console" }, (err, ack) => {
      if (err) {
        setConnection("lost", M.errors.timeout);
        return;
      }
      if (!ack?.ok) {
        setConnection("lost", errorText(ack));
        return;
      }
      applySnapshot(ack.snapshot);
      setConnection("ok", M.connected);
      refreshLog();
    });
  });
  socket.on("disconnect", () => {
    setConnection("lost", M.disconnected);
  });
  socket.on("connect_error", () => {
    setConnection("lost", M.disconnected);
  });

  socket.on("board", applyBoard);
  socket.on("proposal", upsertProposal);
  socket.on("bottleneck", upsertBottleneck);
  socket.on("merged", applyMerged);
  socket.on("tally", applyTally);
  socket.on("participants", (event) => {
    setParticipants(event.count);
  });
  socket.on("moderation", addLogEntry);

  // --- the controls at the top -----------------------------------------------------------------

  document.querySelectorAll(".phase-button").forEach((button) => {
    button.addEventListener("click", () => {
      send({ action: "phase", phase: button.dataset.phase }, { control: button });
    });
  });

  $("timer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    var input = $("timer-minutes");
    var minutes = Number(input.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 180) {
      say(globalStatus, M.timerMinutes, true);
      input.focus();
      return;
    }
    send({ action: "timer", seconds: minutes * 60 }, { control: $("timer-start") });
  });

  $("timer-stop").addEventListener("click", (event) => {
    send({ action: "timer", seconds: null }, { control: event.currentTarget });
  });

  $("lock-toggle").addEventListener("click", (event) => {
    var locked = state.board ? !state.board.locked : true;
    send({ action: "lock", locked: locked }, { control: event.currentTarget });
  });

  $("load-starters").addEventListener("click", (event) => {
    send(
      { action: "starters" },
      {
        control: event.currentTarget,
        okText: "",
        onOk: (ack) => {
          var added = Array.isArray(ack.bottlenecks) ? ack.bottlenecks : [];
          added.forEach((b) => {
            if (b?.id) {
              upsertBottleneck(b);
            }
          });
          say(
            globalStatus,
            added.length ? format(M.startersLoaded, { num: added.length }) : M.startersThere,
            false,
            true,
          );
        },
      },
    );
  });
})();
