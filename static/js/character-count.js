// The character count under every field with a limit (templates/_macros.html), after GOV.UK's:
// with scripts running the hard maxlength goes, so pasted text is kept whole and the person
// reads how many characters are left, or how many are too many. Screen readers hear it when the
// typing pauses. The server still refuses over-long text, naming the limit.
import { t } from "./words.js";

const PAUSE = 1000;

/** Characters as the server counts them (code points of the NFC text), so both agree on the limit. */
export function length(text) {
  return Array.from(String(text).normalize("NFC")).length;
}

/** The message for `text` under `limit`: its catalogue key and the count to put in it. */
export function countMessage(text, limit) {
  const left = limit - length(text);
  return left >= 0 ? { key: "count.left", count: left } : { key: "count.over", count: -left };
}

/** How many characters `field` holds beyond its limit (0 when it fits or has no limit). */
export function excess(field) {
  const limit = Number(field.dataset.limit);
  return limit > 0 ? Math.max(0, length(field.value) - limit) : 0;
}

const counters = new WeakMap();
let numbered = 0;

function enhance(field) {
  if (counters.has(field)) {
    return counters.get(field);
  }
  const box = field.closest(".char-count");
  const hint = box?.querySelector(".char-count-hint");
  if (!hint) {
    return null;
  }
  field.removeAttribute("maxlength");
  // The hint ("at most N characters") stays the field's description, for screen readers only.
  if (!hint.id) {
    numbered += 1;
    hint.id = `char-count-${numbered}`;
  }
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(hint.id)) {
    field.setAttribute("aria-describedby", described.concat(hint.id).join(" "));
  }
  hint.classList.add("visually-hidden");
  const shown = document.createElement("p");
  shown.className = "char-count-status";
  shown.setAttribute("aria-hidden", "true");
  const spoken = document.createElement("p");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  hint.after(shown, spoken);
  const counter = { shown, spoken, timer: 0 };
  counters.set(field, counter);
  return counter;
}

function update(field, speak) {
  const counter = enhance(field);
  if (!counter) {
    return;
  }
  const { key, count } = countMessage(field.value, Number(field.dataset.limit));
  const text = t(key, { count });
  counter.shown.textContent = text;
  counter.shown.classList.toggle("is-over", key === "count.over");
  field.classList.toggle("is-over", key === "count.over");
  window.clearTimeout(counter.timer);
  if (speak) {
    counter.timer = window.setTimeout(() => {
      counter.spoken.textContent = text;
    }, PAUSE);
  }
}

/** Count every limited field inside `root` again, e.g. after a script filled or reset a form. */
export function refreshCounts(root = document) {
  for (const field of root.querySelectorAll("[data-limit]")) {
    update(field, false);
  }
}

// In a page, not in the unit tests, which import the counting above.
if (typeof document !== "undefined") {
  document.addEventListener("input", (event) => {
    if (event.target instanceof Element && event.target.matches("[data-limit]")) {
      update(event.target, true);
    }
  });
  // A form being reset still holds its old values when the event arrives.
  document.addEventListener("reset", (event) => {
    window.setTimeout(() => refreshCounts(event.target), 0);
  });
  refreshCounts();
}
