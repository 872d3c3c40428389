// SPDX-License-Identifier: GPL-3.0-or-later
// An independent Nym gateway for the C client's session (spec nym-gateway.md §1.2–§1.8), written
// with Node's own X25519/Ed25519, @noble BLAKE3/HKDF/GCM-SIV and the `ws` server: it shares no
// code with ours. It prints "READY <port> <identity hex>" on stdout, then checks every message the
// client sends and answers as a 2026 gateway would. Each finished step is reported on stdout as
// "STEP <name>"; any check that fails prints "FAIL <reason>" and exits non-zero.
import crypto from 'node:crypto';
import { WebSocketServer } from 'ws';
import { blake3 } from '@noble/hashes/blake3.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { gcmsiv } from '@noble/ciphers/aes.js';

const FREE_BANDWIDTH = 68719476736n;
const PACKET_LEN = 2413;

function fail(reason) {
  process.stdout.write(`FAIL ${reason}\n`);
  process.exit(1);
}

function step(name) {
  process.stdout.write(`STEP ${name}\n`);
}

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

function x25519Public(raw) {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' });
}

function ed25519Public(raw) {
  return crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
}

function rawPublic(keyObject) {
  return new Uint8Array(Buffer.from(keyObject.export({ format: 'jwk' }).x, 'base64url'));
}

const concat = (...parts) => new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));

const identity = crypto.generateKeyPairSync('ed25519');
const identityPublic = rawPublic(identity.publicKey);

// Client address (hex of its Ed25519 key) → shared key and last accepted timestamp.
const registrations = new Map();

function send(ws, object) {
  ws.send(JSON.stringify(object));
}

function handleText(ws, state, text) {
  let request;
  try {
    request = JSON.parse(text);
  } catch {
    fail(`client sent text that is not JSON: ${text.slice(0, 80)}`);
  }
  switch (request.type) {
    case 'supportedProtocol':
      if (Object.keys(request).length !== 1) fail('supportedProtocol has extra fields');
      send(ws, { type: 'supportedProtocol', version: 6 });
      step('supported-protocol');
      return;

    case 'handshakePayload': {
      const data = Uint8Array.from(request.data);
      if (state.handshake === undefined) {
        // §1.4 step 2: IDc ‖ X ‖ S, exactly 80 bytes, version 4..6.
        if (data.length !== 80) fail(`init has ${data.length} bytes`);
        if (request.protocol_version !== 6) fail(`init proposes version ${request.protocol_version}`);
        const clientIdentity = data.slice(0, 32);
        const clientEphemeral = data.slice(32, 64);
        const salt = data.slice(64, 80);
        const ephemeral = crypto.generateKeyPairSync('x25519');
        const gatewayEphemeral = rawPublic(ephemeral.publicKey);
        const dh = crypto.diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519Public(clientEphemeral) });
        const key = hkdf(blake3, dh, salt, new Uint8Array(0), 32);
        const signature = crypto.sign(null, concat(gatewayEphemeral, clientEphemeral), identity.privateKey);
        const nonce = crypto.randomBytes(12);
        const sealed = gcmsiv(key, nonce).encrypt(signature);
        state.handshake = { clientIdentity, clientEphemeral, gatewayEphemeral, key };
        send(ws, { type: 'handshakePayload', protocol_version: 6,
                   data: Array.from(concat(gatewayEphemeral, sealed, nonce)) });
        step('handshake-init');
        return;
      }
      // §1.4 steps 6–8: GCM-SIV_K(n2, Sig_IDc(X ‖ Y)) ‖ n2.
      const h = state.handshake;
      if (data.length !== 92) fail(`final handshake message has ${data.length} bytes`);
      let signature;
      try {
        signature = gcmsiv(h.key, data.slice(80)).decrypt(data.slice(0, 80));
      } catch {
        fail('final handshake message does not decrypt with the derived key');
      }
      if (!crypto.verify(null, concat(h.clientEphemeral, h.gatewayEphemeral), ed25519Public(h.clientIdentity), signature))
        fail('client handshake signature does not verify');
      registrations.set(Buffer.from(h.clientIdentity).toString('hex'), { key: h.key, last: 0n });
      state.key = h.key;
      send(ws, { type: 'handshakePayload', protocol_version: 6, data: [1] });
      send(ws, { type: 'register', protocol_version: 6, status: true, upgrade_mode: false });
      step('registered');
      return;
    }

    case 'authenticateV2': {
      // §1.5: fields in camelCase, ciphertext and nonce base64, signature over 101 bytes.
      const version = request.protocolVersion;
      const clientIdentity = Uint8Array.from(request.clientIdentity);
      const ciphertext = new Uint8Array(Buffer.from(request.addressCiphertext, 'base64'));
      const nonce = new Uint8Array(Buffer.from(request.nonce, 'base64'));
      const timestamp = BigInt(request.requestUnixTimestamp);
      const signature = Uint8Array.from(request.requestSignature);
      if (version < 4 || version > 6) fail(`authenticateV2 version ${version}`);
      if (clientIdentity.length !== 32 || ciphertext.length !== 48 || nonce.length !== 12 || signature.length !== 64)
        fail('authenticateV2 field sizes');
      const now = BigInt(Math.floor(Date.now() / 1000));
      const skew = timestamp > now ? timestamp - now : now - timestamp;
      if (skew > 120n) fail(`authenticateV2 timestamp ${timestamp} is ${skew} s off`);
      const ts = Buffer.alloc(8);
      ts.writeBigUInt64BE(timestamp);
      const signed = concat([version], clientIdentity, ciphertext, nonce, ts);
      if (signed.length !== 101) fail('signed data length');
      if (!crypto.verify(null, signed, ed25519Public(clientIdentity), signature))
        fail('authenticateV2 signature does not verify');
      const registration = registrations.get(Buffer.from(clientIdentity).toString('hex'));
      if (registration === undefined) fail('authenticateV2 from a client that never registered');
      const expected = gcmsiv(registration.key, nonce).encrypt(clientIdentity);
      if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(ciphertext)))
        fail('address ciphertext does not match the shared key');
      if (timestamp <= registration.last) fail(`timestamp ${timestamp} not newer than ${registration.last}`);
      registration.last = timestamp;
      state.key = registration.key;
      send(ws, { type: 'authenticate', protocol_version: version, status: true,
                 bandwidth_remaining: Number(FREE_BANDWIDTH), upgrade_mode: false });
      step('authenticated');
      return;
    }

    case 'claimFreeTestnetBandwidth':
      if (state.key === undefined) fail('bandwidth claim before authentication');
      state.bandwidth = FREE_BANDWIDTH;
      send(ws, { type: 'bandwidth', available_total: Number(FREE_BANDWIDTH), upgrade_mode: false });
      step('bandwidth');
      return;

    default:
      fail(`unexpected request type ${request.type}`);
  }
}

