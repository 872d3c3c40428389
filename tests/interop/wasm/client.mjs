// SPDX-License-Identifier: GPL-3.0-or-later
// The real Nym client (WASM 1.4.1) against a localnet of single-role processes: it registers and
// authenticates again from stored keys, sends 20 messages of 1 B to 50 KB to itself with every
// packet acknowledged, and gets messages queued across a gateway restart (nym-gateway.md §1, §7, §10).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadNymOrSkip, runCases, startClient, dropClient, clientOptions, Inbox, SplitLocalnet, sleep,
} from './localnet.mjs';

const localnet = process.argv[2] || process.env.NYMPH_LOCALNET;
const nym = await loadNymOrSkip(3);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-client-'));
const network = new SplitLocalnet(localnet, dir);
const aliceId = `alice-${process.pid}`;
const bobId = `bob-${process.pid}`;
let info = null;
let alice = null;
let aliceInbox = null;

// Each message is random bytes, so "intact" means byte for byte.
const randomMessage = (size) => crypto.randomBytes(size);
const send = (handle, message, to) => handle.client.send_regular_message(new Uint8Array(message), to);

// Seconds pass before a client authenticates again: the gateway takes an AuthenticateV2 only
// with a timestamp (whole seconds) later than the last one it accepted, as the real one does.
const nextSecond = () => sleep(1100);

