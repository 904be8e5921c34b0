// The check-in desk (organiser/check_in.html): the search field is ready for the next name when the
// page opens and after each check-in, and the list follows what is typed. Without this script the
// "Zoeken" button does the same with a page load.
const form = document.getElementById("check-in-search");
const field = form?.querySelector("input[type=search]");
const results = document.getElementById("check-in-results");
// Long enough to skip the pages between two keystrokes of a fast typist, short enough to feel live.
const TYPING_PAUSE_MS = 150;

if (form && field && results) {
  // Back from a check-in (its redirect ends in #r-<id>): the list still shows who was just checked
  // in, with the undo button; the field is emptied for the next person.
  if (window.location.hash.startsWith("#r-")) {
    field.value = "";
    // Scrolling to the row when the page has loaded takes the focus away again: give it back then.
    window.addEventListener("load", () => setTimeout(() => field.focus()), { once: true });
  }
  field.focus();

  let timer = 0;
  let inFlight = null;

  async function showResults() {
    inFlight?.abort();
    inFlight = new AbortController();
    const url = new URL(form.action, window.location.href);
    const query = field.value.trim();
    if (query) {
      url.searchParams.set("q", query);
    }
    let page;
    try {
      const response = await fetch(url, { signal: inFlight.signal, headers: { Accept: "text/html" } });
      // Logged out, or the server is away: the list stays and the button still works.
      if (!response.ok || response.redirected) {
        return;
      }
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      // Aborted by the next keystroke, or the network dropped: the next keystroke tries again.
      return;
    }
    // The server's own rendering of the list (names escaped there), never text put in as HTML here.
    const fresh = page.getElementById("check-in-results");
    if (fresh) {
      results.replaceChildren(...fresh.childNodes);
      window.history.replaceState(null, "", url);
    }
  }

  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(showResults, TYPING_PAUSE_MS);
  });
}
