// Search: a height, a block hash, a txid or an address; goes to its page, or says nothing matched.

import { api } from "../api.js";
import { html } from "../format.js";

export async function render(main, [query], ctx) {
  const q = query.trim().toLowerCase();
  const page = await find(q);
  if (page) {
    location.replace(page); // the search leaves no step in the history
    return;
  }
  main.innerHTML = html`<h1>Nothing found</h1>
    <p>No block, transaction or address matches <q class="hash">${query.trim()}</q>.</p>
    <p class="muted">Search for a block height (<code>12</code>), a block hash or a txid
      (64 hex digits), or an address (<code>${ctx.status.hrp}1…</code>).</p>`.markup;
}

// The page of what `q` names, or null: the node says what it is.
async function find(q) {
  if (q.length > 100) return null; // longer than anything the node could name
  const { results } = await api(`/search?q=${encodeURIComponent(q)}`);
  return results.length ? `#/${results[0].kind}/${results[0].id}` : null;
}
