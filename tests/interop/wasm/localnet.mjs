// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the WASM interop tests: a tiny TAP runner, the real Nym client (WASM 1.4.1) under
// Node 20, and localnets made of single-role nymph-localnet processes on 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// stdout carries TAP only: the wasm client's own logging goes to stderr.
export const tap = (line) => process.stdout.write(`${line}\n`);
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;

const testsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The npm peers live in tests/node_modules; without them (or without node, see meson.build)
// the test is skipped as a whole. Anything else that goes wrong is a failure.
export async function loadNymOrSkip(count) {
  const require = createRequire(path.join(testsDir, 'package.json'));
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('@nymproject/nym-client-wasm/package.json'));
    require.resolve('ws');
    require.resolve('fake-indexeddb/auto');
  } catch {
    tap('TAP version 13');
    tap('1..0 # SKIP tests/node_modules lacks @nymproject/nym-client-wasm, ws or fake-indexeddb (run npm ci in tests/)');
    process.exit(0);
  }
  const { default: WS } = await import(require.resolve('ws'));
  await import(require.resolve('fake-indexeddb/auto'));
  // Every socket the client opens is remembered, so a test can cut one client's connection
  // (the wasm client has no call that closes it; see dropClient).
  globalThis.WebSocket = class TrackedWebSocket extends WS {
    constructor(...args) {
      super(...args);
      createdSockets.push(this);
    }
  };
  const nym = await import(path.join(pkgDir, 'nym_client_wasm.js'));
  nym.initSync({ module: fs.readFileSync(path.join(pkgDir, 'nym_client_wasm_bg.wasm')) });
  tap('TAP version 13');
  tap(`1..${count}`);
  return nym;
}

const createdSockets = [];

// Starts a NymClient and remembers the sockets it opened while starting (clients are started
// one at a time, so these are its own).
export async function startClient(nym, options, onMessage) {
  const first = createdSockets.length;
  const client = await new nym.NymClient(onMessage, options);
  return { client, sockets: createdSockets.slice(first), address: client.selfAddress() };
}

// Ends a client for good: frees it (which stops nothing on the Rust side) and closes its
// websockets, so the gateway sees the connection end and a later client with the same
// clientId can authenticate (a live connection that answers pings would make the gateway
// refuse it, spec nym-gateway.md §1.11).
export async function dropClient(handle) {
  handle.client.free();
  const open = handle.sockets.filter((s) => s.readyState !== s.CLOSED);
  await Promise.all(open.map((s) => new Promise((resolve) => {
    s.once('close', resolve);
    s.close(1000);
  })));
}

// Runs the cases in order and reports each as TAP. Closing a socket the Rust side already
// dropped raises a harmless error in the wasm glue (spec wasm-peer.md); any other uncaught
// error fails the case that is running. cleanup runs whatever happens.
export async function runCases(cases, cleanup) {
  let failCurrent = null;
  process.on('uncaughtException', (err) => {
    if (String(err && err.message).includes('closure invoked recursively or after being dropped')) return;
    if (failCurrent) failCurrent(err);
    else console.error('uncaught outside a case:', err);
  });
  let failed = 0;
  for (let i = 0; i < cases.length; i++) {
    const { name, timeoutMs, fn } = cases[i];
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => { failCurrent = reject; }),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs); }),
      ]);
      tap(`ok ${i + 1} - ${name}`);
    } catch (err) {
      failed++;
      for (const line of String(err && err.stack ? err.stack : err).split('\n')) tap(`# ${line}`);
      tap(`not ok ${i + 1} - ${name}`);
    } finally {
      clearTimeout(timer);
      failCurrent = null;
    }
  }
  try { await cleanup(); } catch (err) { console.error('cleanup:', err); }
  process.exit(failed ? 1 : 0);
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A port the kernel has just handed out on 127.0.0.1 and that is free again.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// One nymph-localnet process. ready resolves with the localnet.json path of its readiness
// line; stop() sends a signal and resolves with { code, signal, stderr }.
export function startRole(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready: ${stdout} ${stderr}`)), 30000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = stdout.match(/^nymph-localnet: ready (\S+)$/m);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${args[0]} exited with ${code}: ${stderr}`)); });
  });
  ready.catch(() => {});
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const role = {
    child,
    ready,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      return { ...result, stderr };
    },
  };
  return role;
}

