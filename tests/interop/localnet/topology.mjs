// SPDX-License-Identifier: GPL-3.0-or-later
// The real Nym client (WASM 1.4.1) reads our nym-api: the topology it builds from a running
// `nymph-localnet run` must hold every node of localnet.json with the same keys, ports and layers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';

// The wasm glue logs to the console; keep stdout for TAP.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@nymproject/nym-client-wasm/package.json'));
const nym = await import(path.join(pkgDir, 'nym_client_wasm.js'));
nym.initSync({ module: fs.readFileSync(path.join(pkgDir, 'nym_client_wasm_bg.wasm')) });

const localnet = process.argv[2] || process.env.NYMPH_LOCALNET;

function startNetwork(dir, extra) {
  const child = spawn(localnet, ['run', '--dir', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`network not ready: ${output}`)), 30000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/^nymph-localnet: ready (\S+)$/m);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`nymph-localnet exited with ${code}`)); });
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, ready, exited };
}

// The topology comes back as plain objects or Maps depending on the glue; read both.
const entries = (m) => (m instanceof Map ? [...m.entries()] : Object.entries(m));
const ids = (list) => [...list].map(Number).sort((a, b) => a - b);

for (const gateways of [1, 2]) {
  test(`the WASM client's topology matches localnet.json (${gateways} gateway${gateways > 1 ? 's' : ''})`, async () => {
    assert.ok(localnet, 'the nymph-localnet binary is the first argument');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localnet-topology-'));
    const network = startNetwork(dir, ['--mixnodes-per-layer', '2', '--gateways', String(gateways)]);
    try {
      const jsonPath = await network.ready;
      const info = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
      const topology = await nym.currentNetworkTopology(info.nym_api_url);

      assert.equal(topology.metadata.key_rotation_id, info.key_rotation_id);
      assert.equal(topology.metadata.absolute_epoch_id, info.absolute_epoch_id);

      const set = topology.rewardedSet;
      const byKind = (kind, layer) => ids(info.nodes.filter((n) => n.kind === kind && n.layer === layer).map((n) => n.node_id));
      assert.deepEqual(ids(set.layer1), byKind('mixnode', 1));
      assert.deepEqual(ids(set.layer2), byKind('mixnode', 2));
      assert.deepEqual(ids(set.layer3), byKind('mixnode', 3));
      assert.deepEqual(ids(set.entry_gateways), ids(info.nodes.filter((n) => n.kind === 'gateway' && n.entry).map((n) => n.node_id)));
      assert.deepEqual(ids(set.exit_gateways), ids(info.nodes.filter((n) => n.kind === 'gateway' && n.exit && !n.entry).map((n) => n.node_id)));

      const details = new Map(entries(topology.nodeDetails).map(([k, v]) => [Number(k), v]));
      assert.equal(details.size, info.nodes.length);
      for (const node of info.nodes) {
        const seen = details.get(node.node_id);
        assert.ok(seen, `node ${node.name} is in the client's topology`);
        assert.equal(seen.identityKey, node.identity);
        assert.equal(seen.sphinxKey, node.sphinx_key);
        assert.equal(seen.mixHost, node.mix_address);
        if (node.kind === 'gateway') {
          const port = Number(new URL(node.websocket_url).port);
          assert.equal(seen.entry.clients_ws_port, port);
          assert.deepEqual([...seen.entry.ip_addresses], ['127.0.0.1']);
          assert.equal(seen.supportedRoles.mixnet_entry, true);
          assert.equal(seen.supportedRoles.mixnode, false);
        } else {
          assert.equal(seen.supportedRoles.mixnode, true);
          assert.ok(seen.entry === undefined || seen.entry === null);
        }
      }
      network.child.kill('SIGTERM');
      const { code } = await network.exited;
      assert.equal(code, 0);
    } finally {
      network.child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
