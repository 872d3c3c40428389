// SPDX-License-Identifier: GPL-3.0-or-later
// Computes BLAKE3, HKDF and AES-256-GCM-SIV with @noble for the C cross-check (test-noble-crypto).
//
// Reads one JSON request from stdin: { cases: [ { input, key, ikm, salt, info, okm_len,
// gcm_key, nonce, aad } ] } with every byte string in hex, and writes { results: [ ... ] }
// with the same order. An empty salt is passed as `undefined`, so noble applies RFC 5869's
// default of HashLen zero bytes by itself.
import { blake3 } from '@noble/hashes/blake3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { gcmsiv } from '@noble/ciphers/aes.js';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const request = JSON.parse(await readStdin());
const results = request.cases.map((c) => {
  const input = hexToBytes(c.input);
  const key = hexToBytes(c.key);
  const ikm = hexToBytes(c.ikm);
  const salt = c.salt.length > 0 ? hexToBytes(c.salt) : undefined;
  const info = hexToBytes(c.info);
  return {
    hash: bytesToHex(blake3(input)),
    keyed: bytesToHex(blake3(input, { key })),
    xof: bytesToHex(blake3(input, { dkLen: c.xof_len })),
    hkdf_sha256: bytesToHex(hkdf(sha256, ikm, salt, info, c.okm_len)),
    hkdf_blake3: bytesToHex(hkdf(blake3, ikm, salt, info, c.okm_len)),
    gcm_siv: bytesToHex(gcmsiv(hexToBytes(c.gcm_key), hexToBytes(c.nonce), hexToBytes(c.aad)).encrypt(input)),
  };
});
process.stdout.write(JSON.stringify({ results }));
