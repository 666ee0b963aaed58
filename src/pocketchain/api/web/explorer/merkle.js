// A merkle proof checked in the browser, the way Bitcoin builds its tree: each parent is
// SHA-256 applied twice to its two children's hashes (internal byte order) side by side.
// The API shows hashes in display order, the bytes reversed: they are turned around here.

function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) || [], (pair) => parseInt(pair, 16));
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const internal = (displayHex) => fromHex(displayHex).reverse();
const display = (bytes) => toHex(Uint8Array.from(bytes).reverse());

// Browsers give SHA-256 only to secure pages (https, or a page from this machine).
export const canHash = () => Boolean(globalThis.crypto && crypto.subtle);

async function sha256d(bytes) {
  const once = await crypto.subtle.digest("SHA-256", bytes);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", once));
}

// The root a proof leads to, with each step: {root, steps: [{sibling, right, result}]}, where
// `right` says the node so far was the right child (bit k of the index), all in display order.
// The root is null for a proof that cannot be one: an index beyond the branch, or a right child
// equal to its left sibling (only a left child is ever paired with itself).
export async function rootFromProof({ txid, index, branch }) {
  let node = internal(txid);
  const steps = [];
  let valid = index >= 0 && index < 2 ** branch.length;
  for (const [level, siblingHex] of branch.entries()) {
    const sibling = internal(siblingHex);
    const right = Math.floor(index / 2 ** level) % 2 === 1;
    if (right && toHex(sibling) === toHex(node)) valid = false;
    node = await sha256d(Uint8Array.from(right ? [...sibling, ...node] : [...node, ...sibling]));
    steps.push({ sibling: siblingHex, right, result: display(node) });
  }
  return { root: valid ? display(node) : null, steps };
}

// An 80-byte header (hex): its hash, and the merkle root it commits to (bytes 36 to 67).
export async function readHeader(headerHex) {
  const bytes = fromHex(headerHex);
  return { hash: display(await sha256d(bytes)), merkleRoot: display(bytes.slice(36, 68)) };
}
