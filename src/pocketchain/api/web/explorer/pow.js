// Proof of work in the browser: the target a block's compact "bits" encode, and how far below
// it a hash is. Targets and hashes are 256-bit numbers, kept exact as BigInt.

// Compact bits (8 hex digits, as the API shows them) to the target, as Core's SetCompact: one
// byte of size, then a 3-byte mantissa; target = mantissa × 256^(size − 3). Valid headers never
// set the sign bit, so it is left out here.
export function targetFromBits(bits) {
  const compact = parseInt(bits, 16);
  const size = compact >>> 24;
  const mantissa = compact & 0x7fffff;
  return size <= 3 ? BigInt(mantissa >>> (8 * (3 - size)))
    : BigInt(mantissa) << BigInt(8 * (size - 3));
}

// The work a block proves: the hashes expected to find one under its target (Core: GetBlockProof).
export const blockWork = (bits) => (1n << 256n) / (targetFromBits(bits) + 1n);

// A hash in display order read as the number the proof-of-work check compares.
export const hashValue = (hash) => BigInt(`0x${hash}`);

export const hex64 = (n) => n.toString(16).padStart(64, "0");

export function zeroDigits(hex) {
  return /^0*/.exec(hex)[0].length;
}

export function zeroBits(hex) {
  const digits = zeroDigits(hex);
  if (digits === hex.length) return 4 * digits;
  return 4 * digits + Math.clz32(parseInt(hex[digits], 16)) - 28;
}

// Difficulty: the network's proof-of-work limit (from the status answer) over a block's target.
export function difficulty(bits, status) {
  const scale = 10n ** 12n;
  const ratio = (BigInt(`0x${status.pow_limit}`) * scale) / targetFromBits(bits);
  return Number(ratio) / Number(scale);
}
