// Search: a height, a block hash, a txid or an address; goes to its page, or says nothing matched.
// Each guess is asked the way that answers 200 when nothing matches, where the API has one (a
// miss then leaves no failed request in the browser's console): only a txid has none.

import { api } from "../api.js";
import { html } from "../format.js";

const BECH32_CHARS = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

export async function render(main, [query], ctx) {
  const q = query.trim().toLowerCase();
  const page = await find(q, ctx.status.hrp);
  if (page) {
    location.replace(page); // the search leaves no step in the history
    return;
  }
  main.innerHTML = html`<h1>Nothing found</h1>
    <p>No block, transaction or address matches <q class="hash">${query.trim()}</q>.</p>
    <p class="muted">Search for a block height (<code>12</code>), a block hash or a txid
      (64 hex digits), or an address (<code>${ctx.status.hrp}1…</code>).</p>`.markup;
}

// The page of what `q` names, or null.
async function find(q, hrp) {
  if (/^[0-9]{1,10}$/.test(q)) {
    const { blocks } = await api(`/blocks?start=${q}&limit=1`); // the tip when q is above it
    return blocks.length && blocks[0].height === Number(q) ? `#/block/${blocks[0].hash}` : null;
  }
  if (/^[0-9a-f]{64}$/.test(q)) {
    const { blocks } = await api(`/blocks/raw?hashes=${q}`); // unknown hashes are left out
    if (blocks.length) return `#/block/${q}`;
    return orNull(api(`/txs/${q}`).then(() => `#/tx/${q}`));
  }
  if (new RegExp(`^${hrp}1[${BECH32_CHARS}]{6,}$`).test(q)) {
    return orNull(api(`/addresses/${q}`).then(() => `#/address/${q}`));
  }
  return null;
}

// A lookup's answer, or null when the API says there is no such thing (or that q is not one).
function orNull(lookup) {
  return lookup.catch((error) => {
    if (error.status === 404 || error.status === 400) return null;
    throw error;
  });
}
