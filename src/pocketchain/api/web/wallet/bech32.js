// Bech32 and Bech32m strings (BIP-173, BIP-350), as consensus/bech32.py.

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
// BIP-173: the generator of the BCH code, one word per bit of the top 5-bit group.
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const MAX_LENGTH = 90;
const CHECKSUM_LENGTH = 6;

// What a checksum is xored with: the value tells which kind a string carries.
export const BECH32 = 1;
export const BECH32M = 0x2bc830a3;

function polymod(values) {
  let remainder = 1;
  for (const value of values) {
    const top = remainder >>> 25;
    remainder = (((remainder & 0x1ffffff) << 5) ^ value) >>> 0;
    GENERATOR.forEach((word, bit) => {
      if ((top >>> bit) & 1) remainder = (remainder ^ word) >>> 0;
    });
  }
  return remainder;
}

// BIP-173: each HRP character's high bits, a zero, then its low 5 bits.
function hrpValues(hrp) {
  const codes = Array.from(hrp, (c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

// BIP-173: every character must be US-ASCII 33..126.
const printable = (text) => Array.from(text).every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126);

// `hrp` and 5-bit `data` values as a lowercase string with the `encoding` checksum.
export function encode(hrp, data, encoding) {
  if (!hrp || !printable(hrp)) throw new Error("the prefix must be US-ASCII characters 33 to 126");
  hrp = hrp.toLowerCase();
  const remainder = polymod([...hrpValues(hrp), ...data, ...new Array(CHECKSUM_LENGTH).fill(0)]) ^ encoding;
  const checksum = Array.from({ length: CHECKSUM_LENGTH }, (_, i) => (remainder >>> (5 * (5 - i))) & 31);
  const text = `${hrp}1${[...data, ...checksum].map((v) => CHARSET[v]).join("")}`;
  if (text.length > MAX_LENGTH) throw new Error(`longer than ${MAX_LENGTH} characters`);
  return text;
}

// {hrp, data, encoding} of a Bech32 or Bech32m string; throws with the reason it is not one.
export function decode(text) {
  if (!printable(text)) throw new Error("it may only use US-ASCII characters 33 to 126");
  if (text.length > MAX_LENGTH) throw new Error(`it is longer than ${MAX_LENGTH} characters`);
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    throw new Error("it mixes upper and lower case");
  }
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf("1"); // the last "1": the HRP may contain one too
  if (separator < 0) throw new Error("it has no '1' separator");
  if (separator === 0) throw new Error("the prefix before the '1' is empty");
  const hrp = lower.slice(0, separator);
  const part = lower.slice(separator + 1);
  if (part.length < CHECKSUM_LENGTH) throw new Error("the checksum is too short");
  const bad = Array.from(part).find((c) => !CHARSET.includes(c));
  if (bad !== undefined) throw new Error(`'${bad}' is not a Bech32 character`);
  const values = Array.from(part, (c) => CHARSET.indexOf(c));
  const encoding = polymod([...hrpValues(hrp), ...values]);
  if (encoding !== BECH32 && encoding !== BECH32M) throw new Error("the checksum is wrong (a typo?)");
  return { hrp, data: values.slice(0, -CHECKSUM_LENGTH), encoding };
}

// Regroup `from`-bit values into `to`-bit values; without `pad`, leftover bits must be zero padding.
export function convertBits(data, from, to, pad) {
  let pending = 0;
  let bits = 0;
  const out = [];
  for (const value of data) {
    if (value < 0 || value >> from) throw new Error(`${value} does not fit in ${from} bits`);
    pending = (pending << from) | value;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((pending >> bits) & ((1 << to) - 1));
    }
    pending &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits) out.push((pending << (to - bits)) & ((1 << to) - 1));
  } else if (bits >= from || pending) {
    throw new Error("bad padding");
  }
  return out;
}
