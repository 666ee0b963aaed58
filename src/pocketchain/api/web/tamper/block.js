// A block as its bytes say, exactly as consensus/block.py: the 80-byte header (version, prev,
// merkle root, time, bits, nonce, little-endian) and its transactions; and the merkle tree over
// the txids, level by level, the way Bitcoin builds it.

import { concat, sha256d, toDisplay } from "../wallet/bytes.js";
import { readTx, Reader, serialize, varint } from "../wallet/tx.js";

export const HEADER_SIZE = 80;

// {header: {version, prev, merkleRoot, time, bits, nonce}, txs} from a block's bytes; prev and
// merkleRoot are bytes in internal order, bits a number. Throws on anything short or long.
export function parseBlock(bytes) {
  const r = new Reader(bytes);
  const header = {
    version: r.u32(), prev: r.take(32), merkleRoot: r.take(32), time: r.u32(), bits: r.u32(), nonce: r.u32(),
  };
  const txs = Array.from({ length: r.count(1) }, () => readTx(r));
  if (r.at !== bytes.length) throw new Error("trailing bytes after the block");
  return { header, txs };
}

export function serializeHeader(h) {
  const out = new Uint8Array(HEADER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, h.version, true);
  out.set(h.prev, 4);
  out.set(h.merkleRoot, 36);
  view.setUint32(68, h.time, true);
  view.setUint32(72, h.bits, true);
  view.setUint32(76, h.nonce, true);
  return out;
}

export const serializeBlock = (block) =>
  concat([serializeHeader(block.header), varint(block.txs.length), ...block.txs.map(serialize)]);

// The header's hash in display order (the one compared with the target).
export const headerHash = async (header) => toDisplay(await sha256d(serializeHeader(header)));

// Every level of the tree, leaves (the txids, internal order) first, root last: each parent is
// SHA-256d of its two children side by side, and an odd level pairs its last node with itself
// (Core: ComputeMerkleRoot).
export async function merkleLevels(txids) {
  const levels = [txids];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const parents = [];
    for (let i = 0; i < level.length; i += 2) {
      parents.push(await sha256d(concat([level[i], level[i + 1] || level[i]])));
    }
    levels.push(parents);
  }
  return levels;
}
