// Bytes: hex, UTF-8, concatenation and SHA-256 (the browser's Web Crypto), as consensus/hashes.py.

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Hex text to bytes; throws on anything that is not an even number of hex digits.
export function fromHex(text) {
  if (!/^([0-9a-fA-F]{2})*$/.test(text)) throw new Error("not hex");
  return Uint8Array.from(text.match(/../g) || [], (pair) => parseInt(pair, 16));
}

export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const utf8 = (text) => new TextEncoder().encode(text);

// Strict: invalid UTF-8 throws instead of turning into replacement characters.
export const fromUtf8 = (bytes) => new TextDecoder("utf-8", { fatal: true }).decode(bytes);

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

export async function sha256d(bytes) {
  return sha256(await sha256(bytes));
}

// A hash as people see it (byte-reversed hex, like Bitcoin) and back.
export const toDisplay = (hash) => toHex(hash.slice().reverse());
export const fromDisplay = (text) => fromHex(text).reverse();