// §1.8: kind 2 (ForwardSphinxV2), flag 1, nonce, GCM-SIV ciphertext of
// type ‖ rotation ‖ next hop (IPv4: 0x04 ‖ port BE ‖ ip) ‖ packet. Answered with `send`, and the
// packet goes back to the client as a PushedMixMessage so the test can compare the bytes.
function handleBinary(ws, state, frame) {
  if (state.key === undefined) fail('binary frame before authentication');
  if (frame[0] !== 2 || frame[1] !== 1) fail(`frame kind ${frame[0]} flag ${frame[1]}`);
  let plaintext;
  try {
    plaintext = gcmsiv(state.key, frame.slice(2, 14)).decrypt(frame.slice(14));
  } catch {
    fail('frame does not decrypt with the shared key');
  }
  if (plaintext[0] !== 0) fail(`packet type ${plaintext[0]}`);
  if (plaintext[1] !== 1 && plaintext[1] !== 2) fail(`rotation byte ${plaintext[1]}`);
  if (plaintext[2] !== 4) fail(`next hop address family ${plaintext[2]}`);
  const port = (plaintext[3] << 8) | plaintext[4];
  const ip = Array.from(plaintext.slice(5, 9)).join('.');
  const packet = plaintext.slice(9);
  if (packet.length !== PACKET_LEN) fail(`packet of ${packet.length} bytes`);
  state.bandwidth = (state.bandwidth ?? FREE_BANDWIDTH) - BigInt(packet.length);
  send(ws, { type: 'send', remaining_bandwidth: Number(state.bandwidth), upgrade_mode: false });
  step(`forwarded ${ip}:${port} rotation=${plaintext[1]}`);

  const nonce = crypto.randomBytes(12);
  const pushed = concat([1, 1], nonce, gcmsiv(state.key, nonce).encrypt(packet));
  ws.send(pushed, { binary: true });
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (ws) => {
  const state = {};
  ws.on('message', (data, isBinary) => {
    const bytes = new Uint8Array(data);
    if (isBinary) handleBinary(ws, state, bytes);
    else handleText(ws, state, Buffer.from(bytes).toString('utf8'));
  });
  ws.on('close', () => step('closed'));
});
server.on('listening', () => {
  process.stdout.write(`READY ${server.address().port} ${Buffer.from(identityPublic).toString('hex')}\n`);
});
// The test closes our stdin when it is done.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
