// Paying and posting from the browser wallet: coins and fee rate from the node, signed here, sent as hex.

import { api } from "../api.js";
import { plan, spendable, unsignedTx } from "./build.js";
import { toHex } from "./bytes.js";
import { magicOf, serialize, signTx } from "./tx.js";

const MAX_COINS = 5000; // the most /utxos lists at once

// The coins of an address that can pay now, the largest first.
export async function spendableCoins(address) {
  return spendable(await api(`/addresses/${address}/utxos?limit=${MAX_COINS}`));
}

// What paying `payments` (and carrying `data`) would take, before anything is signed:
// {coins, outputs, fee, size, data, feeRate}. Throws InsufficientFunds.
export async function prepare(key, payments, data) {
  const [coins, fees] = await Promise.all([spendableCoins(key.address), api("/fees")]);
  const chosen = plan(coins, payments, key.keyHash, fees.fee_rate, data);
  return { ...chosen, data, feeRate: fees.fee_rate };
}

// Signs a prepared transaction here and hands only the signed bytes to the node; its txid.
// `status` is the node's (GET /status): its network's magic is what the signatures commit to.
export async function signAndSend(key, prepared, status) {
  const unsigned = unsignedTx(prepared.coins, prepared.outputs, prepared.data);
  const raw = serialize(await signTx(unsigned, key.secret, magicOf(status)));
  if (raw.length !== prepared.size) {
    throw new Error(`the signed transaction has ${raw.length} bytes, not the ${prepared.size} reviewed`);
  }
  const answer = await api("/txs", { method: "POST", body: { hex: toHex(raw) } });
  return answer.txid;
}