await runCases([
  {
    name: 'registers, authenticates again from its stored keys in a second client, and claims bandwidth once',
    timeoutMs: 120000,
    async fn() {
      assert.ok(localnet, 'the nymph-localnet binary is the first argument');
      info = await network.start();
      assert.ok(info.gateway && info.gateway.identity, 'the single-role gateway is in localnet.json');

      const firstInbox = new Inbox();
      const first = await startClient(nym, clientOptions(info, aliceId), firstInbox.onMessage);
      assert.match(first.address, new RegExp(`@${info.gateway.identity}$`));
      // Connection 1 registers (§1.4), connection 2 authenticates with the new key (§1.5) and,
      // finding no bandwidth, claims the free allowance (§1.10).
      await network.waitStats((s) => s.authentications === 1 && s.bandwidth_claims >= 1, 10000,
        'first authentication and bandwidth claim');
      let stats = await network.settledStats();
      assert.equal(stats.registrations, 1);
      assert.equal(stats.authentications, 1);
      assert.equal(stats.bandwidth_claims, 1);
      const hello = Buffer.from('hello from the first client');
      await send(first, hello, first.address);
      await firstInbox.waitFor([hello], 30000, 'first client gets its own message');

      await dropClient(first);
      await network.waitStats((s) => s.clients === 0, 10000, 'the first client is gone');
      await nextSecond();

      aliceInbox = new Inbox();
      alice = await startClient(nym, clientOptions(info, aliceId), aliceInbox.onMessage);
      assert.equal(alice.address, first.address, 'same clientId, same keys, same address');
      await network.waitStats((s) => s.authentications === 2, 10000, 'second authentication');
      stats = await network.settledStats();
      assert.equal(stats.authentications, 2);
      assert.equal(stats.registrations, 1, 'the second client authenticated and did not register again');
      assert.equal(stats.bandwidth_claims, 1, 'the stored bandwidth carried over, no second claim');
      assert.equal(stats.clients, 1);
    },
  },
  {
    name: 'sends 20 messages of 1 byte to 50 KB to itself through our mix nodes, gets each intact once, every packet acknowledged',
    timeoutMs: 180000,
    async fn() {
      assert.ok(alice, 'the client of the first case is running');
      const before = network.stats();
      // Sizes grow geometrically from 1 byte to 50 KiB (one to about 30 packets each).
      const sizes = Array.from({ length: 20 }, (_, i) => Math.round(51200 ** (i / 19)));
      const messages = sizes.map(randomMessage);
      const start = aliceInbox.received.length;
      for (const m of messages) await send(alice, m, alice.address);
      await aliceInbox.waitFor(messages, 120000, '20 messages back');

      // With cover traffic off every client packet is a fragment of these messages (or a
      // retransmission of one). The gateway is also their last hop and sends each packet's
      // SURB-ACK back towards the client; once it has done that for every packet, the client
      // must not send anything more: a retransmission would mean an ack did not reach it.
      const acked = (s) => s.acks_forwarded - before.acks_forwarded === s.client_packets - before.client_packets;
      await network.waitStats(acked, 30000, 'a SURB-ACK forwarded for every packet');
      const delivered = await network.settledStats();
      assert.ok(acked(delivered), `every packet acknowledged: ${JSON.stringify(delivered)}`);
      const packets = delivered.client_packets - before.client_packets;
      assert.ok(packets >= 20 + 24, `at least one packet per message and ~25 for 50 KB, got ${packets}`);
      // Unacked packets are resent about every 1.7 s (wasm-peer.md); wait several rounds.
      await sleep(8000);
      const after = network.stats();
      assert.equal(after.client_packets, delivered.client_packets, 'no packets sent after delivery: no retransmissions');
      assert.equal(after.retransmissions, 0, 'no packet reached the gateway twice');

      const got = aliceInbox.received.slice(start);
      assert.equal(got.length, messages.length, 'each message delivered once');
      for (const [i, m] of messages.entries()) {
        assert.equal(got.filter((r) => r.equals(m)).length, 1, `message ${i} (${m.length} bytes) arrived once`);
      }
    },
  },
  {
    name: 'after the gateway is killed and restarted on the same ports, the client authenticates again and its queued messages arrive',
    timeoutMs: 180000,
    async fn() {
      assert.ok(alice, 'the client of the first case is running');
      const bobInbox = new Inbox();
      const bob = await startClient(nym, clientOptions(info, bobId), bobInbox.onMessage);
      await network.waitStats((s) => s.clients === 2, 10000, 'bob connected');

      // Alice goes offline; what bob sends her now waits in the gateway's inbox.
      const aliceAddress = alice.address;
      await dropClient(alice);
      alice = null;
      const before = await network.waitStats((s) => s.clients === 1, 10000, 'alice is offline');
      const queued = [5, 100, 400, 700, 1000].map(randomMessage);
      for (const m of queued) await send(bob, m, aliceAddress);
      await network.waitStats((s) => s.stored_messages - before.stored_messages >= queued.length,
        30000, 'the messages for alice are stored');

      // SIGKILL: nothing gets a chance to flush; what was stored must be on disk already.
      const killed = await network.gateway.stop('SIGKILL');
      assert.equal(killed.signal, 'SIGKILL');
      await dropClient(bob);
      await network.startGateway();
      let stats = await network.settledStats();
      assert.equal(stats.clients, 0);

      await nextSecond();
      const inbox = new Inbox();
      alice = await startClient(nym, clientOptions(info, aliceId), inbox.onMessage);
      await inbox.waitFor(queued, 30000, 'the stored messages after the restart');
      for (const m of queued) assert.equal(inbox.received.filter((r) => r.equals(m)).length, 1, 'each stored message once');
      const own = [1, 2000, 9000].map(randomMessage);
      for (const m of own) await send(alice, m, alice.address);
      await inbox.waitFor(own, 60000, 'messages sent after reconnecting');

      const bobAgain = await startClient(nym, clientOptions(info, bobId), bobInbox.onMessage);
      const fromBob = [3, 3000].map(randomMessage);
      for (const m of fromBob) await send(bobAgain, m, alice.address);
      await inbox.waitFor(fromBob, 60000, 'bob reaches alice after both reconnected');

      await network.waitStats((s) => s.authentications === 2, 10000, 'both authenticated');
      stats = await network.settledStats();
      assert.equal(stats.authentications, 2);
      assert.equal(stats.registrations, 0, 'the restarted gateway kept both registrations');
      assert.equal(stats.bandwidth_claims, 0, 'and their bandwidth');
      await dropClient(bobAgain);
    },
  },
], async () => {
  const results = await network.stopAll();
  for (const r of results) if (r.stderr) console.error(r.stderr.trim());
  fs.rmSync(dir, { recursive: true, force: true });
});
