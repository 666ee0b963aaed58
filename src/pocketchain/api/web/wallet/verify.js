// Checks a post in the browser: its transaction's first input is signed by the key of its author.

import { fromHex, fromUtf8 } from "./bytes.js";
import { encodeAddress, keyHash, verify } from "./keys.js";
import { parseTx, sighash, txid } from "./tx.js";

// Why `post` (from /posts) is not proven by `hex` (its transaction from /txs), or null when it is:
// the bytes hash to the post's txid, carry its text, and the first input's BIP-340 signature over
// the sighash verifies with a key whose address is the post's author.
export async function whyUnverified(post, hex, magic, hrp) {
  let tx;
  try {
    tx = parseTx(fromHex(hex));
  } catch (error) {
    return `the transaction does not parse: ${error.message}`;
  }
  if (await txid(tx) !== post.txid) return "the transaction does not hash to this txid";
  let text;
  try {
    text = fromUtf8(tx.data);
  } catch {
    text = null;
  }
  if (text !== post.content) return "the transaction does not carry this text";
  const first = tx.inputs[0];
  if (!first || !(await verify(first.pubkey, first.signature, await sighash(tx, magic)))) {
    return "the first input's signature does not verify";
  }
  if (encodeAddress(hrp, await keyHash(first.pubkey)) !== post.author) return "the signer is not the author shown";
  return null;
}
