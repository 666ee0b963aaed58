// Coin selection: which coins pay, the exact fee (rate × signed size) and the change, as wallet/build.py.

import { coins } from "../format.js";
import { fromDisplay } from "./bytes.js";
import { serialize, TX_VERSION } from "./tx.js";

export class InsufficientFunds extends Error {
  constructor(available, needed) {
    super(`Insufficient funds: ${coins(available)} spendable now, ${coins(needed)} needed with the fee.`
      + " Coins received or sent back as change count once a block has them.");
    this.available = available;
    this.needed = needed;
  }
}

// Coins that can pay now: mature, and not already spent by a transaction in the mempool.
export function spendable(utxos) {
  return utxos
    .filter((coin) => coin.mature && !coin.spent_in_mempool)
    .map((coin) => ({ txid: coin.txid, vout: coin.vout, amount: BigInt(coin.amount) }))
    .sort((a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1));
}

// The unsigned transaction of a plan; pubkeys and signatures are filled in when signing.
export function unsignedTx(chosen, outputs, data) {
  const inputs = chosen.map((coin) => ({
    txid: fromDisplay(coin.txid), vout: coin.vout, pubkey: new Uint8Array(), signature: new Uint8Array(),
  }));
  return { version: TX_VERSION, inputs, outputs, data };
}

// The size of a signed transaction of this shape: every input then carries a 32-byte key and a
// 64-byte signature, so the size is known before signing.
export function signedSize(inputCount, outputs, data) {
  const input = { txid: new Uint8Array(32), vout: 0, pubkey: new Uint8Array(32), signature: new Uint8Array(64) };
  return serialize({ version: TX_VERSION, inputs: new Array(inputCount).fill(input), outputs, data }).length;
}

// The largest coins first until they pay `payments` and the fee; what is left returns to
// `changeTo`. With no payments (a post) there must be change: a transaction needs an output.
// Returns {coins, outputs, fee, size}; throws InsufficientFunds.
export function plan(candidates, payments, changeTo, feeRate, data) {
  const paid = payments.reduce((sum, out) => sum + out.amount, 0n);
  const withChange = (amount) => [...payments, { amount, keyHash: changeTo }];
  const feeOf = (size) => BigInt(feeRate) * BigInt(size);
  const chosen = [];
  let total = 0n;
  for (const coin of candidates) {
    chosen.push(coin);
    total += coin.amount;
    const size = signedSize(chosen.length, withChange(0n), data);
    const change = total - paid - feeOf(size);
    if (change > 0n) return { coins: chosen, outputs: withChange(change), fee: feeOf(size), size };
    // too little left for a change output to pay for itself: the rest goes to the fee
    const sizeWithout = signedSize(chosen.length, payments, data);
    if (payments.length && total - paid >= feeOf(sizeWithout)) {
      return { coins: chosen, outputs: payments, fee: total - paid, size: sizeWithout };
    }
  }
  throw new InsufficientFunds(total, paid + feeOf(signedSize(Math.max(chosen.length, 1), withChange(0n), data)));
}
