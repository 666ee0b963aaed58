// A merkle proof checked in the browser, the way Bitcoin builds its tree: each parent is
// SHA-256 applied twice to its two children's hashes (internal byte order) side by side.
// The API shows hashes in display order, the bytes reversed: they are turned around here.

import { fromDisplay, fromHex, sha256d, toDisplay, toHex } from "../wallet/bytes.js";

// Browsers give SHA-256 only to secure pages (https, or a page from this machine).
export const canHash = () => Boolean(globalThis.crypto && crypto.subtle);

// The root a proof leads to, with each step: {root, steps: [{sibling, right, result}]}, where
// `right` says the node so far was the right child (bit k of the index), all in display order.
// The root is null for a proof that cannot be one: an index beyond the branch, or a right child
// equal to its left sibling (only a left child is ever paired with itself).
export async function rootFromProof({ txid, index, branch }) {
  let node = fromDisplay(txid);
  const steps = [];
  let valid = index >= 0 && index < 2 ** branch.length;
  for (const [level, siblingHex] of branch.entries()) {
    const sibling = fromDisplay(siblingHex);
    const right = Math.floor(index / 2 ** level) % 2 === 1;
    if (right && toHex(sibling) === toHex(node)) valid = false;
    node = await sha256d(Uint8Array.from(right ? [...sibling, ...node] : [...node, ...sibling]));
    steps.push({ sibling: siblingHex, right, result: toDisplay(node) });
  }
  return { root: valid ? toDisplay(node) : null, steps };
}

// An 80-byte header (hex): its hash, and the merkle root it commits to (bytes 36 to 67).
export async function readHeader(headerHex) {
  const bytes = fromHex(headerHex);
  return { hash: toDisplay(await sha256d(bytes)), merkleRoot: toDisplay(bytes.slice(36, 68)) };
}
