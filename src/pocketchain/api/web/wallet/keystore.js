// The browser wallet's one key: made or imported here, encrypted at rest in localStorage
// (PBKDF2-SHA256 + AES-GCM, Web Crypto), and decrypted only into memory while unlocked.

import { fromHex, toHex, utf8 } from "./bytes.js";
import { encodeAddress, isValidSecret, keyHash, publicKey } from "./keys.js";

const VERSION = 1;
const ITERATIONS = 600000; // PBKDF2-SHA256 rounds: each guess at a passphrase costs as much

let unlocked = null; // {network, secret, pubkey, keyHash, address}: in memory only

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
  if (unlocked) unlocked.secret.fill(0);
  unlocked = null;
}

// The AES-256-GCM key from a passphrase; the header (version, network) is authenticated too.
async function aesKey(passphrase, salt, iterations) {
  const base = await crypto.subtle.importKey("raw", utf8(passphrase), "PBKDF2", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

const header = (network) => utf8(`pocketchain wallet ${VERSION} ${network}`);

// A new random key (a 32-byte secret below the curve order) for this network, saved and unlocked.
export async function create(network, passphrase, hrp) {
  let secret;
  do secret = crypto.getRandomValues(new Uint8Array(32)); while (!isValidSecret(secret));
  return save(network, secret, passphrase, hrp);
}

// A secret key pasted as 64 hex digits, saved and unlocked.
export async function importSecret(network, hex, passphrase, hrp) {
  const text = hex.trim();
  const secret = /^[0-9a-fA-F]{64}$/.test(text) ? fromHex(text) : null;
  if (!secret || !isValidSecret(secret)) throw new Error("A secret key is 64 hex digits (a valid secp256k1 key).");
  return save(network, secret, passphrase, hrp);
}

async function save(network, secret, passphrase, hrp) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt, ITERATIONS);
  const params = { name: "AES-GCM", iv, additionalData: header(network) };
  const ciphertext = await crypto.subtle.encrypt(params, key, secret);
  const record = {
    version: VERSION,
    network,
    kdf: { name: "PBKDF2-SHA256", iterations: ITERATIONS, salt: toHex(salt) },
    cipher: { name: "AES-256-GCM", iv: toHex(iv) },
    ciphertext: toHex(new Uint8Array(ciphertext)),
  };
  localStorage.setItem(storageKey(network), JSON.stringify(record));
  return open(network, secret, hrp);
}

// The secret of the stored wallet; WrongPassphrase when the passphrase does not decrypt it.
async function decrypt(network, passphrase) {
  const record = stored(network);
  if (!record) throw new Error("There is no wallet in this browser yet.");
  if (record.version !== VERSION || record.network !== network) {
    throw new Error("The stored wallet has a format this page does not know.");
  }
  const key = await aesKey(passphrase, fromHex(record.kdf.salt), record.kdf.iterations);
  try {
    const params = { name: "AES-GCM", iv: fromHex(record.cipher.iv), additionalData: header(network) };
    return new Uint8Array(await crypto.subtle.decrypt(params, key, fromHex(record.ciphertext)));
  } catch {
    throw new WrongPassphrase();
  }
}

export async function unlock(network, passphrase, hrp) {
  return open(network, await decrypt(network, passphrase), hrp);
}

// The secret as 64 hex digits, for a backup: asks for the passphrase again, even when unlocked.
export async function revealSecret(network, passphrase) {
  const secret = await decrypt(network, passphrase);
  const hex = toHex(secret);
  secret.fill(0);
  return hex;
}

async function open(network, secret, hrp) {
  lock();
  const pubkey = publicKey(secret);
  const hash = await keyHash(pubkey);
  unlocked = { network, secret, pubkey, keyHash: hash, address: encodeAddress(hrp, hash) };
  return unlocked;
}
