// The dashboard's chart: difficulty, block interval and the estimated hash rate over recent
// blocks, as inline SVG, with its numbers in words for readers who do not see it.

import { html } from "../format.js";
import { decimal } from "./tables.js";

const WIDTH = 800;
const PANEL = 90; // height of each of the three panels
const CHAR = 7; // px a tick label's character takes, at most
const TOP = 18;
const GAP = 34;

// `points` oldest first: [{height, difficulty, interval, hashrate}]; interval (seconds since the
// block before) is null for the first, hashrate (estimated) null for the first few. A block may
// be timed before its parent: drawn as 0.
export function chart(points) {
  const summary = describe(points);
  const seconds = points.map((p) => Math.max(p.interval ?? 0, 0)); // the first 0: bars from 0
  const rated = points.map((p, i) => [i, p.hashrate]).filter(([, r]) => r !== null);
  const scales = [points.map((p) => p.difficulty), seconds, rated.map(([, r]) => r)].map(scale);
  // room on the left for the longest tick label, whole
  const LEFT = 10 + CHAR * Math.max(...scales.flatMap((s) => [s.high, s.floor]).map(
    (v) => decimal(v).length));
  const x = (i) => LEFT + ((WIDTH - LEFT - 4) * i) / Math.max(points.length - 1, 1);
  const difficulty = panel(scales[0], TOP, "Difficulty", LEFT);
  const interval = panel(scales[1], TOP + PANEL + GAP, "Seconds between blocks", LEFT);
  const rate = panel(scales[2], TOP + 2 * (PANEL + GAP), "Network hash rate (est., per s)", LEFT);
  const line = points.map((p, i) => `${x(i).toFixed(1)},${difficulty.y(p.difficulty).toFixed(1)}`);
  const rateLine = rated.map(([i, r]) => `${x(i).toFixed(1)},${rate.y(r).toFixed(1)}`);
  const barWidth = Math.max((WIDTH - LEFT) / points.length - 2, 1);
  const bars = points.slice(1).map((_, k) => {
    const top = interval.y(seconds[k + 1]);
    return html`<rect class="bar" x="${(x(k + 1) - barWidth / 2).toFixed(1)}" y="${top.toFixed(1)}"
      width="${barWidth.toFixed(1)}" height="${(interval.y(0) - top).toFixed(1)}"/>`;
  });
  const bottom = TOP + 3 * PANEL + 2 * GAP + 14;
  const [first, last] = [points[0].height, points[points.length - 1].height];
  return html`
    <figure class="chart">
      <svg viewBox="0 0 ${WIDTH} ${bottom + 4}" role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Difficulty, block interval and hash rate, blocks ${first} to ${last}</title>
        <desc id="chart-desc">${summary}</desc>
        ${difficulty.axes}
        <polyline class="line" points="${line.join(" ")}"/>
        ${interval.axes}
        ${bars}
        ${rated.length ? html`${rate.axes}<polyline class="line" points="${rateLine.join(" ")}"/>` : ""}
        <text class="tick" x="${LEFT}" y="${bottom}">${first}</text>
        <text class="tick" x="${WIDTH - 4}" y="${bottom}" text-anchor="end">${last}</text>
      </svg>
      <figcaption>${summary}</figcaption>
    </figure>`;
}

// A panel's range: from the lowest value to the highest (a flat line sits on top).
function scale(values) {
  const high = values.length ? Math.max(...values) : 0;
  const low = values.length ? Math.min(...values) : 0;
  return { high, floor: low === high ? Math.max(low - 1, 0) : low };
}

// One panel's y and axes.
function panel({ high, floor }, top, title, LEFT) {
  const y = (v) => top + PANEL - ((v - floor) / (high - floor || 1)) * PANEL;
  const axes = html`
    <text class="caption" x="${LEFT}" y="${top - 6}">${title}</text>
    <line class="axis" x1="${LEFT - 2}" y1="${top + PANEL}" x2="${WIDTH - 2}" y2="${top + PANEL}"/>
    <text class="tick" x="${LEFT - 6}" y="${top + 8}" text-anchor="end">${decimal(high)}</text>
    <text class="tick" x="${LEFT - 6}" y="${top + PANEL}" text-anchor="end">${decimal(floor)}</text>`;
  return { y, axes };
}

function describe(points) {
  const d = points.map((p) => p.difficulty);
  const s = points.slice(1).map((p) => p.interval);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `Difficulty over blocks ${points[0].height} to ${points[points.length - 1].height}:`
    + ` from ${decimal(d[0])} to ${decimal(d[d.length - 1])}`
    + ` (lowest ${decimal(Math.min(...d))}, highest ${decimal(Math.max(...d))}).`
    + ` Time between blocks: ${decimal(mean, 3)} s on average, shortest ${Math.min(...s)} s,`
    + ` longest ${Math.max(...s)} s.` + rateSummary(points);
}

function rateSummary(points) {
  const rates = points.map((p) => p.hashrate).filter((r) => r !== null);
  if (!rates.length) return "";
  return ` Estimated network hash rate: ${decimal(rates[rates.length - 1], 3)} hashes per second`
    + ` (from ${decimal(Math.min(...rates), 3)} to ${decimal(Math.max(...rates), 3)}).`;
}
