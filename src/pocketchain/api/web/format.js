// Formatting shared by every page. User text is always escaped: build HTML only through `html`.

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// A value `html` puts in as it is (already safe markup).
export class Raw {
  constructor(markup) { this.markup = markup; }
  toString() { return this.markup; }
}

// Tagged template: every interpolated value is escaped, except Raw ones and arrays of them.
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    out += parts.map((v) => (v instanceof Raw ? v.markup : esc(v))).join("");
    out += strings[i + 1];
  });
  return new Raw(out);
}

export const COIN = 100000000n;

// Base units (a number or BigInt) as exact decimal coins: 150000000 -> "1.5".
export function coins(units, ticker = "") {
  let n = BigInt(units);
  const sign = n < 0n ? "-" : "";
  if (n < 0n) n = -n;
  const whole = n / COIN;
  const frac = (n % COIN).toString().padStart(8, "0").replace(/0+$/, "");
  return `${sign}${whole}${frac ? "." + frac : ""}${ticker ? " " + ticker : ""}`;
}

// Decimal coins typed by a person to base units (BigInt); null when it is not an amount.
export function parseCoins(text) {
  const match = /^([0-9]+)(?:\.([0-9]{1,8}))?$/.exec(String(text).trim());
  if (!match) return null;
  return BigInt(match[1]) * COIN + BigInt((match[2] || "").padEnd(8, "0"));
}

export function ticker(hrp) {
  return hrp.toUpperCase();
}

export function short(hash, n = 10) {
  return hash.length > 2 * n ? `${hash.slice(0, n)}…${hash.slice(-4)}` : hash;
}

export function when(seconds) {
  const date = new Date(seconds * 1000);
  const ago = Math.round(Date.now() / 1000 - seconds);
  const rel = ago < 60 ? `${Math.max(ago, 0)} s ago` : ago < 3600 ? `${Math.round(ago / 60)} min ago`
    : ago < 86400 ? `${Math.round(ago / 3600)} h ago` : date.toISOString().slice(0, 10);
  return html`<time datetime="${date.toISOString()}" title="${date.toLocaleString()}">${rel}</time>`;
}

export function link(kind, id, text) {
  return html`<a href="#/${kind}/${id}">${text ?? short(id)}</a>`;
}

export function errorBox(error) {
  const code = error && error.code ? ` (${error.code})` : "";
  return html`<p class="error" role="alert">${error.message || String(error)}${code}</p>`;
}
