// Paying and posting from the browser wallet: coins and fee rate from the node, signed here, sent as hex.

import { api } from "../api.js";
import { plan, spendable, unsignedTx } from "./build.js";
import { toHex } from "./bytes.js";
import { CHANGE, keyAt, RECEIVE } from "./keystore.js";
import { magicOf, serialize, signTx, txid as txidOf } from "./tx.js";

const MAX_COINS = 5000; // the most /utxos lists at once
const GAP = 20; // BIP-44's gap limit, as wallet/wallet.py: unused addresses looked at past the last used

// The coins of an address that can pay now, the largest first.
export async function spendableCoins(address) {
  return spendable(await api(`/addresses/${address}/utxos?limit=${MAX_COINS}`));
}

// What the chain knows of the wallet's addresses, as wallet/sync.py's scan: {used: [{key,
// summary}] (the identity always, then every address with a transaction, confirmed or pending),
// change: the first change key never used}. A phrase's chains are read GAP addresses at a time
// until GAP in a row were never used; a one-key wallet has its one address.
export async function scan(wallet) {
  const look = async (key) => ({ key, summary: await api(`/addresses/${key.address}`) });
  if (!wallet.chains) return { used: [await look(await keyAt(wallet, RECEIVE, 0))], change: null };
  const used = [];
  let change = null;
  for (const chain of [RECEIVE, CHANGE]) {
    let next = 0; // the first index after the last used one
    for (let start = 0; start < next + GAP; start += GAP) {
      const keys = await Promise.all(Array.from({ length: GAP }, (_, n) => keyAt(wallet, chain, start + n)));
      for (const seen of await Promise.all(keys.map(look))) {
        const active = seen.summary.tx_count > 0 || BigInt(seen.summary.pending) !== 0n;
        if (active) next = seen.key.index + 1;
        if (active || (chain === RECEIVE && seen.key.index === 0)) used.push(seen);
      }
    }
    if (chain === CHANGE) change = await keyAt(wallet, CHANGE, next);
  }
  return { used, change };
}

// The coins of every used key that can pay now, each with its key: those of `first` (a key hash)
// ahead, then the largest first.
async function walletCoins(used, first) {
  const lists = await Promise.all(used.map(async ({ key }) =>
    (await spendableCoins(key.address)).map((coin) => ({ ...coin, key }))));
  const own = (coin) => first && toHex(coin.key.keyHash) === toHex(first);
  const bigger = (a, b) => (a.amount === b.amount ? 0 : a.amount > b.amount ? -1 : 1);
  return lists.flat().sort((a, b) => (own(b) - own(a)) || bigger(a, b));
}

// What paying `payments` (and carrying `data`) would take, before anything is signed:
// {coins, outputs, fee, size, data, feeRate}. Throws InsufficientFunds.
// A payment's change goes to a fresh change key (the identity, in a one-key wallet). A post
// (no payments) is written by the identity, as `pocketchain wallet post`: its coins go first and
// the change returns to it; `coins` can be given (the coin a move just gave the identity).
export async function prepare(wallet, payments, data, coins = null) {
  const post = payments.length === 0;
  const [found, fees] = await Promise.all([scan(wallet), api("/fees")]);
  const candidates = coins || await walletCoins(found.used, post ? wallet.keyHash : null);
  const changeTo = post || !found.change ? wallet.keyHash : found.change.keyHash;
  const chosen = plan(candidates, payments, changeTo, fees.fee_rate, data);
  return { ...chosen, data, feeRate: fees.fee_rate };
}

// A post: when the identity has no coin to spend, a first transaction moves one to it, and the
// post spends that (unconfirmed) coin. {txid, fee} of the post.
export async function sendPost(wallet, data, status) {
  let plan = await prepare(wallet, [], data);
  if (toHex(plan.coins[0].key.keyHash) !== toHex(wallet.keyHash)) {
    const move = await prepare(wallet, [], new Uint8Array()); // its one output: the identity's change
    const txid = await signAndSend(move, status);
    const coin = { txid, vout: 0, amount: move.outputs[0].amount, key: await keyAt(wallet, RECEIVE, 0) };
    plan = await prepare(wallet, [], data, [coin]);
  }
  return { txid: await signAndSend(plan, status), fee: plan.fee };
}

// Signs a prepared transaction here, each coin with its own key, and hands only the signed bytes
// to the node; its txid. `status` is the node's (GET /status): its network's magic is what the
// signatures commit to.
export async function signAndSend(prepared, status) {
  const unsigned = unsignedTx(prepared.coins, prepared.outputs, prepared.data);
  const secrets = prepared.coins.map((coin) => coin.key.secret);
  const tx = await signTx(unsigned, secrets, magicOf(status));
  const raw = serialize(tx);
  if (raw.length !== prepared.size) {
    throw new Error(`the signed transaction has ${raw.length} bytes, not the ${prepared.size} reviewed`);
  }
  const answer = await api("/txs", { method: "POST", body: { hex: toHex(raw) } });
  if (answer.txid !== await txidOf(tx)) throw new Error("the node answered with another txid");
  return answer.txid;
}