// A localnet of single roles on one directory: nym-api, one mix node per layer (zero delay)
// and gateway-1 on the given ports, with its counters in DIR/gateway-stats.json.
export class SplitLocalnet {
  constructor(binary, dir) {
    this.binary = binary;
    this.dir = dir;
    this.statsPath = path.join(dir, 'gateway-stats.json');
    this.mixnodes = [];
    this.api = null;
    this.gateway = null;
  }

  async start() {
    this.wsPort = await freePort();
    this.mixPort = await freePort();
    this.api = startRole(this.binary, ['nym-api', '--dir', this.dir]);
    await this.api.ready;
    for (const layer of [1, 2, 3]) {
      const mix = startRole(this.binary, ['mixnode', '--dir', this.dir, '--layer', String(layer), '--zero-delay']);
      this.mixnodes.push(mix);
      await mix.ready;
    }
    await this.startGateway();
    return this.info();
  }

  async startGateway() {
    this.gateway = startRole(this.binary, ['gateway', '--dir', this.dir, '--ws-port', String(this.wsPort),
      '--mix-port', String(this.mixPort), '--stats-file', this.statsPath]);
    this.jsonPath = await this.gateway.ready;
  }

  info() {
    return JSON.parse(fs.readFileSync(this.jsonPath, 'utf8'));
  }

  stats() {
    return JSON.parse(fs.readFileSync(this.statsPath, 'utf8'));
  }

  // The counters once every change so far has reached the file (it is rewritten within 50 ms).
  async settledStats() {
    await sleep(300);
    return this.stats();
  }

  // Waits until the gateway's counters satisfy check (they are rewritten within 50 ms of a change).
  async waitStats(check, ms, what) {
    const deadline = Date.now() + ms;
    for (;;) {
      let stats = null;
      try { stats = this.stats(); } catch { /* between writes */ }
      if (stats && check(stats)) return stats;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the gateway: ${what}; last counters ${JSON.stringify(stats)}`);
      await sleep(100);
    }
  }

  async stopAll() {
    const roles = [this.gateway, ...this.mixnodes, this.api].filter(Boolean);
    const results = [];
    for (const role of roles) results.push(await role.stop('SIGTERM'));
    return results;
  }
}

// The client configuration every test uses: no cover traffic and no Poisson stream, so every
// packet a client sends is one of its own messages (or a retransmission of one), and a short
// gateway timeout.
export function clientOptions(info, clientId) {
  return {
    clientId,
    nymApiUrl: info.nym_api_url,
    preferredGateway: info.gateway.identity,
    clientOverride: {
      traffic: { disableMainPoissonPacketDistribution: true },
      coverTraffic: { disableLoopCoverTrafficStream: true },
      gatewayConnection: { gatewayResponseTimeoutMs: 5000 },
      topology: { minimumGatewayPerformance: 0, minimumMixnodePerformance: 0 },
    },
  };
}

// The client hands its application either raw bytes or an object carrying them.
export function messageBytes(event) {
  const data = event instanceof Uint8Array ? event
    : event && event.message instanceof Uint8Array ? event.message
    : event && event.payload instanceof Uint8Array ? event.payload : null;
  return data ? Buffer.from(data) : null;
}

// Collects what a client receives; waitFor resolves once every expected buffer arrived.
export class Inbox {
  constructor() {
    this.received = [];
    this.waiters = [];
    this.onMessage = (event) => {
      const data = messageBytes(event);
      if (!data) return;
      this.received.push(data);
      for (const w of this.waiters) w();
    };
  }

  has(buffer) {
    return this.received.some((r) => r.equals(buffer));
  }

  waitFor(expected, ms, what) {
    return withTimeout(new Promise((resolve) => {
      const check = () => { if (expected.every((m) => this.has(m))) resolve(); };
      this.waiters.push(check);
      check();
    }), ms, what);
  }
}
