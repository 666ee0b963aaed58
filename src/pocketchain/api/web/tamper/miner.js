// The Tamper page's miner, run as a Web Worker so the page stays responsive: it tries nonces on an
// 80-byte header until its double SHA-256 is at or below the target, as the node's miner does.
//
// Message in: {header (80 bytes), target (64 hex digits), from (the first nonce)}.
// Messages out: {tried, seconds} now and then, then {nonce, tried, seconds} when one meets the
// target or {exhausted: true, tried, seconds} after the last nonce (2**32 - 1).
//
// SHA-256 is written out here (FIPS 180-4) because Web Crypto only hashes asynchronously, one
// call per hash; the first 64 bytes of the header do not hold the nonce, so their compression
// is done once ("midstate") and each try costs two compressions.

const K = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
const INITIAL = Uint32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);
const REPORT_EVERY = 0.25; // seconds between progress messages

const rotr = (x, n) => (x >>> n) | (x << (32 - n));
const w = new Uint32Array(64);

// One SHA-256 compression of the 16 words `block` from `state`, written into `out` (which may be
// `state` itself). Plain local variables and no allocation: this loop is the miner's whole cost.
function compress(state, block, out) {
  for (let t = 0; t < 16; t += 1) w[t] = block[t];
  for (let t = 16; t < 64; t += 1) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  let a = state[0]; let b = state[1]; let c = state[2]; let d = state[3];
  let e = state[4]; let f = state[5]; let g = state[6]; let h = state[7];
  for (let t = 0; t < 64; t += 1) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  out[0] = state[0] + a; out[1] = state[1] + b; out[2] = state[2] + c; out[3] = state[3] + d;
  out[4] = state[4] + e; out[5] = state[5] + f; out[6] = state[6] + g; out[7] = state[7] + h;
  return out;
}

const bigEndianWords = (bytes) => Uint32Array.from({ length: bytes.length / 4 }, (_, i) =>
  (bytes[4 * i] << 24) | (bytes[4 * i + 1] << 16) | (bytes[4 * i + 2] << 8) | bytes[4 * i + 3]);
const swap32 = (x) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;

// The header's hash in display order (the 32 digest bytes reversed) as hex.
function displayHex(state) {
  let hex = "";
  for (let i = 7; i >= 0; i -= 1) hex += swap32(state[i]).toString(16).padStart(8, "0");
  return hex;
}

function mine({ header, target, from }) {
  const midstate = compress(INITIAL, bigEndianWords(header.subarray(0, 64)), new Uint32Array(8));
  // the second block: the header's last 16 bytes, the padding, the length (640 bits)
  const tail = new Uint32Array(16);
  tail.set(bigEndianWords(header.subarray(64, 80)));
  tail[4] = 0x80000000;
  tail[15] = 640;
  // the hash of the 32-byte digest: one block, padded, length 256 bits
  const second = new Uint32Array(16); // words 0 to 7: the first hash
  second[8] = 0x80000000;
  second[15] = 256;
  const goal = BigInt(`0x${target}`);
  const top = Number(goal >> 224n); // the target's most significant 32 bits
  const started = performance.now();
  let reported = started;
  let tried = 0;
  const state = new Uint32Array(8);
  for (let nonce = from; nonce <= 0xffffffff; nonce += 1) {
    tail[3] = swap32(nonce); // the nonce is little-endian in the header
    compress(midstate, tail, second);
    compress(INITIAL, second, state);
    tried += 1;
    // the hash read as a number: its most significant 32 bits are the last digest word, swapped
    if (swap32(state[7]) <= top && BigInt(`0x${displayHex(state)}`) <= goal) {
      postMessage({ nonce, hash: displayHex(state), tried, seconds: (performance.now() - started) / 1000 });
      return;
    }
    if ((tried & 0x3fff) === 0 && performance.now() - reported > REPORT_EVERY * 1000) {
      reported = performance.now();
      postMessage({ tried, seconds: (reported - started) / 1000 });
    }
  }
  postMessage({ exhausted: true, tried, seconds: (performance.now() - started) / 1000 });
}

onmessage = (event) => mine(event.data);
