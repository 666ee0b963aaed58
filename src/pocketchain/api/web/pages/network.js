// Network: the peers this node is connected to (the ones it dialled, the operator's, and the
// ones that dialled it), its address book and its bans, and (for the admin) adding and removing
// peers and starting or stopping mining. On a devnet node also the devnet: its topology with
// link latencies and splits, and (for the admin) split and heal.

import { api } from "../api.js";
import { topologySvg } from "../explorer/devnet.js";
import { plural } from "../explorer/tables.js";
import { errorBox, html, when } from "../format.js";


export async function render(main, _params, ctx) {
  const draw = async (message = null) => {
    const [status, peers, net, devnet] = await Promise.all(
      [api("/status"), api("/peers"), api("/network"), api("/devnet")]);
    main.innerHTML = html`
      <h1>Network</h1>
      <section aria-labelledby="mining-h">
        <h2 id="mining-h">Mining</h2>
        <p>This node is <strong id="mining-state">${status.mining ? "mining" : "not mining"}</strong>
          (${Math.round(status.hashrate).toLocaleString()} hashes/s).
          <button id="mining-toggle" type="button">${status.mining ? "Stop mining" : "Start mining"}</button>
          <span class="muted">(admin)</span></p>
      </section>
      ${devnet ? devnetSection(devnet) : ""}
      <section aria-labelledby="peers-h">
        <h2 id="peers-h">Peers (${peers.length})</h2>
        <p id="slots">Outbound <strong>${net.outbound}</strong> of ${net.max_outbound}
          (picked from the address book, one per netgroup),
          manual <strong>${net.manual}</strong> (the operator's),
          inbound <strong>${net.inbound}</strong> of ${net.max_inbound} (they dialled us).
          ${net.discover ? "" : html`<span class="badge pending">no discovery</span>`}</p>
        <p id="book">Address book: <strong>${net.addresses_new.toLocaleString()}</strong> heard of,
          <strong>${net.addresses_tried.toLocaleString()}</strong> reached before.</p>
        ${peers.length ? peerTable(peers) : html`<p class="muted">No peers yet.</p>`}
        <form id="add-peer" class="pager">
          <label for="peer-url">Add a peer</label>
          <input id="peer-url" name="url" type="url" required placeholder="http://127.0.0.1:5001">
          <button type="submit">Connect</button>
          <span class="muted">(admin)</span>
        </form>
        ${message ? errorBox(message) : ""}
      </section>
      <section aria-labelledby="bans-h">
        <h2 id="bans-h">Bans (${net.bans.length})</h2>
        ${net.bans.length ? banTable(net.bans) : html`<p class="muted">Nobody is banned.</p>`}
      </section>`.markup;
    main.querySelector("#mining-toggle").addEventListener("click", () =>
      act(() => api("/mining", { method: "POST", admin: true, body: { enabled: !status.mining } })));
    main.querySelector("#split")?.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = String(new FormData(e.target).get("groups")).trim();
      const groups = text.split(/\s+/).map((g) => g.split(",").map(Number));
      act(() => api("/devnet/split", { method: "POST", admin: true, body: { groups } }));
    });
    main.querySelector("#heal")?.addEventListener("click", () =>
      act(() => api("/devnet/heal", { method: "POST", admin: true })));
    main.querySelector("#add-peer").addEventListener("submit", (e) => {
      e.preventDefault();
      const url = new FormData(e.target).get("url");
      act(() => api("/peers", { method: "POST", admin: true, body: { url } }));
    });
    for (const button of main.querySelectorAll("button[data-forget]")) {
      button.addEventListener("click", () => act(() =>
        api(`/peers?url=${encodeURIComponent(button.dataset.forget)}`, { method: "DELETE", admin: true })));
    }
  };
  const act = async (request) => {
    try {
      await request();
      await draw();
    } catch (error) {
      await draw(error);
    }
  };
  await draw();
  const stop = ctx.events.on("peer", () => draw());
  const timer = setInterval(() => draw().catch(() => {}), 5000);
  return () => { stop(); clearInterval(timer); };
}

function devnetSection(devnet) {
  const cut = devnet.links.filter((l) => l.cut).length;
  const mode = devnet.mode === "exponential"
    ? "in the exponential mode (each node's share of the hash power sets its pace)"
    : "in a proof-of-work race (one worker a node)";
  return html`<section aria-labelledby="devnet-h">
    <h2 id="devnet-h">Devnet</h2>
    <p>${devnet.nodes.length} nodes from <code>${devnet.source}</code>, mining ${mode}.
      ${cut ? html`<span class="badge bad" id="split-state">split: ${plural(cut, "link")} cut</span>`
        : html`<span class="badge ok" id="split-state">whole</span>`}</p>
    <div class="topology-wrap">${topologySvg(devnet)}</div>
    <form id="split" class="pager">
      <label for="groups">Split into groups</label>
      <input id="groups" name="groups" required pattern="[0-9]+(,[0-9]+)*( +[0-9]+(,[0-9]+)*)+"
        placeholder="0,1 2" title="node numbers: commas inside a group, spaces between groups">
      <button type="submit">Split</button>
      <button type="button" id="heal" class="secondary" ${cut ? "" : "disabled"}>Heal</button>
      <span class="muted">(admin; as <code>pocketchain devnet split</code> and <code>heal</code>)</span>
    </form>
  </section>`;
}

function banTable(bans) {
  const rows = bans.map((b) => html`
    <tr><td class="hash">${b.ip}</td><td>${new Date(b.until * 1000).toLocaleTimeString()}</td>
      <td>${b.reason}</td></tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Address</th><th>Until</th><th>Why</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function peerTable(peers) {
  const rows = peers.map((p) => html`
    <tr>
      <td class="hash">${p.url}</td>
      <td>${p.direction}</td>
      <td class="hash">${p.ip ?? "—"}</td>
      <td>${p.connected ? html`<span class="badge ok">connected</span>`
        : html`<span class="badge pending">not connected</span>`}
        ${p.banned_until ? html`<span class="badge bad">banned until ${new Date(p.banned_until * 1000).toLocaleTimeString()}</span>` : ""}</td>
      <td class="num">${p.height ?? "—"}</td>
      <td>${p.last_seen ? when(p.last_seen) : "never"}</td>
      <td class="num">${p.misbehavior}</td>
      <td><button type="button" class="secondary" data-forget="${p.url}">Forget</button></td>
    </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th>URL</th><th>Direction</th><th>Address</th><th>State</th>
      <th class="num">Height</th><th>Last seen</th>
      <th class="num">Misbehaviour</th><th><span class="muted">admin</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
