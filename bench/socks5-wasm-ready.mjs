// SPDX-License-Identifier: GPL-3.0-or-later
// For bench/socks5.c: how long the real Nym client (WASM 1.4.1) needs from `new NymClient` to
// ready (topology, gateway registration, authentication) on a running localnet, as the median
// of TRIES fresh clients one after another. Prints `wasm_ready_ms=N` on stdout; the harness of
// tests/interop/wasm loads the client and prints its TAP preamble (or a skip line when the npm
// peers are missing) before it.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadNymOrSkip, startClient, dropClient, clientOptions } from '../tests/interop/wasm/localnet.mjs';

const jsonPath = process.argv[2];
const tries = Number(process.argv[3] || 1);
if (!jsonPath || !(tries >= 1)) {
  console.error('usage: socks5-wasm-ready.mjs LOCALNET.JSON [TRIES]');
  process.exit(2);
}
const nym = await loadNymOrSkip(1);
// Closing a socket the Rust side already dropped raises a harmless error in the wasm glue
// (spec wasm-peer.md); anything else ends the run as a failure.
process.on('uncaughtException', (err) => {
  if (String(err && err.message).includes('closure invoked recursively or after being dropped')) return;
  console.error(err);
  process.exit(1);
});
const info = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
const times = [];
for (let i = 0; i < tries; i++) {
  // A fresh clientId each time: the client registers, as a new `nymph-cli mixnet run` data dir does.
  const start = performance.now();
  const handle = await startClient(nym, clientOptions(info, `bench-ready-${process.pid}-${i}`), () => {});
  times.push(performance.now() - start);
  await dropClient(handle);
}
times.sort((a, b) => a - b);
process.stdout.write(`wasm_ready_ms=${times[Math.floor(tries / 2)].toFixed(1)}\n`);
process.exit(0);
