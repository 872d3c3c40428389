// SPDX-License-Identifier: GPL-3.0-or-later
// The real Nym node tester (WASM 1.4.1 NymNodeTester) checks each of our mix nodes through our
// gateway, with a topology built from localnet.json as in wasm-peer.md; every node must pass.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadNymOrSkip, runCases, startClient, dropClient, clientOptions, Inbox, startRole, sleep,
} from './localnet.mjs';

const localnet = process.argv[2] || process.env.NYMPH_LOCALNET;
const PER_LAYER = 2;
const PACKETS = 20;
const nym = await loadNymOrSkip(1 + 3 * PER_LAYER);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-node-tester-'));
const testerId = `localnet-${process.pid}`;
let network = null;
let info = null;
let tester = null;

// The WasmFriendlyNymTopology of wasm-peer.md, from localnet.json alone (no nym-api).
function topologyOf(localnetInfo) {
  const nodes = localnetInfo.nodes;
  const ids = (pred) => nodes.filter(pred).map((n) => n.node_id);
  const details = new Map(nodes.map((n) => {
    const gateway = n.kind === 'gateway';
    const ws = gateway ? new URL(n.websocket_url) : null;
    return [n.node_id, {
      nodeId: n.node_id,
      mixHost: n.mix_address,
      entry: gateway ? { ip_addresses: [ws.hostname], clients_ws_port: Number(ws.port), hostname: null, clients_wss_port: null } : null,
      identityKey: n.identity,
      sphinxKey: n.sphinx_key,
      supportedRoles: { mixnode: !gateway, mixnet_entry: gateway, mixnet_exit: gateway && n.exit },
    }];
  }));
  return {
    metadata: { key_rotation_id: localnetInfo.key_rotation_id, absolute_epoch_id: localnetInfo.absolute_epoch_id, refreshed_at: new Date().toISOString() },
    rewardedSet: {
      epoch_id: localnetInfo.absolute_epoch_id,
      entry_gateways: ids((n) => n.kind === 'gateway' && n.entry),
      exit_gateways: ids((n) => n.kind === 'gateway' && n.exit),
      layer1: ids((n) => n.kind === 'mixnode' && n.layer === 1),
      layer2: ids((n) => n.kind === 'mixnode' && n.layer === 2),
      layer3: ids((n) => n.kind === 'mixnode' && n.layer === 3),
      standby: [],
    },
    nodeDetails: details,
  };
}

const cases = [
  {
    name: 'the node tester connects through our gateway with keys registered by a client of its storage id',
    timeoutMs: 120000,
    async fn() {
      assert.ok(localnet, 'the nymph-localnet binary is the first argument');
      network = startRole(localnet, ['run', '--dir', dir, '--zero-delay', '--mixnodes-per-layer', String(PER_LAYER)]);
      info = JSON.parse(fs.readFileSync(await network.ready, 'utf8'));
      // The tester reads its keys and gateway registration from storage `_nym-node-tester-<id>`.
      const inbox = new Inbox();
      const setup = await startClient(nym, clientOptions(info, `_nym-node-tester-${testerId}`), inbox.onMessage);
      const ping = Buffer.from('node tester setup');
      await setup.client.send_regular_message(new Uint8Array(ping), setup.address);
      await inbox.waitFor([ping], 30000, 'the setup client reaches itself');
      await dropClient(setup);
      // A later whole second for the tester's AuthenticateV2 (the gateway wants a newer timestamp).
      await sleep(1100);
      tester = await new nym.NymNodeTester({ id: testerId, topology: topologyOf(info), gateway: info.gateway.identity });
      assert.ok(tester);
    },
  },
];

for (const layer of [1, 2, 3]) {
  for (let index = 1; index <= PER_LAYER; index++) {
    const name = `mix-${layer}-${index}`;
    cases.push({
      name: `the node tester finds ${name} working: all ${PACKETS} test packets and their acks come back`,
      timeoutMs: 60000,
      async fn() {
        assert.ok(tester, 'the tester of the first case is running');
        const node = info.nodes.find((n) => n.name === name);
        assert.ok(node, `${name} is in localnet.json`);
        const result = await tester.test_node(node.identity, 20000n, PACKETS);
        const report = {
          sent: result.sent_packets, received: result.received_packets, acks: result.received_acks,
          duplicatePackets: result.duplicate_packets, duplicateAcks: result.duplicate_acks, score: result.score(),
        };
        console.error(`${name}: ${JSON.stringify(report)}`);
        assert.equal(report.sent, PACKETS);
        assert.equal(report.received, PACKETS, JSON.stringify(report));
        assert.equal(report.acks, PACKETS, JSON.stringify(report));
        assert.equal(report.duplicatePackets, 0);
        assert.equal(report.duplicateAcks, 0);
        assert.equal(report.score, 100);
        result.free();
      },
    });
  }
}

await runCases(cases, async () => {
  if (network) {
    const { code, stderr } = await network.stop('SIGTERM');
    console.error(stderr.trim());
    if (code !== 0) console.error(`nymph-localnet run exited with ${code}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
