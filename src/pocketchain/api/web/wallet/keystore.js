// The browser wallet: one key made or imported here, or the recovery phrase of a `pocketchain
// wallet` (its whole BIP-32 tree), encrypted at rest in localStorage (PBKDF2-SHA256 + AES-GCM,
// Web Crypto) and decrypted only into memory while unlocked.

import { fromHex, fromUtf8, toHex, utf8 } from "./bytes.js";
import { checkPhrase, deriveChild, derivePath, phraseToSeed } from "./hd.js";
import { encodeAddress, isValidSecret, keyHash, publicKey } from "./keys.js";

export const RECEIVE = 0;
export const CHANGE = 1;

const VERSION = 1;
const ITERATIONS = 600000; // PBKDF2-SHA256 rounds: each guess at a passphrase costs as much

// in memory only: {network, hrp, kind ("key" or "words"), chains (a phrase's receive and change
// keys, or null), keys (every key derived, by "chain/index"), and the identity's secret, pubkey,
// keyHash and address: the one key, or a phrase's first receiving address}
let unlocked = null;

class WrongPassphrase extends Error {
  constructor() {
    super("Wrong passphrase: the wallet stays locked.");
  }
}

const storageKey = (network) => `pocketchain.wallet.${network}`;

// The stored (encrypted) wallet of this network, or null.
export function stored(network) {
  const text = localStorage.getItem(storageKey(network));
  return text ? JSON.parse(text) : null;
}

// The unlocked key of this network, or null when locked.
export function session(network) {
  return unlocked && unlocked.network === network ? unlocked : null;
}

export function lock() {
  if (unlocked) {
    for (const key of [...unlocked.keys.values(), ...(unlocked.chains || [])]) key.secret.fill(0);
  }
  unlocked = null;
}

// The AES-256-GCM key from a passphrase; the header (version, network) is authenticated too.
async function aesKey(passphrase, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

// what a record's ciphertext holds is authenticated with it: a phrase's record says "words"
const header = (network, kind) => utf8(`pocketchain wallet ${VERSION} ${network}${kind === "words" ? " words" : ""}`);

// A new random key (a 32-byte secret below the curve order) for this network, saved and unlocked.
export async function create(network, passphrase, hrp) {
  let secret;
  do secret = crypto.getRandomValues(new Uint8Array(32)); while (!isValidSecret(secret));
  return save(network, "key", secret, passphrase, hrp);
}

// A secret key pasted as 64 hex digits, or a recovery phrase of 12 to 24 words, saved and unlocked.
export async function importSecret(network, pasted, passphrase, hrp) {
  const text = pasted.trim();
  if (/\s/.test(text)) return save(network, "words", utf8(await checkPhrase(text)), passphrase, hrp);
  const secret = /^[0-9a-fA-F]{64}$/.test(text) ? fromHex(text) : null;
  if (!secret || !isValidSecret(secret)) {
    throw new Error("A secret key is 64 hex digits (a valid secp256k1 key); a recovery phrase is 12 to 24 words.");
  }
  return save(network, "key", secret, passphrase, hrp);
}

async function save(network, kind, secret, passphrase, hrp) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt, ITERATIONS);
  const params = { name: "AES-GCM", iv, additionalData: header(network, kind) };
  const ciphertext = await crypto.subtle.encrypt(params, key, secret);
  const record = {
    version: VERSION,
    network,
    kind,
    kdf: { name: "PBKDF2-SHA256", iterations: ITERATIONS, salt: toHex(salt) },
    cipher: { name: "AES-256-GCM", iv: toHex(iv) },
    ciphertext: toHex(new Uint8Array(ciphertext)),
  };
  localStorage.setItem(storageKey(network), JSON.stringify(record));
  return open(network, kind, secret, hrp);
}

// The stored wallet's kind and secret (a key, or a phrase's UTF-8); WrongPassphrase when the
// passphrase does not decrypt it.
async function decrypt(network, passphrase) {
  const record = stored(network);
  if (!record) throw new Error("There is no wallet in this browser yet.");
  if (record.version !== VERSION || record.network !== network) {
    throw new Error("The stored wallet has a format this page does not know.");
  }
  const kind = record.kind || "key"; // records from before phrases hold a key
  const key = await aesKey(passphrase, fromHex(record.kdf.salt), record.kdf.iterations);
  try {
    const params = { name: "AES-GCM", iv: fromHex(record.cipher.iv), additionalData: header(network, kind) };
    return [kind, new Uint8Array(await crypto.subtle.decrypt(params, key, fromHex(record.ciphertext)))];
  } catch {
    throw new WrongPassphrase();
  }
}

export async function unlock(network, passphrase, hrp) {
  const [kind, secret] = await decrypt(network, passphrase);
  return open(network, kind, secret, hrp);
}

// For a backup, asking for the passphrase again even when unlocked: {kind: "key", text: 64 hex
// digits} or {kind: "words", text: the recovery phrase}.
export async function revealSecret(network, passphrase) {
  const [kind, secret] = await decrypt(network, passphrase);
  const text = kind === "words" ? fromUtf8(secret) : toHex(secret);
  secret.fill(0);
  return { kind, text };
}

async function open(network, kind, secret, hrp) {
  lock();
  let chains = null;
  let identity = secret;
  if (kind === "words") {
    // the CLI's tree (wallet/wallet.py): m/86'/coin'/0'/chain/index, coin 0 on main, 1 elsewhere
    const seed = await phraseToSeed(fromUtf8(secret));
    const account = await derivePath(seed, `m/86'/${network === "main" ? 0 : 1}'/0'`);
    chains = [await deriveChild(account, RECEIVE), await deriveChild(account, CHANGE)];
    identity = (await deriveChild(chains[RECEIVE], 0)).secret;
    secret.fill(0);
  }
  const wallet = { network, hrp, kind, chains, keys: new Map() };
  const { pubkey, keyHash: hash, address } = await named(wallet, RECEIVE, 0, identity);
  Object.assign(wallet, { secret: identity, pubkey, keyHash: hash, address });
  unlocked = wallet;
  return wallet;
}

// {chain, index, secret, pubkey, keyHash, address} of a key, kept in the wallet's `keys`.
async function named(wallet, chain, index, secret) {
  const pubkey = publicKey(secret);
  const hash = await keyHash(pubkey);
  const key = { chain, index, secret, pubkey, keyHash: hash, address: encodeAddress(wallet.hrp, hash) };
  wallet.keys.set(`${chain}/${index}`, key);
  return key;
}

// A phrase's key on `chain` (RECEIVE or CHANGE) at `index`; a one-key wallet has only RECEIVE 0.
export async function keyAt(wallet, chain, index) {
  const known = wallet.keys.get(`${chain}/${index}`);
  if (known) return known;
  if (!wallet.chains) throw new Error("a one-key wallet has no other keys");
  return named(wallet, chain, index, (await deriveChild(wallet.chains[chain], index)).secret);
}
