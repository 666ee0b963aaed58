// Dashboard: the node at a glance, kept up to date by its events: the tip, difficulty, mining,
// a chart of the last blocks, the latest blocks and the mempool's best-paying transactions.
// Two small requests draw it, whatever the chain's length.

import { api } from "../api.js";
import { coins, errorBox, html, link, short } from "../format.js";
import { chart } from "../explorer/chart.js";
import { follow, latest } from "../explorer/live.js";
import { blockWork, difficulty } from "../explorer/pow.js";
import { blockTable, decimal, hashRate, outputsSummary } from "../explorer/tables.js";

const CHART_BLOCKS = 50;
const LATEST = 10;

export async function render(main, _params, ctx) {
  const [recent, pool] = await Promise.all([
    api(`/blocks?limit=${CHART_BLOCKS}`), api(`/mempool?limit=${LATEST}`)]);
  main.innerHTML = html`
    <h1>Dashboard</h1>
    <div class="cards">
      ${card("height", "Height")}${card("tip", "Tip")}${card("difficulty", "Difficulty")}
      <div class="card">
        <div class="label">Hash rate</div>
        <div class="value" id="dash-hashrate">—</div>
        <div class="muted" id="dash-hashrate-how"
          title="the work of the last ${RATE_WINDOW} blocks over the time they took, as Core's getnetworkhashps">network, estimated from the work of the last ${RATE_WINDOW} blocks</div>
      </div>
      ${card("peers", "Peers")}${card("mempool", "Mempool")}
      <div class="card">
        <div class="label">Mining</div>
        <div class="value" id="dash-mining"></div>
        <button type="button" id="dash-mining-toggle"></button>
        <span class="muted">(admin)</span>
      </div>
    </div>
    <div id="dash-error"></div>
    <section aria-labelledby="dash-chart-h">
      <h2 id="dash-chart-h">Difficulty, block interval and hash rate</h2>
      <div id="dash-chart"></div>
    </section>
    <section aria-labelledby="dash-blocks-h">
      <h2 id="dash-blocks-h">Latest blocks</h2>
      <div id="dash-blocks"></div>
      <p><a href="#/blocks">All blocks</a></p>
    </section>
    <section aria-labelledby="dash-pool-h">
      <h2 id="dash-pool-h">Mempool</h2>
      <div id="dash-pool"></div>
    </section>`.markup;
  const $ = (id) => main.querySelector(`#dash-${id}`);
  let status = ctx.status;

  const showStatus = (next) => {
    status = next;
    const values = {
      height: status.height,
      tip: html`<span class="hash">${link("block", status.tip, short(status.tip, 8))}</span>`,
      difficulty: decimal(status.difficulty),
      peers: status.peers,
      mining: status.mining
        ? html`on<div class="muted">this node: ${hashRate(status.hashrate)}</div>` : "off",
    };
    for (const [id, value] of Object.entries(values)) $(id).innerHTML = html`${value}`.markup;
    $("mining-toggle").textContent = status.mining ? "Stop mining" : "Start mining";
  };
  const showBlocks = ({ blocks }) => {
    const drawn = points(blocks, status);
    const latest = drawn.length ? drawn[drawn.length - 1].hashrate : null;
    $("hashrate").textContent = latest === null ? "—" : hashRate(latest); // the chart's estimate
    $("chart").innerHTML = blocks.length > 1 ? chart(drawn).markup : "";
    $("blocks").innerHTML = blockTable(blocks.slice(0, LATEST)).markup;
  };
  const showPool = (answer) => {
    $("mempool").innerHTML = html`${answer.count}
      <span class="unit">tx, ${answer.bytes.toLocaleString()} B</span>`.markup;
    $("pool").innerHTML = poolTable(answer, ctx.ticker).markup;
  };
  showStatus(status);
  showBlocks(recent);
  showPool(pool);

  // events of three kinds and the mining button refresh these, at times all at once
  const refreshStatus = latest(() => api("/status"), showStatus);
  const refreshPool = latest(() => api(`/mempool?limit=${LATEST}`), showPool);
  const refreshBlocks = latest(() => api(`/blocks?limit=${CHART_BLOCKS}`), showBlocks);
  const refreshAll = async () => {
    await refreshStatus(); // first: the chart reads the tip's difficulty
    await Promise.all([refreshBlocks(), refreshPool()]);
  };
  $("mining-toggle").addEventListener("click", async (e) => {
    e.target.disabled = true;
    try {
      await api("/mining", { method: "POST", admin: true, body: { enabled: !status.mining } });
      await refreshStatus();
      $("error").innerHTML = "";
    } catch (error) {
      $("error").innerHTML = errorBox(error).markup;
    } finally {
      e.target.disabled = false;
    }
  });
  const stops = [
    follow(ctx, ["block"], refreshAll, $("error")),
    follow(ctx, ["tx"], refreshPool, $("error")),
    follow(ctx, ["peer"], refreshStatus, $("error")),
  ];
  return () => stops.forEach((stop) => stop());
}

function card(id, label) {
  return html`<div class="card"><div class="label">${label}</div>
    <div class="value" id="dash-${id}"></div></div>`;
}

const RATE_WINDOW = 10; // blocks per hash rate estimate

// Block summaries (newest first) as chart points, oldest first. The network's hash rate at a
// block is estimated as Core's getnetworkhashps does: the work of the last RATE_WINDOW blocks
// over the time they took (null until there are that many).
function points(blocks, status) {
  const oldest = [...blocks].reverse();
  const work = oldest.map((b) => blockWork(b.bits));
  return oldest.map((b, i) => {
    const from = i - RATE_WINDOW;
    const seconds = from >= 0 ? Math.max(b.time - oldest[from].time, 1) : 0;
    const done = from >= 0 ? work.slice(from + 1, i + 1).reduce((a, w) => a + w, 0n) : 0n;
    return {
      height: b.height,
      difficulty: difficulty(b.bits, status),
      interval: i ? b.time - oldest[i - 1].time : null,
      hashrate: from >= 0 ? Number(done) / seconds : null,
    };
  });
}

function poolTable({ txs, count }, ticker) {
  if (!txs.length) return html`<p class="muted">The mempool is empty.</p>`;
  const rows = txs.map((tx) => html`
    <tr>
      <td class="hash short">${link("tx", tx.txid)}</td>
      <td class="num">${tx.size} B</td>
      <td class="num">${coins(tx.fee, ticker)}</td>
      <td class="num">${decimal(tx.fee_rate)}</td>
      <td>${outputsSummary(tx.outputs, ticker)}</td>
    </tr>`);
  const more = count > txs.length ? html`<p class="muted">and ${count - txs.length} more.</p>` : "";
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Txid</th><th class="num">Size</th><th class="num">Fee</th>
      <th class="num">Units/B</th><th>Pays</th></tr></thead>
    <tbody>${rows}</tbody></table></div>${more}`;
}
