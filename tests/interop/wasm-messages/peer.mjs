// SPDX-License-Identifier: GPL-3.0-or-later
// The real Nym client (WASM 1.4.1) as a message peer that test-wasm-messages drives over stdin/stdout,
// one JSON object per line, so that our client and it can exchange plain and anonymous messages.
//
// Usage: node peer.mjs NYM_API_URL GATEWAY_IDENTITY CLIENT_ID
//
// Commands (stdin):
//   {"cmd":"send","id":N,"to":ADDRESS,"data":BASE64}              send_regular_message (Plain)
//   {"cmd":"anonymous","id":N,"to":ADDRESS,"data":BASE64,"surbs":K} send_anonymous_message (Repliable, K >= 0)
//   {"cmd":"reply","id":N,"tag":HEX32,"data":BASE64}               send_reply through stored reply SURBs
//   {"cmd":"quit"}
// Events (stdout):
//   {"event":"ready","address":ADDRESS}
//   {"event":"done","id":N} | {"event":"failed","id":N,"message":TEXT}
//   {"event":"message","data":BASE64,"tag":HEX32|null}              tag: the sender tag of an anonymous message
//   {"event":"fatal","message":TEXT}
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';

// stdout carries the events only: the wasm client's own logging goes to stderr.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = console.error;
const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const [nymApiUrl, gateway, clientId, ackMode = 'patient'] = process.argv.slice(2);
if (!nymApiUrl || !gateway || !clientId || !['patient', 'aggressive'].includes(ackMode)) {
  emit({ event: 'fatal', message: 'usage: peer.mjs NYM_API_URL GATEWAY_IDENTITY CLIENT_ID [patient|aggressive]' });
  process.exit(2);
}

// Closing a socket the Rust side already dropped raises this harmless error in the wasm glue
// (spec wasm-peer.md); anything else uncaught ends the peer, and the test sees why.
process.on('uncaughtException', (err) => {
  if (String(err && err.message).includes('closure invoked recursively or after being dropped')) return;
  emit({ event: 'fatal', message: `uncaught: ${err && err.stack}` });
  process.exit(1);
});

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve('@nymproject/nym-client-wasm/package.json'));
const { default: WS } = await import(require.resolve('ws'));
await import(require.resolve('fake-indexeddb/auto'));
globalThis.WebSocket = WS;
const nym = await import(path.join(pkgDir, 'nym_client_wasm.js'));
// initSync hands back the module's exports; the linear memory is needed to read sender tags.
const wasm = nym.initSync({ module: fs.readFileSync(path.join(pkgDir, 'nym_client_wasm_bg.wasm')) });

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes) {
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let text = '';
  while (n > 0n) {
    text = BASE58[Number(n % 58n)] + text;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    text = `1${text}`;
  }
  return text;
}

// The client hands its application (message, tag), tag being an AnonymousSenderTag object for a
// Repliable message and undefined otherwise. That object has no accessor in 1.4.1 (only free()),
// while send_reply wants the tag as base58 text, so the 16 bytes are read where wasm-bindgen keeps
// an exported struct: __wbg_ptr points at a WasmRefCell (borrow flag u32, then the value) inside
// an Rc allocation whose strong and weak counts (u32 each) precede it. The surrounding words are
// checked, so a different layout is reported instead of yielding a wrong tag.
function senderTagBytes(tag) {
  const ptr = tag.__wbg_ptr;
  if (typeof ptr !== 'number' || ptr === 0) throw new Error('the sender tag object has no wasm pointer');
  const view = new DataView(wasm.memory.buffer);
  const strong = view.getUint32(ptr - 8, true);
  const weak = view.getUint32(ptr - 4, true);
  const borrow = view.getUint32(ptr, true);
  if (strong < 1 || weak !== 1 || borrow !== 0) {
    throw new Error(`unexpected wasm-bindgen layout around the sender tag: strong ${strong}, weak ${weak}, borrow ${borrow}`);
  }
  return Buffer.from(new Uint8Array(wasm.memory.buffer, ptr + 4, 16));
}

function onMessage(message, tag) {
  const data = message instanceof Uint8Array ? Buffer.from(message) : null;
  if (!data) {
    emit({ event: 'fatal', message: `the client delivered a ${typeof message}, not bytes` });
    return;
  }
  let hex = null;
  if (tag !== undefined && tag !== null) {
    try {
      hex = senderTagBytes(tag).toString('hex');
    } catch (err) {
      emit({ event: 'fatal', message: String(err && err.message) });
      return;
    } finally {
      tag.free();
    }
  }
  emit({ event: 'message', data: data.toString('base64'), tag: hex });
}

// No cover traffic and no Poisson stream (every packet is a message, sent at once), a short
// gateway timeout, and performance filters off for the localnet's fresh nodes. "patient": acks
// may take 30 s before a packet is sent again (default: about 1.6 s), since most cases are
// about messages, not retransmission, and a loaded machine (ASan, parallel tests) can delay an
// ack past the default. "aggressive": a packet is sent again 1 ms after it went out unless its
// ack came (the wait is 0.01 × the expected delay, zero here, + 1 ms), so nearly every
// fragment reaches our receiver several times, also after its message was delivered; the
// receiver must hand each message out once (it remembers delivered set ids, as the real
// client does).
const acknowledgements = ackMode === 'aggressive'
  ? { ackWaitMultiplier: 0.01, ackWaitAdditionMs: 1 }
  : { ackWaitAdditionMs: 30000 };
const client = await new nym.NymClient(onMessage, {
  clientId,
  nymApiUrl,
  preferredGateway: gateway,
  clientOverride: {
    traffic: { disableMainPoissonPacketDistribution: true },
    coverTraffic: { disableLoopCoverTrafficStream: true },
    gatewayConnection: { gatewayResponseTimeoutMs: 5000 },
    acknowledgements,
    topology: { minimumGatewayPerformance: 0, minimumMixnodePerformance: 0 },
  },
});
emit({ event: 'ready', address: client.selfAddress() });

async function run(command) {
  const data = new Uint8Array(Buffer.from(command.data || '', 'base64'));
  switch (command.cmd) {
    case 'send':
      await client.send_regular_message(data, command.to);
      break;
    case 'anonymous':
      if (!Number.isInteger(command.surbs) || command.surbs < 0) throw new Error(`"${command.surbs}" is not a SURB count`);
      await client.send_anonymous_message(data, command.to, command.surbs);
      break;
    case 'reply':
      if (!/^[0-9a-f]{32}$/.test(command.tag || '')) throw new Error(`"${command.tag}" is not a 16-byte hex sender tag`);
      await client.send_reply(data, base58(Buffer.from(command.tag, 'hex')));
      break;
    default:
      throw new Error(`unknown command "${command.cmd}"`);
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch (err) {
    emit({ event: 'fatal', message: `not JSON: ${line}` });
    return;
  }
  if (command.cmd === 'quit') {
    process.stdout.write('', () => process.exit(0));
    return;
  }
  try {
    await run(command);
    emit({ event: 'done', id: command.id });
  } catch (err) {
    emit({ event: 'failed', id: command.id, message: String(err && err.message ? err.message : err) });
  }
});
// The test closing our stdin (or dying) ends the peer too.
lines.on('close', () => process.exit(0));
