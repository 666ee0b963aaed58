// Recovery phrases (BIP-39) and key trees (BIP-32, private derivation), as wallet/mnemonic.py and
// wallet/hd.py: the same words give the same keys here as in `pocketchain wallet`.
//
// PBKDF2 and HMAC-SHA512 come from the browser's Web Crypto; the curve arithmetic from noble.

import { getPublicKey } from "../vendor/noble-secp256k1/index.js";
import { concat, sha256, utf8 } from "./bytes.js";

export const HARDENED = 0x80000000;
const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n; // secp256k1 n
const WORD_COUNTS = [12, 15, 18, 21, 24];

let wordlist = null; // BIP-39's 2,048 English words, in order, fetched once from the node

async function words() {
  if (!wordlist) {
    const answer = await fetch("/ui/bip39-english");
    if (!answer.ok) throw new Error("the node did not give the BIP-39 word list");
    wordlist = await answer.json();
  }
  return wordlist;
}

// The phrase normalized (NFKD, lower case, single spaces); throws with the reason a person reads,
// as check_mnemonic.
export async function checkPhrase(phrase) {
  const list = await words();
  const typed = phrase.normalize("NFKD").toLowerCase().split(/\s+/).filter(Boolean);
  if (!WORD_COUNTS.includes(typed.length)) {
    throw new Error(`A recovery phrase has 12, 15, 18, 21 or 24 words, not ${typed.length}.`);
  }
  const bits = typed.map((word, position) => {
    const index = list.indexOf(word);
    if (index < 0) throw new Error(`Word ${position + 1} of the recovery phrase, "${word}", is not a BIP-39 word.`);
    return index.toString(2).padStart(11, "0");
  }).join("");
  // 11 bits a word: the entropy, then its SHA-256's first (entropy bits / 32) bits
  const entropyBits = (bits.length * 32) / 33;
  const entropy = Uint8Array.from(bits.slice(0, entropyBits).match(/.{8}/g), (byte) => parseInt(byte, 2));
  const digest = Array.from(await sha256(entropy), (b) => b.toString(2).padStart(8, "0")).join("");
  if (digest.slice(0, bits.length - entropyBits) !== bits.slice(entropyBits)) {
    throw new Error("The recovery phrase's checksum does not match: check the words and their order.");
  }
  return typed.join(" ");
}

// The 64-byte seed: PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic" + passphrase (mnemonic_to_seed).
export async function phraseToSeed(phrase, passphrase = "") {
  const base = await crypto.subtle.importKey("raw", utf8(phrase.normalize("NFKD")), "PBKDF2", false, ["deriveBits"]);
  const salt = utf8(`mnemonic${passphrase}`.normalize("NFKD"));
  const params = { name: "PBKDF2", hash: "SHA-512", salt, iterations: 2048 };
  return new Uint8Array(await crypto.subtle.deriveBits(params, base, 512));
}

// HMAC-SHA512 split into its left and right 32 bytes (IL, IR in the BIP).
async function hmacHalves(key, data) {
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const digest = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, data));
  return [digest.slice(0, 32), digest.slice(32)];
}

const toNumber = (bytes) => BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") || "0"}`);
const toBytes32 = (n) => Uint8Array.from(n.toString(16).padStart(64, "0").match(/../g), (h) => parseInt(h, 16));

function u32(n) {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

// {secret, chainCode} of a seed's master key.
export async function masterKey(seed) {
  const [secret, chainCode] = await hmacHalves(utf8("Bitcoin seed"), seed);
  const n = toNumber(secret);
  if (n === 0n || n >= ORDER) throw new Error("invalid master key; use another seed");
  return { secret, chainCode };
}

// The child at `index` (CKDpriv); like derive_child, an invalid index (odds about 2**-127) moves
// on to the next one on the same side of HARDENED.
export async function deriveChild(parent, index) {
  const hardened = index >= HARDENED;
  const prefix = hardened ? concat([Uint8Array.of(0), parent.secret]) : getPublicKey(parent.secret, true);
  const end = hardened ? 2 ** 32 : HARDENED;
  for (let i = index; i < end; i += 1) {
    const [tweak, chainCode] = await hmacHalves(parent.chainCode, concat([prefix, u32(i)]));
    const t = toNumber(tweak);
    const child = (t + toNumber(parent.secret)) % ORDER;
    if (t < ORDER && child !== 0n) return { secret: toBytes32(child), chainCode };
  }
  throw new Error(`no valid child key from index ${index} on`);
}

// The key at a path such as "m/86'/1'/0'" below a seed's master key (derive_path).
export async function derivePath(seed, path) {
  const [first, ...steps] = path.split("/");
  if (first !== "m") throw new Error(`a key path starts with m, not ${path}`);
  let key = await masterKey(seed);
  for (const step of steps) {
    const match = /^([0-9]+)(['h]?)$/.exec(step);
    if (!match || Number(match[1]) >= HARDENED) throw new Error(`${step} in ${path} is not a key index`);
    key = await deriveChild(key, Number(match[1]) + (match[2] ? HARDENED : 0));
  }
  return key;
}
