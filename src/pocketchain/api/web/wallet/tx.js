// Transactions exactly as consensus/tx.py: serialization, parsing, sighash, txid and signing.
//
// tx = {version, inputs: [{txid, vout, pubkey, signature}], outputs: [{amount, keyHash}], data}
// with byte fields as Uint8Array (txid in internal order, not display order) and amounts as BigInt.

import { concat, fromHex, sha256d, toDisplay } from "./bytes.js";
import { publicKey, sign } from "./keys.js";

export const TX_VERSION = 1;
const KEY_HASH_SIZE = 20;

// The bytes every signature of a network commits to, as the node's status gives them.
export const magicOf = (status) => fromHex(status.magic);

function u32(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function i64(n) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt(n), true);
  return out;
}

// CompactSize: 1, 3, 5 or 9 bytes.
export function varint(n) {
  if (n < 0xfd) return Uint8Array.of(n);
  const [marker, size] = n <= 0xffff ? [0xfd, 2] : n <= 0xffffffff ? [0xfe, 4] : [0xff, 8];
  const out = new Uint8Array(9);
  out[0] = marker;
  new DataView(out.buffer).setBigUint64(1, BigInt(n), true); // little-endian: keep the low bytes
  return out.slice(0, 1 + size);
}

const varbytes = (bytes) => concat([varint(bytes.length), bytes]);

function body(tx, withSignatures) {
  const parts = [u32(tx.version), varint(tx.inputs.length)];
  for (const input of tx.inputs) {
    parts.push(input.txid, u32(input.vout), varbytes(input.pubkey));
    if (withSignatures) parts.push(varbytes(input.signature));
  }
  parts.push(varint(tx.outputs.length));
  for (const output of tx.outputs) {
    if (output.keyHash.length !== KEY_HASH_SIZE) throw new Error("an output's key hash is 20 bytes");
    parts.push(i64(output.amount), output.keyHash);
  }
  parts.push(varbytes(tx.data));
  return concat(parts);
}

// The canonical serialization.
export const serialize = (tx) => body(tx, true);

// What every input signs: the network's magic and every field but the signatures.
export const sighash = (tx, magic) => sha256d(concat([magic, body(tx, false)]));

// The txid in display order (byte-reversed hex).
export const txid = async (tx) => toDisplay(await sha256d(serialize(tx)));

// The transaction signed: input n with secrets[n]. Every public key goes in first, since the one
// digest every input signs covers them all.
export async function signTx(tx, secrets, magic) {
  if (secrets.length !== tx.inputs.length) throw new Error("one secret per input");
  const inputs = tx.inputs.map((input, n) => ({ ...input, pubkey: publicKey(secrets[n]), signature: new Uint8Array() }));
  const digest = await sighash({ ...tx, inputs }, magic);
  const signed = [];
  for (const [n, input] of inputs.entries()) signed.push({ ...input, signature: await sign(secrets[n], digest) });
  return { ...tx, inputs: signed };
}

// Reads bytes front to back; every read checks that enough bytes remain (serialize.py's Reader).
export class Reader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }

  take(n) {
    if (this.at + n > this.bytes.length) throw new Error("unexpected end of the bytes");
    this.at += n;
    return this.bytes.slice(this.at - n, this.at);
  }

  u32() {
    this.take(4);
    return this.view.getUint32(this.at - 4, true);
  }

  i64() {
    this.take(8);
    return this.view.getBigInt64(this.at - 8, true);
  }

  // CompactSize; only the canonical (shortest) encoding is accepted.
  varint() {
    const first = this.take(1)[0];
    if (first < 0xfd) return first;
    const [size, least] = { 0xfd: [2, 0xfd], 0xfe: [4, 0x10000], 0xff: [8, 0x100000000] }[first];
    this.take(size);
    const at = this.at - size;
    const n = size === 2 ? this.view.getUint16(at, true)
      : size === 4 ? this.view.getUint32(at, true) : Number(this.view.getBigUint64(at, true));
    if (n < least) throw new Error("non-canonical varint");
    return n;
  }

  // A list length, refused when the remaining bytes cannot hold that many items.
  count(minItemSize) {
    const n = this.varint();
    if (n * minItemSize > this.bytes.length - this.at) throw new Error("a list longer than the bytes left");
    return n;
  }

  varbytes() {
    return this.take(this.varint());
  }
}

const MIN_INPUT_SIZE = 32 + 4 + 1 + 1;
const OUTPUT_SIZE = 8 + KEY_HASH_SIZE;

// Exactly one transaction from its bytes; throws on anything short, long or malformed.
export function parseTx(bytes) {
  const r = new Reader(bytes);
  const tx = readTx(r);
  if (r.at !== bytes.length) throw new Error("trailing bytes after the transaction");
  return tx;
}

// The next transaction of a reader.
export function readTx(r) {
  const version = r.u32();
  const inputs = Array.from({ length: r.count(MIN_INPUT_SIZE) }, () => ({
    txid: r.take(32), vout: r.u32(), pubkey: r.varbytes(), signature: r.varbytes(),
  }));
  const outputs = Array.from({ length: r.count(OUTPUT_SIZE) }, () => ({
    amount: r.i64(), keyHash: r.take(KEY_HASH_SIZE),
  }));
  return { version, inputs, outputs, data: r.varbytes() };
}
