// Address: its balance, its unspent outputs and its history, newest first, a page at a time.

import { api } from "../api.js";
import { coins, html, link, when } from "../format.js";
import { follow } from "../explorer/live.js";
import { paged } from "../explorer/pager.js";

const PAGE = 25;

export async function render(main, [address], ctx) {
  const base = `/addresses/${address}`;
  main.innerHTML = html`
    <h1>Address</h1>
    <p class="hash">${address}</p>
    <div id="address-summary"></div>
    <section aria-labelledby="address-utxos-h">
      <h2 id="address-utxos-h">Unspent outputs</h2>
      <div id="address-utxos"></div>
    </section>
    <section aria-labelledby="address-txs-h">
      <h2 id="address-txs-h">History</h2>
      <div id="address-txs"></div>
    </section>
    <div id="address-error"></div>`.markup;
  const $ = (id) => main.querySelector(`#address-${id}`);
  const showSummary = async () => {
    const totals = await api(base);
    const gone = await whereItWent(base, totals, ctx.ticker);
    $("summary").innerHTML = html`${summary(totals, ctx.ticker)}${gone}`.markup;
  };
  // unspent outputs, oldest first: the cursor is the offset
  const utxos = paged($("utxos"), "Unspent output pages", async (offset) => {
    const from = offset ?? 0;
    const coinList = await api(`${base}/utxos?limit=${PAGE + 1}&offset=${from}`);
    const shown = coinList.slice(0, PAGE);
    return {
      body: utxoTable(shown, ctx.ticker),
      note: shown.length ? `${from + 1} to ${from + shown.length}` : "",
      next: coinList.length > PAGE ? from + PAGE : null,
    };
  }, { back: "Previous", next: "Next" });
  // history, newest first: the cursor is the txid the page continues after
  const history = paged($("txs"), "History pages", async (before) => {
    const query = before === null ? "" : `&before=${before}`;
    const txs = await api(`${base}/txs?limit=${PAGE + 1}${query}`);
    return {
      body: historyTable(txs.slice(0, PAGE), ctx.ticker),
      next: txs.length > PAGE ? txs[PAGE - 1].txid : null,
    };
  });
  await Promise.all([showSummary(), utxos.ready, history.ready]);
  const refresh = () => Promise.all([showSummary(), utxos.refresh(), history.refresh()]);
  return follow(ctx, ["block", "tx"], refresh, $("error"));
}

function summary(a, ticker) {
  const cards = [
    ["Balance", coins(a.balance, ticker)],
    ["Pending", coins(a.pending, ticker)],
    ["Received", coins(a.received, ticker)],
    ["Sent", coins(a.sent, ticker)],
    ["Transactions", a.tx_count],
  ];
  return html`<div class="cards">${cards.map(([label, value]) => html`
    <div class="card"><div class="label">${label}</div><div class="value">${value}</div></div>`)}</div>`;
}

// An address that had coins and has none left: its last spend, and where that sent them.
async function whereItWent(base, a, ticker) {
  if (BigInt(a.balance) !== 0n || BigInt(a.pending) !== 0n || !a.tx_count) return "";
  const spend = (await api(`${base}/txs?limit=20`)).find((t) => BigInt(t.sent) > 0n);
  if (!spend) return "";
  const tx = await api(`/txs/${spend.txid}`);
  const paid = tx.outputs.map((o) => html`${link("address", o.address, o.address)}
    (${coins(o.amount, ticker)})`);
  return html`<p id="address-spent">Everything this address received has been spent. Its last
    spend, ${link("tx", tx.txid)}, paid ${paid.map((p, i) => html`${i ? ", " : ""}${p}`)}.
    A wallet sends what a payment leaves over to a new address of its own (its change), so the
    rest is usually there.</p>`;
}

function utxoTable(coinList, ticker) {
  if (!coinList.length) return html`<p class="muted">No unspent outputs.</p>`;
  const rows = coinList.map((c) => html`<tr>
    <td class="hash short">${link("tx", c.txid)}:${c.vout}</td>
    <td class="num">${coins(c.amount, ticker)}</td>
    <td class="num">${link("block", c.height, c.height)}</td>
    <td>${c.coinbase ? "coinbase" : "payment"}</td>
    <td>${c.mature ? html`<span class="badge ok">mature</span>`
      : html`<span class="badge pending">immature</span>`}
      ${c.spent_in_mempool ? html`<span class="badge pending">spent in the mempool</span>` : ""}</td>
  </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Output</th><th class="num">Amount</th><th class="num">Height</th><th>Kind</th>
      <th>Spendable</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function historyTable(txs, ticker) {
  if (!txs.length) return html`<p class="muted">No transactions.</p>`;
  const rows = txs.map((t) => html`<tr>
    <td class="hash short">${link("tx", t.txid)}</td>
    <td>${t.height === null ? html`<span class="badge pending">mempool</span>`
      : link("block", t.block, t.height)}</td>
    <td>${when(t.time)}</td>
    <td class="num">${coins(t.received, ticker)}</td>
    <td class="num">${coins(t.sent, ticker)}</td>
    <td class="num">${coins(BigInt(t.received) - BigInt(t.sent), ticker)}</td>
  </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Txid</th><th>Block</th><th>Time</th><th class="num">Received</th>
      <th class="num">Sent</th><th class="num">Net</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
