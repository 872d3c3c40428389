// SPDX-License-Identifier: GPL-3.0-or-later
// Opens and builds Nym packet-layer pieces with independent libraries for the C cross-check
// (test-packet-interop): X25519 and AES-128-CTR from Node's OpenSSL, BLAKE3/HKDF and
// AES-256-GCM-SIV from @noble. Spec nym-packet.md §15.3, §18, §19; nym-gateway.md §1.8.
//
// Reads one JSON request from stdin (every byte string in hex):
//   { client_private, client_public, ack_key, gateway_key,
//     open: [ { frame, delivered, ack } ],          // built by the C side
//     make: [ { fragment, surb_key, fragment_id } ] } // to be built here
// and writes { opened: [ { forward_plaintext, fragment, ack_id } ],
//              made: [ { pushed_frame, reply, ack } ] } in the same order.
import crypto from 'node:crypto';
import { blake3 } from '@noble/hashes/blake3.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { gcmsiv } from '@noble/ciphers/aes.js';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// Raw X25519 keys as OpenSSL key objects (RFC 8410 DER prefixes).
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
const privateKey = (raw) => crypto.createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
const publicKey = (raw) => crypto.createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
const publicOf = (key) => Buffer.from(crypto.createPublicKey(key).export({ format: 'jwk' }).x, 'base64url');
const x25519 = (priv, pub) => crypto.diffieHellman({ privateKey: privateKey(priv), publicKey: publicKey(pub) });

function aesCtr(key, iv, data) {
  const cipher = crypto.createCipheriv('aes-128-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

// §18: k = HKDF over HMAC-BLAKE3, no salt, no info, 16 bytes, of the X25519 output.
const e2eKey = (shared) => Buffer.from(hkdf(blake3, shared, undefined, undefined, 16));
const ZERO_IV = Buffer.alloc(16);

const request = JSON.parse(await readStdin());
const clientPrivate = Buffer.from(request.client_private, 'hex');
const clientPublic = Buffer.from(request.client_public, 'hex');
const ackKey = Buffer.from(request.ack_key, 'hex');
const gatewayKey = hexToBytes(request.gateway_key);

const opened = request.open.map((item) => {
  // Gateway §1.8: kind ‖ flag ‖ nonce(12) ‖ GCM-SIV(plaintext) ‖ tag.
  const frame = hexToBytes(item.frame);
  const forward = gcmsiv(gatewayKey, frame.slice(2, 14)).decrypt(frame.slice(14));
  // §18: ephemeral key ‖ AES-128-CTR(k, IV 0, fragment).
  const delivered = Buffer.from(item.delivered, 'hex');
  const key = e2eKey(x25519(clientPrivate, delivered.subarray(0, 32)));
  const fragment = aesCtr(key, ZERO_IV, delivered.subarray(32));
  // §19: IV(16) ‖ AES-128-CTR(ack key, IV, fragment id).
  const ack = Buffer.from(item.ack, 'hex');
  const ackId = aesCtr(ackKey, ack.subarray(0, 16), ack.subarray(16));
  return { forward_plaintext: bytesToHex(forward), fragment: fragment.toString('hex'), ack_id: ackId.toString('hex') };
});

const made = request.make.map((item) => {
  const fragment = Buffer.from(item.fragment, 'hex');
  const { privateKey: ephemeral } = crypto.generateKeyPairSync('x25519');
  const ephemeralRaw = Buffer.from(ephemeral.export({ format: 'jwk' }).d, 'base64url');
  const key = e2eKey(x25519(ephemeralRaw, clientPublic));
  const sealed = Buffer.concat([publicOf(ephemeral), aesCtr(key, ZERO_IV, fragment)]);
  const nonce = crypto.randomBytes(12);
  const pushed = Buffer.concat([Buffer.from([1, 1]), nonce, gcmsiv(gatewayKey, nonce).encrypt(sealed)]);
  const surbKey = Buffer.from(item.surb_key, 'hex');
  const reply = Buffer.concat([Buffer.from(blake3(surbKey)), aesCtr(surbKey, ZERO_IV, fragment)]);
  const iv = crypto.randomBytes(16);
  const ack = Buffer.concat([iv, aesCtr(ackKey, iv, Buffer.from(item.fragment_id, 'hex'))]);
  return { pushed_frame: pushed.toString('hex'), reply: reply.toString('hex'), ack: ack.toString('hex') };
});

process.stdout.write(JSON.stringify({ opened, made }));
