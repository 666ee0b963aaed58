// The page shell: a hash router over the page modules, the live event stream, the search box.
// A page module exports `render(main, params, ctx)`; it may return a function that undoes what
// it started (event subscriptions, timers) when the reader goes to another page.

import { api } from "./api.js";
import { errorBox, html, ticker } from "./format.js";

const ROUTES = [
  [/^\/?$/, "dashboard"],
  [/^\/blocks$/, "blocks"],
  [/^\/block\/([0-9a-f]{64}|[0-9]+)$/, "block"],
  [/^\/tx\/([0-9a-f]{64})$/, "tx"],
  [/^\/address\/([a-z0-9]+)$/, "address"],
  [/^\/chain$/, "chain"],
  [/^\/wallet$/, "wallet"],
  [/^\/posts$/, "posts"],
  [/^\/network$/, "network"],
  [/^\/tamper(?:\/([0-9a-f]{64}|[0-9]+))?$/, "tamper"],
  [/^\/search\/(.+)$/, "search"],
];

// Live events from /api/v1/events, one stream for the whole page.
class Events {
  constructor() {
    this.target = new EventTarget();
    this.source = new EventSource("/api/v1/events");
    for (const kind of ["block", "tx", "reorg", "peer"]) {
      this.source.addEventListener(kind, (e) => {
        this.target.dispatchEvent(new CustomEvent(kind, { detail: JSON.parse(e.data) }));
      });
    }
  }

  // Call `fn(data)` on each event of this kind; returns the function that stops it.
  on(kind, fn) {
    const listener = (e) => fn(e.detail);
    this.target.addEventListener(kind, listener);
    return () => this.target.removeEventListener(kind, listener);
  }
}

const main = document.getElementById("main");
const ctx = { status: null, ticker: "", events: new Events() };
let cleanup = null;
let shown = 0; // guards against a slow page drawing over the next one

async function route() {
  const path = decodeURIComponent(location.hash.replace(/^#/, "")) || "/";
  const found = ROUTES.map(([re, page]) => [re.exec(path), page]).find(([m]) => m);
  if (cleanup) cleanup();
  cleanup = null;
  const mine = ++shown;
  for (const a of document.querySelectorAll("nav a")) {
    const current = a.getAttribute("href") === `#${path.split("/").slice(0, 2).join("/")}`;
    if (current) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  if (!found) {
    main.innerHTML = html`<h1>Not found</h1><p>No page at ${path}.</p>`.markup;
    return;
  }
  const [match, page] = found;
  main.innerHTML = '<p class="loading">Loading…</p>';
  try {
    ctx.status = await api("/status");
    ctx.ticker = ticker(ctx.status.hrp);
    document.getElementById("network").textContent = ctx.status.network;
    const module = await import(`./pages/${page}.js`);
    if (mine !== shown) return;
    const undo = await module.render(main, match.slice(1), ctx);
    if (mine !== shown) { if (undo) undo(); return; }
    cleanup = undo || null;
  } catch (error) {
    if (mine !== shown) return;
    if (error.status === 404 && page in UNKNOWN) {
      showUnknown(page, match[1]);
    } else {
      main.innerHTML = html`<h1>Something went wrong</h1>${errorBox(error)}`.markup;
    }
  }
}

// A page whose block, transaction or address the node does not know: say so, offer the search.
const UNKNOWN = {
  block: (id) => (/^[0-9]+$/.test(id) ? `No block at height ${id}` : `No block with hash ${id}`),
  tamper: (id) => (/^[0-9]+$/.test(id) ? `No block at height ${id}` : `No block with hash ${id}`),
  tx: (id) => `No transaction with txid ${id}`,
  address: (id) => `Nothing known of the address ${id}`,
};

function showUnknown(page, id) {
  main.innerHTML = html`<h1>Not found</h1>
    <p id="unknown" class="hash">${UNKNOWN[page](id)} on this node.</p>
    <p class="muted">It may not have reached this node yet, or belong to another chain. Search
      takes a block height, a block hash, a txid or an address.</p>
    <form id="search-again" class="pager" role="search">
      <label for="again">Search</label>
      <input id="again" name="q" value="${id}" size="40">
      <button type="submit">Search</button>
    </form>`.markup;
  main.querySelector("#search-again").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = new FormData(e.target).get("q").trim();
    if (q) location.hash = `#/search/${encodeURIComponent(q)}`;
  });
}

document.getElementById("search").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = new FormData(e.target).get("q").trim();
  if (q) location.hash = `#/search/${encodeURIComponent(q)}`;
});
window.addEventListener("hashchange", route);
route();
