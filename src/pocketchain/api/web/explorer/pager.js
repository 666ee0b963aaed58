// A list shown one page at a time, with buttons to step through it.

import { errorBox, html } from "../format.js";

// Fills `container` with the list and its buttons. `load(cursor)` fetches one page (cursor null:
// the first) and returns {body: markup, next: the following page's cursor or null, and
// optionally note: where this page is, by default its number}.
// The "back" button returns to pages already seen; `shown(body)` runs after each page is drawn.
// Returns {ready: the first page drawn, refresh(): draw the current page again}.
export function paged(container, label, load, { back = "Newer", next = "Older", shown } = {}) {
  container.innerHTML = html`
    <div class="page-body"></div>
    <nav class="pager" aria-label="${label}">
      <button type="button" class="secondary" data-step="back">${back}</button>
      <span class="muted" aria-live="polite"></span>
      <button type="button" class="secondary" data-step="next">${next}</button>
    </nav>
    <div class="page-error"></div>`.markup;
  const [body, nav, error] = container.children;
  const [backButton, note, nextButton] = nav.children;
  const seen = []; // cursors of the pages before this one
  let cursor = null;
  let following = null;

  const show = async (at) => {
    const page = await load(at);
    cursor = at;
    following = page.next;
    body.innerHTML = page.body.markup;
    note.textContent = page.note ?? `page ${seen.length + 1}`;
    backButton.disabled = seen.length === 0;
    nextButton.disabled = following === null;
    nav.hidden = seen.length === 0 && following === null;
    error.innerHTML = "";
    if (shown) shown(body);
  };
  const step = async (at, undo) => {
    backButton.disabled = nextButton.disabled = true;
    try {
      await show(at);
    } catch (failure) {
      undo();
      backButton.disabled = seen.length === 0;
      nextButton.disabled = following === null;
      error.innerHTML = errorBox(failure).markup;
    }
  };
  backButton.addEventListener("click", () => {
    const here = cursor;
    step(seen.pop(), () => seen.push(here));
  });
  nextButton.addEventListener("click", () => {
    seen.push(cursor);
    step(following, () => seen.pop());
  });
  return { ready: show(null), refresh: () => show(cursor) };
}
