// Transaction: where it is (mempool or a block), what it spends and pays, its data (a post's
// text), and for a confirmed one its merkle proof, checked here in the browser.

import { api } from "../api.js";
import { coins, errorBox, html, link, short } from "../format.js";
import { follow } from "../explorer/live.js";
import { canHash, readHeader, rootFromProof } from "../explorer/merkle.js";

const MAX_PARENTS = 20; // transactions fetched to show what the inputs spent

export async function render(main, [txid], ctx) {
  main.innerHTML = '<div id="tx-page"></div><div id="tx-error"></div>';
  const page = main.querySelector("#tx-page");
  const draw = async (tx) => {
    const parents = await spentOutputs(tx.inputs);
    page.innerHTML = html`
      <h1>Transaction</h1>
      <p class="hash">${tx.txid}</p>
      <p>${placement(tx)}</p>
      <dl class="fields">
        <dt>Fee</dt><dd>${tx.fee === null ? "none: a coinbase creates coins"
          : html`${coins(tx.fee, ctx.ticker)} (${(tx.fee / tx.size).toFixed(1)} units per byte)`}</dd>
        <dt>Size</dt><dd>${tx.size} bytes</dd>
        <dt>Version</dt><dd>${tx.version}</dd>
      </dl>
      ${tx.data === null ? "" : html`
        <section aria-labelledby="tx-data-h">
          <h2 id="tx-data-h">Data</h2>
          <p class="content" id="tx-data">${tx.data}</p>
        </section>`}
      <section aria-labelledby="tx-in-h">
        <h2 id="tx-in-h">Inputs (${tx.inputs.length})</h2>
        ${inputTable(tx.inputs, parents, ctx.ticker)}
      </section>
      <section aria-labelledby="tx-out-h">
        <h2 id="tx-out-h">Outputs (${tx.outputs.length})</h2>
        ${outputTable(tx.outputs, ctx.ticker)}
      </section>
      ${tx.status === "confirmed" ? html`
        <section aria-labelledby="tx-proof-h">
          <h2 id="tx-proof-h">Merkle proof</h2>
          <div id="tx-proof" aria-live="polite"><p class="loading">Checking…</p></div>
        </section>` : ""}`.markup;
    const proof = page.querySelector("#tx-proof");
    if (proof) {
      checkProof(tx).then((markup) => { proof.innerHTML = markup.markup; })
        .catch((error) => { proof.innerHTML = errorBox(error).markup; });
    }
    return tx;
  };
  let shown = await draw(await api(`/txs/${txid}`));
  // a new block confirms it (or a reorg takes it back): draw again when that changes
  return follow(ctx, ["block"], async () => {
    const now = await api(`/txs/${txid}`);
    if (now.block !== shown.block) shown = await draw(now);
    else if (now.block) page.querySelector("#tx-confirmations").textContent = now.confirmations;
  }, main.querySelector("#tx-error"));
}

function placement(tx) {
  if (tx.status === "mempool") {
    return html`<span class="badge pending">in the mempool</span> waiting for a block`;
  }
  return html`<span class="badge ok">confirmed</span> in block ${link("block", tx.block, tx.height)},
    confirmations: <span id="tx-confirmations">${tx.confirmations}</span>`;
}

// The transactions the inputs spend from, by txid (null where the node does not know it).
async function spentOutputs(inputs) {
  const txids = [...new Set(inputs.filter((i) => i.txid).map((i) => i.txid))].slice(0, MAX_PARENTS);
  const found = await Promise.all(txids.map((t) => api(`/txs/${t}`).catch(() => null)));
  return new Map(txids.map((t, i) => [t, found[i]]));
}

