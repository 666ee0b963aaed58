// The block tree near the tip as SVG: the active chain in a row of boxes, each side branch in
// a row of its own above or below, joined to the block it forks from.

import { html, short } from "../format.js";
import { plural } from "./tables.js";

const COL = 108; // one height per column
const BOX_W = 90;
const BOX_H = 40;
const ROW = 66;
const LABEL = 100; // room for the status after a tip
const PAD = 8;

// `active`: [{hash, height}] oldest first. `branches`: [{tip (as GET /tips gives it), blocks:
// [{hash, height, data}] oldest first (hash null where unknown, data false where the node has
// only the header), join: the hash of the block it forks from, or null when that is left of
// the drawing}].
export function treeSvg(active, branches) {
  const first = active[0].height;
  const last = Math.max(...[active, ...branches.map((b) => b.blocks)].flat().map((b) => b.height));
  const rows = [0, ...branches.map((_, k) => (k % 2 ? (k + 1) / 2 : -(k / 2 + 1)))];
  const top = Math.min(...rows);
  const x = (height) => columnX(first, height);
  const y = (row) => PAD + (row - top) * ROW;
  const at = new Map(); // hash -> [x, y] of its box
  const lines = [];
  const shapes = [];
  // boxes in a row, each joined to the one before; the first to `from` (a box's spot) if given
  const place = (blocks, row, from, status) => {
    const boxes = [];
    for (const block of blocks) {
      const spot = [x(block.height), y(row)];
      if (from) lines.push(connector(from, spot));
      boxes.push(box(block, spot));
      if (block.hash) at.set(block.hash, spot);
      from = spot;
    }
    shapes.push(html`<g class="${status}">${boxes}</g>`);
    return from;
  };
  const tip = place(active, 0, null, "active");
  const labels = [label(tip, "active")];
  branches.forEach((branch, k) => {
    const row = rows[k + 1];
    const offLeft = [-BOX_W, y(row)]; // the block it forks from is left of the drawing
    const { status } = branch.tip;
    labels.push(label(place(branch.blocks, row, at.get(branch.join) || offLeft, status), status));
  });
  const width = x(last) + BOX_W + LABEL;
  const height = (Math.max(...rows) - top) * ROW + BOX_H + 2 * PAD;
  return html`<svg class="tree" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"
    role="img" aria-label="${describe(active, branches)}">${lines}${shapes}${labels}</svg>`;
}

// The left edge of the column of `height` in a drawing whose first column is `first`.
export function columnX(first, height) {
  return PAD + (height - first) * COL;
}

// From the right middle of one box to the left middle of the next (a bend between rows).
function connector([x1, y1], [x2, y2]) {
  const a = [x1 + BOX_W, y1 + BOX_H / 2];
  const b = [x2, y2 + BOX_H / 2];
  const bend = (a[0] + b[0]) / 2;
  return html`<path class="link"
    d="M${a[0]} ${a[1]} C${bend} ${a[1]} ${bend} ${b[1]} ${b[0]} ${b[1]}"/>`;
}

function box(block, [bx, by]) {
  const middle = bx + BOX_W / 2;
  const shape = html`
    <rect x="${bx}" y="${by}" width="${BOX_W}" height="${BOX_H}" rx="4"/>
    <text x="${middle}" y="${by + 16}" text-anchor="middle" class="height">${block.height}</text>
    <text x="${middle}" y="${by + 32}" text-anchor="middle">${block.hash ? short(block.hash, 6)
      : "?"}</text>`;
  if (!block.hash || block.data === false) return html`<g class="block unknown">${shape}</g>`;
  return html`<a class="block" href="#/block/${block.hash}">${shape}</a>`;
}

function label([bx, by], status) {
  const [lx, ly] = [bx + BOX_W + 8, by + BOX_H / 2 + 4];
  return html`<text class="status ${status}" x="${lx}" y="${ly}">${status}</text>`;
}

// The drawing in words, e.g. "active chain to height 120; 1 side branch: valid-fork, 2 blocks
// forking after height 117".
function describe(active, branches) {
  const tip = active[active.length - 1].height;
  if (!branches.length) return `active chain to height ${tip}; no side branch near the tip`;
  const parts = branches.map(({ tip: t }) => `${t.status}, ${plural(t.branchlen, "block")}`
    + ` forking after height ${t.height - t.branchlen}`);
  const count = branches.length === 1 ? "1 side branch" : `${branches.length} side branches`;
  return `active chain to height ${tip}; ${count}: ${parts.join("; ")}`;
}
