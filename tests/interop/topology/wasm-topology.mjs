// SPDX-License-Identifier: GPL-3.0-or-later
// Prints, as one line of JSON, the topology the real Nym client (WASM 1.4.1) builds from the
// nym-api at the URL given as the first argument, for test-topology-wasm to compare with ours.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

// The wasm glue logs to the console; stdout carries only the answer.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@nymproject/nym-client-wasm/package.json'));
const nym = await import(path.join(pkgDir, 'nym_client_wasm.js'));
nym.initSync({ module: fs.readFileSync(path.join(pkgDir, 'nym_client_wasm_bg.wasm')) });

const url = process.argv[2];
const topology = await nym.currentNetworkTopology(url);

// Maps and Sets as plain JSON.
const entries = (m) => (m instanceof Map ? [...m.entries()] : Object.entries(m));
const list = (s) => [...s].map(Number).sort((a, b) => a - b);
const set = topology.rewardedSet;
const out = {
  metadata: {
    key_rotation_id: topology.metadata.key_rotation_id,
    absolute_epoch_id: topology.metadata.absolute_epoch_id,
  },
  rewardedSet: {
    epoch_id: set.epoch_id,
    entry_gateways: list(set.entry_gateways),
    exit_gateways: list(set.exit_gateways),
    layer1: list(set.layer1),
    layer2: list(set.layer2),
    layer3: list(set.layer3),
    standby: list(set.standby),
  },
  nodes: entries(topology.nodeDetails).map(([id, node]) => ({
    nodeId: Number(id),
    identityKey: node.identityKey,
    sphinxKey: node.sphinxKey,
    mixHost: node.mixHost,
    entry: node.entry ? {
      ip_addresses: [...node.entry.ip_addresses],
      clients_ws_port: node.entry.clients_ws_port,
      hostname: node.entry.hostname ?? null,
      clients_wss_port: node.entry.clients_wss_port ?? null,
    } : null,
    supportedRoles: node.supportedRoles,
  })),
};
// The wasm client keeps its HTTP connection open; exit once the answer is written.
process.stdout.write(JSON.stringify(out) + '\n', () => process.exit(0));
