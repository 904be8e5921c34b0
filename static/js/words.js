// The words of the page, in its language: the catalogue that sessie_app/words.py puts in the
// body's data-words attribute. t("dotted.key", {name: value}) fills in {name}; an entry with
// plural forms ({one, other}) takes the form for vars.count by the page language's rules.

function lookUp(words, key) {
  let entry = words;
  for (const part of key.split(".")) {
    entry = entry !== null && typeof entry === "object" ? entry[part] : undefined;
  }
  return entry;
}

/** A lookup function over one catalogue; `lang` chooses the plural rules. */
export function catalogue(words, lang) {
  const plural = new Intl.PluralRules(lang);
  const t = (key, vars = {}) => {
    let entry = lookUp(words, key);
    if (entry !== null && typeof entry === "object") {
      entry = entry[plural.select(Number(vars.count))] ?? entry.other;
    }
    if (typeof entry !== "string") {
      return key; // a missing word shows its key, which a test or a reader notices
    }
    return entry.replace(/\{(\w+)\}/g, (match, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : match));
  };
  t.has = (key) => lookUp(words, key) !== undefined;
  return t;
}

let pageWords = null;

function page() {
  if (pageWords === null) {
    let words = {};
    try {
      words = JSON.parse(document.body.dataset.words || "{}");
    } catch {
      // A broken catalogue shows keys instead of words; the page keeps working.
    }
    pageWords = catalogue(words, document.documentElement.lang || "nl");
  }
  return pageWords;
}

/** A word of this page's catalogue. */
export function t(key, vars) {
  return page()(key, vars);
}

/** Whether this page's catalogue has a word for `key` (e.g. a log action it may not know). */
export function hasWord(key) {
  return page().has(key);
}
