// A devnet drawn for the Network and Chain pages: its topology as a graph (link latencies, cut
// links dashed red), and every node's view of the chain side by side.

import { html, Raw, link } from "../format.js";

const SIZE = 420;
const RADIUS = 150;
const NODE_R = 26;

// The nodes on a circle, node 0 at the top; each link a line with its latency at its middle.
export function topologySvg(info) {
  const n = info.nodes.length;
  const at = info.nodes.map((_, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [SIZE / 2 + RADIUS * Math.cos(angle), SIZE / 2 + RADIUS * Math.sin(angle)];
  });
  const lines = info.links.map((l) => {
    const [[x1, y1], [x2, y2]] = l.between.map((i) => at[i]);
    const label = `${l.latency_ms} ms${l.loss ? `, ${(l.loss * 100).toFixed(1)}% lost` : ""}`;
    return `<g class="${l.cut ? "link cut" : "link"}" data-link="${l.between.join("-")}">
      <line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"
        stroke="${l.cut ? "#dc2626" : "#64748b"}" stroke-width="2"
        ${l.cut ? 'stroke-dasharray="6 5"' : ""}/>
      <text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle"
        font-size="11" fill="${l.cut ? "#dc2626" : "#334155"}">${l.cut ? "cut" : label}</text>
    </g>`;
  });
  const nodes = info.nodes.map((node, i) => {
    const [x, y] = at[i];
    const share = node.share ? `${Math.round(node.share * 100)}%` : "relay";
    const me = info.me === i;
    return html`<g class="node" data-node="${i}">
      <circle cx="${x}" cy="${y}" r="${NODE_R}" fill="${me ? "#dbeafe" : "#f8fafc"}"
        stroke="#1e3a8a" stroke-width="${me ? 3 : 1.5}"/>
      <text x="${x}" y="${y - 2}" text-anchor="middle" font-size="12">${i}</text>
      <text x="${x}" y="${y + 12}" text-anchor="middle" font-size="10">${share}</text>
      <text x="${x}" y="${y + NODE_R + 14}" text-anchor="middle" font-size="12">${node.name}</text>
    </g>`.markup;
  });
  return new Raw(`<svg class="topology" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}"
    height="${SIZE}" role="img" aria-label="the devnet's nodes and links">
    ${lines.join("")}${nodes.join("")}</svg>`);
}

// A block's colour from its hash, so the same block has the same colour on every row.
function colour(hash) {
  return `hsl(${parseInt(hash.slice(-6), 16) % 360} 70% 85%)`;
}

// One row per node: its active chain's last blocks by height. A block that the majority of
// the nodes does not have at that height is marked: that node is on another branch.
export function viewsGrid(views, names) {
  const live = views.filter((v) => !v.error);
  if (!live.length) return html`<p class="muted">No node answers.</p>`;
  const top = Math.max(...live.map((v) => v.height));
  const first = Math.max(0, Math.min(...live.map((v) => v.height - v.recent.length + 1)));
  const heights = [];
  for (let h = Math.max(first, top - 11); h <= top; h += 1) heights.push(h);
  const byHeight = (v, h) => v.recent[v.recent.length - 1 - (v.height - h)];
  const majority = new Map(heights.map((h) => {
    const counts = new Map();
    for (const v of live) {
      const hash = byHeight(v, h);
      if (hash) counts.set(hash, (counts.get(hash) || 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    return [h, best ? best[0] : null];
  }));
  const rows = views.map((v) => {
    if (v.error) {
      return html`<tr><th scope="row">${names[v.node]}</th>
        <td colspan="${heights.length}" class="muted">${v.error}</td></tr>`;
    }
    const cells = heights.map((h) => {
      const hash = byHeight(v, h);
      if (!hash) return html`<td></td>`;
      const odd = hash !== majority.get(h);
      return html`<td class="view-cell${odd ? " fork" : ""}" style="background:${colour(hash)}"
        title="${hash}">${link("block", hash, hash.slice(-4))}</td>`;
    });
    return html`<tr data-node="${v.node}"><th scope="row">${names[v.node]}</th>${cells}
      <td class="num">${v.height}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="views">
    <thead><tr><th>Node</th>${heights.map((h) => html`<th class="num">${h}</th>`)}
      <th class="num">Height</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

// The side branches the nodes know of: each node's tips that are not its active one.
export function staleTable(views, names) {
  const known = new Map(); // tip hash -> {tip, nodes}
  for (const v of views.filter((x) => !x.error)) {
    for (const t of v.tips.filter((x) => x.status !== "active")) {
      if (!known.has(t.hash)) known.set(t.hash, { tip: t, nodes: [] });
      known.get(t.hash).nodes.push(names[v.node]);
    }
  }
  if (!known.size) {
    return html`<p class="muted" id="no-stale">No stale blocks: every node is on one chain.</p>`;
  }
  const rows = [...known.values()].map(({ tip, nodes }) => html`<tr>
    <td>${nodes.join(", ")}</td><td>${tip.status}</td>
    <td class="num">${tip.height}</td><td class="num">${tip.branchlen}</td>
    <td class="hash short">${link("block", tip.hash)}</td></tr>`);
  return html`<div class="table-wrap"><table id="stale">
    <thead><tr><th>Known to</th><th>Status</th><th class="num">Height</th>
      <th class="num">Stale blocks</th><th>Tip</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}
