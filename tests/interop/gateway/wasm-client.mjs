// SPDX-License-Identifier: GPL-3.0-or-later
// The real Nym client (WASM 1.4.1) registers at, authenticates with and sends through our gateway,
// inside a whole `nymph-localnet run` network, and gets its own message back (nym-gateway.md §7).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import WS from 'ws';
import 'fake-indexeddb/auto';

// stdout carries TAP only: the wasm client's own logging goes to stderr.
const tap = (line) => process.stdout.write(`${line}\n`);
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@nymproject/nym-client-wasm/package.json'));
const nym = await import(path.join(pkgDir, 'nym_client_wasm.js'));
nym.initSync({ module: fs.readFileSync(path.join(pkgDir, 'nym_client_wasm_bg.wasm')) });

globalThis.WebSocket = WS;
// Closing a socket the Rust side already dropped raises this harmless error in the wasm glue
// (spec wasm-peer.md), so this script reports TAP itself instead of using node:test, which
// would count it as a failure; any other uncaught error is one.
process.on('uncaughtException', (err) => {
  if (String(err && err.message).includes('closure invoked recursively or after being dropped')) return;
  finish(false, `uncaught: ${err && err.stack}`);
});

let finished = false;
let network = null;
function finish(ok, detail) {
  if (finished) return;
  finished = true;
  if (network) network.child.kill('SIGTERM');
  if (detail) for (const line of String(detail).split('\n')) tap(`# ${line}`);
  tap(`${ok ? 'ok' : 'not ok'} 1 - the WASM 1.4.1 client registers, authenticates and gets its own messages back through our gateway`);
  process.exit(ok ? 0 : 1);
}

const localnet = process.argv[2] || process.env.NYMPH_LOCALNET;

function startNetwork(dir) {
  const child = spawn(localnet, ['run', '--dir', dir, '--zero-delay'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`network not ready: ${output}`)), 30000);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/ready (\S+)/);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`nymph-localnet exited with ${code}: ${output}`)));
  });
  return { child, ready, output: () => output };
}

function withTimeout(promise, ms, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

async function run() {
  assert.ok(localnet, 'the nymph-localnet binary is the first argument');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-wasm-'));
  network = startNetwork(dir);
  try {
    const jsonPath = await network.ready;
    const info = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
    assert.ok(info.gateway.identity);

    const received = [];
    let onReceived = null;
    const onMessage = (event) => {
      // The client hands its application either raw bytes or an object carrying them.
      const data = event instanceof Uint8Array ? event
        : event && event.message instanceof Uint8Array ? event.message
        : event && event.payload instanceof Uint8Array ? event.payload : null;
      if (data) { received.push(Buffer.from(data)); if (onReceived) onReceived(); }
    };

    const client = await withTimeout(new nym.NymClient(onMessage, {
      clientId: `gateway-test-${process.pid}`,
      nymApiUrl: info.nym_api_url,
      preferredGateway: info.gateway.identity,
      clientOverride: {
        traffic: { disableMainPoissonPacketDistribution: true },
        coverTraffic: { disableLoopCoverTrafficStream: true },
        gatewayConnection: { gatewayResponseTimeoutMs: 5000 },
        topology: { minimumGatewayPerformance: 0, minimumMixnodePerformance: 0 },
      },
    }), 60000, 'client start (register, authenticate, claim bandwidth)');

    const address = client.selfAddress();
    assert.match(address, new RegExp(`@${info.gateway.identity}$`));

    const messages = [Buffer.from('hello through the nymph gateway'), Buffer.alloc(5000, 7)];
    const arrived = new Promise((resolve) => {
      onReceived = () => {
        if (messages.every((m) => received.some((r) => r.equals(m)))) resolve();
      };
    });
    for (const m of messages) await client.send_regular_message(new Uint8Array(m), address);
    await withTimeout(arrived, 30000, 'own messages back through mixes and gateway');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

tap('TAP version 13');
tap('1..1');
setTimeout(() => finish(false, 'timed out after 120 s'), 120000).unref();
run().then(() => finish(true), (err) => finish(false, err && err.stack));