function inputTable(inputs, parents, ticker) {
  const rows = inputs.map((input, i) => {
    if (input.coinbase !== undefined) {
      return html`<tr><td class="num">${i}</td>
        <td colspan="4">coinbase: new coins for the block at height ${input.height}</td></tr>`;
    }
    const spent = parents.get(input.txid)?.outputs[input.vout];
    return html`<tr>
      <td class="num">${i}</td>
      <td class="hash short">${link("tx", input.txid, `${short(input.txid)}:${input.vout}`)}</td>
      <td class="hash short">${spent ? link("address", spent.address, short(spent.address, 12))
        : "—"}</td>
      <td class="num">${spent ? coins(spent.amount, ticker) : "—"}</td>
      <td class="hash short"><code title="${input.pubkey}">${short(input.pubkey)}</code></td>
    </tr>`;
  });
  return html`<div class="table-wrap"><table>
    <thead><tr><th class="num">#</th><th>Spends</th><th>From</th><th class="num">Amount</th>
      <th>Public key</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function outputTable(outputs, ticker) {
  const rows = outputs.map((o, i) => html`<tr>
    <td class="num">${i}</td>
    <td class="num">${coins(o.amount, ticker)}</td>
    <td class="hash">${link("address", o.address, o.address)}</td></tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th class="num">#</th><th class="num">Amount</th><th>Address</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

// The proof from the node, checked against the block's own 80-byte header: the branch must lead
// from the txid to the merkle root the header holds, and the header must hash to the block's hash.
async function checkProof(tx) {
  const proof = await api(`/txs/${tx.txid}/proof`);
  const header = await headerOf(proof.block, tx.height);
  const explain = html`<p>The transaction is number ${proof.index} in its block. Hashing it with
    one sibling per level (SHA-256 twice over the two hashes, in internal byte order) gives
    the merkle root, which the block header commits to.</p>`;
  if (!canHash()) {
    return html`${explain}<p><span class="badge pending">not checked</span> This browser computes
      SHA-256 only for secure pages (https, or a page from this machine).</p>`;
  }
  const { root, steps } = await rootFromProof(proof);
  const read = await readHeader(header);
  const checks = [
    ["the proof is for this transaction", proof.txid === tx.txid],
    ["the root computed from the branch is the merkle root in the block header",
      root !== null && root === read.merkleRoot],
    ["the header hashes to the block's hash", read.hash === proof.block],
  ];
  const ok = checks.every(([, passed]) => passed);
  return html`${explain}
    <p>${ok ? html`<span class="badge ok verdict" id="tx-proof-result">verified</span>`
      : html`<span class="badge bad verdict" id="tx-proof-result">mismatch</span>`}</p>
    <ul class="checks">${checks.map(([what, passed]) => html`
      <li>${passed ? "✓" : "✗"} ${what}</li>`)}</ul>
    <div class="table-wrap"><table>
      <thead><tr><th class="num">Level</th><th>Sibling</th><th>Result</th></tr></thead>
      <tbody>
        <tr><td class="num">0</td><td class="muted">the txid (leaf)</td>
          <td class="hash">${proof.txid}</td></tr>
        ${steps.map((s, i) => html`<tr><td class="num">${i + 1}</td>
          <td class="hash">${s.right ? "left" : "right"}: ${s.sibling === (i ? steps[i - 1].result
            : proof.txid) ? "itself (an odd level pairs its last hash with itself)" : s.sibling}</td>
          <td class="hash">${s.result}</td></tr>`)}
      </tbody></table></div>
    <dl class="fields">
      <dt>Computed root</dt><dd class="hash">${root ?? "none: the index does not fit the branch"}</dd>
      <dt>Root in the header</dt><dd class="hash">${read.merkleRoot}</dd>
      <dt>Header hash</dt><dd class="hash">${read.hash}</dd>
    </dl>`;
}

// The block's 80-byte header in hex: the active chain's header after its parent's.
async function headerOf(blockHash, height) {
  if (height === 0) return (await api(`/blocks/${blockHash}/raw`)).hex.slice(0, 160);
  const { blocks } = await api(`/blocks?start=${height - 1}&limit=1`);
  const { headers } = await api(`/headers?locator=${blocks[0].hash}&limit=1`);
  return headers[0];
}
