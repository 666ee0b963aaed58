// Chain: the block tree near the tip, where a learner sees forks and reorgs. Each side branch
// is walked back from its tip, parent by parent, to the block of the active chain it forks from.

import { api } from "../api.js";
import { html, link, short } from "../format.js";
import { staleTable, viewsGrid } from "../explorer/devnet.js";
import { follow } from "../explorer/live.js";
import { columnX, treeSvg } from "../explorer/tree.js";

const VIEWS_EVERY = 2000; // ms between two looks at the other nodes of a devnet

const SHOWN = 20; // active-chain blocks drawn, at least
const NEAR = 30; // side branches whose tip is this close to the active tip are drawn
const MAX_BRANCHES = 8;
const BADGES = { active: "ok", "valid-fork": "pending", invalid: "bad", "headers-only": "" };

export async function render(main, _params, ctx) {
  main.innerHTML = html`
    <h1>Chain</h1>
    <p>The active chain (the valid one with the most work) runs along the middle row, oldest on
      the left; side branches are drawn above and below, joined to the block they fork from.
      When a branch overtakes the active chain the node reorganizes onto it.</p>
    <div id="chain-view"></div>
    <div id="chain-error"></div>
    <section id="every-node" hidden aria-labelledby="every-h">
      <h2 id="every-h">Every node of the devnet</h2>
      <p>Each node's last blocks by height, coloured by hash: the same colour is the same block.
        A block outlined in red is not the one most nodes have there: that node is on another
        branch (during a split, or until a fork resolves). Below, the stale blocks the nodes
        keep: branches that lost.</p>
      <div id="views"></div>
    </section>`.markup;
  const view = main.querySelector("#chain-view");
  const everyNode = main.querySelector("#every-node");
  const drawViews = async (names) => {
    const views = await api("/devnet/views");
    everyNode.hidden = false;
    everyNode.querySelector("#views").innerHTML = html`${viewsGrid(views, names)}
      <h3>Stale blocks</h3>${staleTable(views, names)}`.markup;
  };
  let fit = false; // the whole drawing scaled into the box, or at its size with a scrollbar
  const draw = async () => {
    const tree = await gather();
    const scroller = view.querySelector(".tree-scroll");
    const atEnd = !scroller
      || scroller.scrollLeft + scroller.clientWidth >= scroller.scrollWidth - 4;
    const left = scroller ? scroller.scrollLeft : 0;
    view.innerHTML = html`
      <p class="pager"><button type="button" id="fit" class="secondary"
        aria-pressed="${fit}">${fit ? "Actual size" : "Fit the whole tree"}</button>
        <span class="muted">The newest block is on the right; scroll left for older ones.</span></p>
      <div class="tree-scroll${fit ? " fit" : ""}">${treeSvg(tree.active, tree.branches)}</div>
      <h2>Tips</h2>
      ${tipTable(tree.tips)}
      ${tree.hidden ? html`<p class="muted">${tree.hidden} more tips, farther from the active tip,
        are not drawn.</p>` : ""}`.markup;
    const next = view.querySelector(".tree-scroll");
    next.scrollLeft = atEnd ? next.scrollWidth : left; // the active tip in view, unless panned
    view.querySelector("#fit").addEventListener("click", () => { fit = !fit; draw(); });
    for (const button of view.querySelectorAll("button[data-fork]")) {
      button.addEventListener("click", () => { // pan to where that branch parts
        next.scrollLeft = columnX(tree.active[0].height, Number(button.dataset.fork)) - 40;
      });
    }
  };
  await draw();
  const stop = follow(ctx, ["block", "reorg"], draw, main.querySelector("#chain-error"));
  const devnet = await api("/devnet").catch(() => null); // null: not a devnet node
  let timer = null;
  if (devnet !== null) { // its nodes do not change while it runs: only their views do
    const names = devnet.nodes.map((n) => `${n.node} ${n.name}`);
    await drawViews(names).catch(() => {});
    timer = setInterval(() => drawViews(names).catch(() => {}), VIEWS_EVERY);
  }
  return () => { stop(); clearInterval(timer); };
}

// The active chain's last blocks and the side branches near them.
async function gather() {
  const tips = await api("/tips");
  const top = tips.find((t) => t.status === "active");
  const near = tips.filter((t) => t.status !== "active" && t.height >= top.height - NEAR)
    .sort((a, b) => b.height - a.height);
  const sides = near.slice(0, MAX_BRANCHES);
  const forks = sides.map((t) => t.height - t.branchlen);
  const first = Math.max(0, top.height - NEAR, Math.min(top.height - SHOWN + 1, ...forks));
  const { blocks } = await api(`/blocks?start=${top.height}&limit=${top.height - first + 1}`);
  const active = blocks.reverse();
  const drawn = new Set(active.map((b) => b.hash));
  const activeAt = new Map(active.map((b) => [b.height, b.hash]));
  const branches = [];
  for (const tip of sides) { // one after another: a branch may fork from one drawn before it
    const branch = await walk(tip, first, drawn, activeAt);
    if (!branch.blocks.length) continue;
    branch.blocks.forEach((b) => b.hash && drawn.add(b.hash));
    branches.push(branch);
  }
  return { active, branches, tips: [top, ...sides], hidden: tips.length - 1 - sides.length };
}

// From a tip back through its parents until a block already drawn (the fork point) or the left
// edge. A block whose data the node lacks (a headers-only tip) ends the walk: the branch length
// from /tips says how many unknown blocks lie between it and the active chain.
async function walk(tip, first, drawn, activeAt) {
  const blocks = [];
  let hash = tip.hash;
  let height = tip.height;
  while (height >= first && !drawn.has(hash)) {
    const block = tip.status === "headers-only" ? null : await api(`/blocks/${hash}`)
      .catch((error) => {
        if (error.status === 404) return null;
        throw error;
      });
    blocks.push({ hash, height, data: block !== null });
    if (block === null) {
      const fork = tip.height - tip.branchlen;
      for (let h = height - 1; h > fork && h >= first; h -= 1) {
        blocks.push({ hash: null, height: h });
      }
      hash = activeAt.get(fork);
      break;
    }
    hash = block.prev;
    height -= 1;
  }
  return { tip, blocks: blocks.reverse(), join: drawn.has(hash) ? hash : null };
}

function tipTable(tips) {
  const rows = tips.map((t) => html`<tr>
    <td><span class="badge ${BADGES[t.status]}">${t.status}</span></td>
    <td class="num">${t.height}</td>
    <td class="num">${t.branchlen}</td>
    <td class="num">${t.branchlen ? html`${t.height - t.branchlen}
      <button type="button" class="secondary" data-fork="${t.height - t.branchlen}">Show</button>`
      : "—"}</td>
    <td class="hash short">${t.status === "headers-only" ? short(t.hash) : link("block", t.hash)}</td>
  </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th>Status</th><th class="num">Height</th><th class="num">Branch length</th>
      <th class="num">Forks at</th><th>Tip</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
