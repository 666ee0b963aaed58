// Markup the explorer pages share.

import { coins, html, link, short, when } from "../format.js";

export function blockTable(blocks) {
  const rows = blocks.map((b) => html`
    <tr>
      <td class="num">${link("block", b.height, b.height)}</td>
      <td class="hash short">${link("block", b.hash)}</td>
      <td>${when(b.time)}</td>
      <td class="num">${b.tx_count}</td>
      <td class="num">${b.size.toLocaleString()} B</td>
    </tr>`);
  return html`<div class="table-wrap"><table>
    <thead><tr><th class="num">Height</th><th>Hash</th><th>Time</th><th class="num">Txs</th>
      <th class="num">Size</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

// "12.5 PCRT to pcrt1qxy…, 37.49 PCRT to pcrt1qab…": the first few outputs of a transaction.
export function outputsSummary(outputs, ticker, most = 2) {
  const shown = outputs.slice(0, most).map((o, i) => html`${i ? ", " : ""}${coins(o.amount, ticker)}
    to ${link("address", o.address, short(o.address, 8))}`);
  const more = outputs.length > most ? ` and ${outputs.length - most} more` : "";
  return html`${shown}${more}`;
}

// A number of hashes, in the unit a person reads best: "1.23 MH/s".
export function hashRate(perSecond) {
  const units = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s"];
  let value = perSecond;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toLocaleString("en", { maximumFractionDigits: unit ? 2 : 0 })} ${units[unit]}`;
}

export function decimal(value, digits = 6) {
  return value.toLocaleString("en", { maximumSignificantDigits: digits });
}

export function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
