// Block: its header, where it sits in the chain, its proof of work (the hash under the target),
// and its transactions a page at a time, with their fees.

import { api } from "../api.js";
import { coins, html, link, when } from "../format.js";
import { paged } from "../explorer/pager.js";
import { hashValue, hex64, targetFromBits, zeroBits, zeroDigits } from "../explorer/pow.js";
import { outputsSummary, plural } from "../explorer/tables.js";

const PAGE = 25;

export async function render(main, [id], ctx) {
  const block = await api(/^[0-9]+$/.test(id) ? `/blocks/height/${id}` : `/blocks/${id}`);
  const active = block.confirmations > 0;
  main.innerHTML = html`
    <h1>Block ${block.height}</h1>
    <p class="hash">${block.hash}</p>
    <p>${active ? html`<span class="badge ok">${plural(block.confirmations, "confirmation")}</span>`
      : html`<span class="badge pending">not on the active chain</span>`}
      ${link("tamper", block.hash, "Tamper with a copy of this block")}</p>
    <dl class="fields">
      <dt>Height</dt><dd>${block.height}</dd>
      <dt>Time</dt><dd>${when(block.time)} (${block.time})</dd>
      <dt>Previous</dt><dd class="hash">${block.height ? link("block", block.prev, block.prev)
        : "none: this is the genesis block"}</dd>
      <dt>Next</dt><dd class="hash">${block.next ? link("block", block.next, block.next)
        : active ? "none yet: this is the tip" : "—"}</dd>
      <dt>Merkle root</dt><dd class="hash">${block.merkle_root}</dd>
      <dt>Version</dt><dd>${block.version}</dd>
      <dt>Bits</dt><dd><code>${block.bits}</code></dd>
      <dt>Nonce</dt><dd>${block.nonce}</dd>
      <dt>Size</dt><dd>${block.size.toLocaleString()} bytes</dd>
      <dt>Transactions</dt><dd>${block.txs.length}</dd>
    </dl>
    ${proofOfWork(block)}
    <section aria-labelledby="block-txs-h">
      <h2 id="block-txs-h">Transactions (${block.txs.length})</h2>
      <div id="block-txs"></div>
    </section>`.markup;
  const list = paged(main.querySelector("#block-txs"), "Transaction pages", async (start) => {
    const from = start ?? 0;
    const txs = block.txs.slice(from, from + PAGE);
    return {
      body: txTable(txs, from, active, ctx.ticker),
      note: `${from + 1} to ${from + txs.length} of ${block.txs.length}`,
      next: from + PAGE < block.txs.length ? from + PAGE : null,
    };
  }, {
    back: "Previous",
    next: "Next",
    shown: (body) => fillFees(body, ctx.ticker),
  });
  await list.ready;
}

// The fee of each transaction on the page (the block holds no input amounts: the node has them).
function fillFees(body, ticker) {
  for (const cell of body.querySelectorAll("[data-fee]")) {
    api(`/txs/${cell.dataset.fee}`)
      .then((tx) => { cell.textContent = coins(tx.fee, ticker); })
      .catch(() => { cell.textContent = "?"; });
  }
}

function proofOfWork(block) {
  const target = targetFromBits(block.bits);
  const targetHex = hex64(target);
  const meets = hashValue(block.hash) <= target;
  const size = parseInt(block.bits.slice(0, 2), 16);
  return html`
    <section aria-labelledby="block-pow-h">
      <h2 id="block-pow-h">Proof of work</h2>
      <p>The block's hash (double SHA-256 of its 80-byte header), read as a 256-bit number, must
        be at most the target that its bits <code>${block.bits}</code> encode:
        <code>0x${block.bits.slice(2)}</code> × 256<sup>${size} − 3</sup>.</p>
      <div class="pow" role="group" aria-label="hash and target, digit under digit">
        <div><span class="pow-name">hash</span> <code>${zeros(block.hash)}</code></div>
        <div><span class="pow-name">target</span> <code>${zeros(targetHex)}</code></div>
      </div>
      <p>The hash starts with <strong>${plural(zeroBits(block.hash), "zero bit")}</strong>
        (${plural(zeroDigits(block.hash), "zero hex digit")}); the target with
        ${plural(zeroBits(targetHex), "zero bit")} (${plural(zeroDigits(targetHex), "zero hex digit")}).
        ${meets ? html`<span class="badge ok">hash ≤ target: valid</span>`
          : html`<span class="badge bad">hash > target: not valid</span>`}</p>
    </section>`;
}

// Hex with its leading zeros marked.
function zeros(hex) {
  const n = zeroDigits(hex);
  return html`<span class="zeros">${hex.slice(0, n)}</span>${hex.slice(n)}`;
}

// Fees are filled in afterwards (fillFees), for a block of the active chain only: the node
// knows the coins that only those blocks spent.
function txTable(txs, from, active, ticker) {
  const fee = (tx, i) => (i === 0 ? html`<td>coinbase</td>`
    : active ? html`<td class="num" data-fee="${tx.txid}">…</td>` : html`<td class="num">—</td>`);
  const rows = txs.map((tx, i) => html`
    <tr>
      <td class="num">${from + i}</td>
      <td class="hash short">${link("tx", tx.txid)}</td>
      <td>${outputsSummary(tx.outputs, ticker)}</td>
      <td class="num">${coins(tx.outputs.reduce((sum, o) => sum + BigInt(o.amount), 0n),
        ticker)}</td>
      <td class="num">${tx.size} B</td>
      ${fee(tx, from + i)}
    </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th class="num">#</th><th>Txid</th><th>Pays</th><th class="num">Total out</th>
      <th class="num">Size</th><th class="num">Fee</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
