// The Tamper page's pictures: the merkle tree with what changed marked, the header hash against
// the target, and the chain from the tampered block on, red where it no longer links.

import { html, short } from "../format.js";
import { hashValue, hex64, targetFromBits, zeroDigits } from "../explorer/pow.js";
import { toDisplay } from "../wallet/bytes.js";

// The tree, root on top: each node's hash, marked "changed" where it differs from the original
// block's tree at the same place. `levels` and `before` as merkleLevels gives them.
export function merkleTree(levels, before, headerRoot) {
  const rows = levels.slice().reverse().map((level, depth) => {
    const old = before[before.length - 1 - depth] || [];
    const cells = level.map((node, i) => {
      const hash = toDisplay(node);
      const changed = !old[i] || toDisplay(old[i]) !== hash;
      return html`<li class="merkle-node${changed ? " changed" : ""}" title="${hash}">
        <code>${short(hash, 6)}</code>${changed ? html` <span class="badge bad">changed</span>` : ""}</li>`;
    });
    const label = depth === 0 ? "root" : depth === levels.length - 1 ? "txids" : `level ${levels.length - 1 - depth}`;
    return html`<li><span class="muted">${label}</span><ol class="merkle-level">${cells}</ol></li>`;
  });
  const root = toDisplay(levels[levels.length - 1][0]);
  const agrees = root === headerRoot;
  return html`<ol class="merkle-tree" aria-label="Merkle tree, root first">${rows}</ol>
    <p id="root-agreement" class="${agrees ? "" : "error"}">${agrees
      ? "The header's merkle root is the root of these transactions."
      : html`The header still says <code>${short(headerRoot, 8)}</code>: it no longer commits to these
        transactions (<code>bad-txnmrklroot</code>). Fix the merkle root to make it say
        <code>${short(root, 8)}</code>.`}</p>`;
}

// The header hash over its target: leading zeros, and whether it is low enough.
export function proofOfWork(hash, bits) {
  const target = targetFromBits(bits.toString(16).padStart(8, "0"));
  const meets = hashValue(hash) <= target;
  const zeros = zeroDigits(hash);
  return html`<dl class="fields">
      <dt>Header hash</dt><dd class="hash" id="tamper-hash"><span class="zeros">${hash.slice(0, zeros)}</span>${hash.slice(zeros)}</dd>
      <dt>Target</dt><dd class="hash">${hex64(target)}</dd>
    </dl>
    <p id="tamper-pow" class="${meets ? "ok" : "error"}">${meets
      ? html`<span class="badge ok">meets the target</span> ${zeros} leading zero digits: this is proof of work.`
      : html`<span class="badge bad">above the target</span> ${zeros} leading zero digits: the proof of
        work is gone (<code>high-hash</code>). Mine to find a nonce that brings it under the target.`}</p>`;
}

// The active chain around the block, in a row as in Anders Brownworth's demo: each block with
// its hash and the prev it names; from the tampered block on, every block is red once its hash
// changed, since the next one's prev names the old hash.
export function chainRow(parent, original, editedHash, after) {
  const broken = editedHash !== original.hash;
  const card = (block, { hash, prev, red, note }) => html`<li class="chain-card${red ? " broken" : ""}"
      data-height="${block.height}">
      <strong>#${block.height}</strong>
      <span>hash <code>${short(hash, 6)}</code></span>
      <span>prev <code>${short(prev, 6)}</code></span>
      <span class="note">${note}</span></li>`;
  const cards = [];
  if (parent) cards.push(card(parent, { hash: parent.hash, prev: parent.prev, red: false, note: "untouched" }));
  cards.push(card(original, {
    hash: editedHash, prev: original.prev, red: broken,
    note: broken ? "tampered: a new hash" : "its hash is unchanged",
  }));
  for (const [n, block] of after.entries()) {
    cards.push(card(block, {
      hash: block.hash, prev: block.prev, red: broken,
      note: !broken ? "links to it" : n === 0 ? "its prev names the old hash" : "built on a broken block",
    }));
  }
  return html`<ol id="tamper-chain" class="chain-row" aria-label="The chain from the tampered block on">${cards}</ol>`;
}
