// Keys and addresses: BIP-340 Schnorr over secp256k1 (vendored noble), key hashes, bech32m addresses.

import { schnorr, utils } from "../vendor/noble-secp256k1/index.js";
import { BECH32M, convertBits, decode, encode } from "./bech32.js";
import { sha256 } from "./bytes.js";

const ADDRESS_VERSION = 0;
const KEY_HASH_SIZE = 20;

export const isValidSecret = (secret) => secret.length === 32 && utils.isValidSecretKey(secret);

// The 32-byte x-only public key of a secret.
export const publicKey = (secret) => schnorr.getPublicKey(secret);

// A BIP-340 signature of a 32-byte digest, with fresh auxiliary randomness.
export function sign(secret, digest) {
  return schnorr.signAsync(digest, secret, crypto.getRandomValues(new Uint8Array(32)));
}

// False (never an exception) for a malformed key or signature.
export async function verify(pubkey, signature, digest) {
  if (pubkey.length !== 32 || signature.length !== 64) return false;
  return schnorr.verifyAsync(signature, digest, pubkey);
}

// What an output pays to: the first 20 bytes of SHA-256(pubkey).
export async function keyHash(pubkey) {
  return (await sha256(pubkey)).slice(0, KEY_HASH_SIZE);
}

export function encodeAddress(hrp, hash) {
  return encode(hrp, [ADDRESS_VERSION, ...convertBits(hash, 8, 5, true)], BECH32M);
}

// The key hash an address pays to, on this network (prefix `hrp`); throws with a reason a person reads.
export function decodeAddress(hrp, address) {
  let found;
  try {
    found = decode(address.trim());
  } catch (error) {
    throw new Error(`not a valid address: ${error.message}`);
  }
  if (found.hrp !== hrp) throw new Error(`that address is for another network (prefix ${found.hrp}, here ${hrp})`);
  if (found.encoding !== BECH32M) throw new Error("an address uses the bech32m checksum, not bech32");
  let hash;
  try {
    hash = Uint8Array.from(convertBits(found.data.slice(1), 5, 8, false));
  } catch {
    hash = null;
  }
  if (found.data[0] !== ADDRESS_VERSION || !hash || hash.length !== KEY_HASH_SIZE) {
    throw new Error("not a valid address: unknown version or length");
  }
  return hash;
}
