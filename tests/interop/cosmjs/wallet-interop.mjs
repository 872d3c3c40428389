// SPDX-License-Identifier: GPL-3.0-or-later
// Cross-checks Nymph's keys and SIGN_MODE_DIRECT transactions against CosmJS 0.39, printing TAP.
//
// Usage: node wallet-interop.mjs PATH/TO/nymph-cli [SEED]
// 200 random mnemonics must give the same address and public key as DirectSecp256k1HdWallet
// (a quarter of them for up to ten consecutive accounts in one nymph-cli run),
// and 100 random transactions must give the same TxRaw bytes as CosmJS's makeSignDoc/signDirect
// + TxRaw.encode, and CosmJS must decode our TxRaw and verify our signature. Any mismatch is
// a "not ok" line and a non-zero exit status.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'package.json'));

let cosmjs;
try {
  cosmjs = {
    protoSigning: require('@cosmjs/proto-signing'),
    stargate: require('@cosmjs/stargate'),
    amino: require('@cosmjs/amino'),
    crypto: require('@cosmjs/crypto'),
    encoding: require('@cosmjs/encoding'),
    tx: require('cosmjs-types/cosmos/tx/v1beta1/tx.js'),
    wasm: require('cosmjs-types/cosmwasm/wasm/v1/tx.js'),
  };
} catch (e) {
  console.log(`1..0 # SKIP CosmJS is not installed in tests/node_modules (${e.code ?? e.message})`);
  process.exit(0);
}

const { DirectSecp256k1HdWallet, Registry, makeAuthInfoBytes, makeSignDoc, makeSignBytes, encodePubkey } =
  cosmjs.protoSigning;
const { defaultRegistryTypes } = cosmjs.stargate;
const { makeCosmoshubPath, encodeSecp256k1Pubkey } = cosmjs.amino;
const { Bip39, Secp256k1, Secp256k1Signature, sha256, EnglishMnemonic } = cosmjs.crypto;
const { toBech32, toBase64, fromBase64, toHex, toUtf8 } = cosmjs.encoding;
const { TxRaw, TxBody, AuthInfo } = cosmjs.tx;
const { MsgExecuteContract } = cosmjs.wasm;

const cli = process.argv[2];
if (!cli) {
  console.error('usage: node wallet-interop.mjs PATH/TO/nymph-cli [SEED]');
  process.exit(2);
}

// A small seeded PRNG (xorshift128+) so a failing run can be repeated with the same SEED.
const seed = BigInt(process.argv[3] ?? Date.now());
let s0 = seed ^ 0x9e3779b97f4a7c15n, s1 = (seed * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
function next64() {
  let x = s0, y = s1;
  s0 = y;
  x ^= (x << 23n) & 0xffffffffffffffffn;
  s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
  return (s1 + y) & 0xffffffffffffffffn;
}
const randInt = (n) => Number(next64() % BigInt(n));
const randBytes = (n) => Uint8Array.from({ length: n }, () => randInt(256));
const pick = (list) => list[randInt(list.length)];
// Positive amounts only: the builder, like the chain, refuses zero coins.
const randAmount = () => pick([
  () => String(1 + randInt(9)),
  () => String(1 + randInt(1_000_000_000)),
  () => (next64() * next64()).toString(),   // up to 2^128
])();
const randomMnemonic = () => Bip39.encode(randBytes(pick([16, 20, 24, 28, 32]))).toString();

const memoPieces = ['nym', ' ', 'délégation', '✓', '🦊', '日本語', 'Ωμέγα', 'a', '0', '\t', '"quoted"', '{json}', 'ß'];
function randomMemo() {
  if (randInt(5) === 0)
    return '';
  let memo = '';
  const pieces = 1 + randInt(12);
  for (let i = 0; i < pieces; i++) {
    const piece = pick(memoPieces);
    if (Buffer.byteLength(memo + piece, 'utf8') > 256)
      break;
    memo += piece;
  }
  return memo;
}

const mixnetContract = 'n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr';
const denoms = ['unym', 'unyx'];
// One or two coins, sorted by denomination and distinct, as the SDK's Coins.IsValid wants.
const coins = () => (randInt(3) === 0 ? denoms : [pick(denoms)]).map((denom) => ({ denom, amount: randAmount() }));
const account = () => toBech32('n', randBytes(20));
const valoper = () => toBech32('nvaloper', randBytes(20));

// One random message: the EncodeObject our CLI reads (msg as a string) and the one CosmJS encodes.
function randomMessage(signer) {
  switch (randInt(5)) {
    case 0: {
      const value = { fromAddress: signer, toAddress: account(), amount: coins() };
      return { ours: { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value }, theirs: { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value } };
    }
    case 1: {
      const action = pick(['delegate', 'undelegate', 'withdraw_delegator_reward']);
      const msg = JSON.stringify({ [action]: { node_id: randInt(4294967296) } });
      const funds = action === 'delegate' ? coins() : [];
      const contract = randInt(4) === 0 ? toBech32('n', randBytes(32)) : mixnetContract;
      return {
        ours: { typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract', value: { sender: signer, contract, msg, funds } },
        theirs: { typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract', value: { sender: signer, contract, msg: toUtf8(msg), funds } },
      };
    }
    case 2:
    case 3: {
      const typeUrl = randInt(2) ? '/cosmos.staking.v1beta1.MsgDelegate' : '/cosmos.staking.v1beta1.MsgUndelegate';
      const value = { delegatorAddress: signer, validatorAddress: valoper(), amount: { denom: 'unyx', amount: randAmount() } };
      return { ours: { typeUrl, value }, theirs: { typeUrl, value } };
    }
    default: {
      const typeUrl = '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward';
      const value = { delegatorAddress: signer, validatorAddress: valoper() };
      return { ours: { typeUrl, value }, theirs: { typeUrl, value } };
    }
  }
}

const registry = new Registry([...defaultRegistryTypes, ['/cosmwasm.wasm.v1.MsgExecuteContract', MsgExecuteContract]]);
const work = mkdtempSync(join(tmpdir(), 'nymph-cosmjs-'));
let n = 0, failures = 0;
const results = [];
function report(ok, name, details) {
  n++;
  if (!ok)
    failures++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok && details)
    for (const line of String(details).split('\n'))
      console.log(`# ${line}`);
}

function runCli(args, input) {
  const r = spawnSync(cli, args, { input, encoding: 'utf8' });
  // EPIPE only means the program stopped before reading the mnemonic; its status tells why.
  if (r.error && r.error.code !== 'EPIPE')
    throw r.error;
  return r;
}

const N_KEYS = 200, N_TXS = 100;
console.log('TAP version 13');
console.log(`1..${N_KEYS + N_TXS}`);
console.log(`# seed ${seed}`);

// A quarter of the mnemonics show several consecutive accounts in one run (keys show --count),
// which derives them all through one NyxKeyDeriver, across its re-blindings.
for (let i = 0; i < N_KEYS; i++) {
  const mnemonic = randomMnemonic();
  const first = randInt(4) === 0 ? randInt(1000) : 0;
  const count = randInt(4) === 0 ? 2 + randInt(9) : 1;
  const paths = Array.from({ length: count }, (_, k) => makeCosmoshubPath(first + k));
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: 'n', hdPaths: paths });
  const theirs = await wallet.getAccounts();
  const args = ['keys', 'show', '--json', '--account', String(first)];
  if (count > 1)
    args.push('--count', String(count));
  const r = runCli(args, mnemonic + '\n');
  let ok = r.status === 0, details = `exit ${r.status}: ${r.stderr}`;
  if (ok) {
    try {
      const parsed = JSON.parse(r.stdout);
      const ours = count > 1 ? parsed : [parsed];
      ok = Array.isArray(ours) && ours.length === count;
      details = `expected ${count} accounts, got ${r.stdout}`;
      for (let k = 0; ok && k < count; k++) {
        ok = ours[k].account === first + k && ours[k].address === theirs[k].address &&
             ours[k].public_key === toHex(theirs[k].pubkey);
        details = `account ${first + k}: ours ${ours[k].address} ${ours[k].public_key}\n` +
                  `theirs ${theirs[k].address} ${toHex(theirs[k].pubkey)}`;
      }
    } catch (e) {
      ok = false;
      details = `output is not JSON: ${r.stdout}`;
    }
  }
  report(ok, `keys: ${mnemonic.split(' ').length}-word mnemonic, account ${first}` +
             (count > 1 ? ` and the next ${count - 1}` : ''), details);
}

for (let i = 0; i < N_TXS; i++) {
  const mnemonic = randomMnemonic();
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: 'n' });
  const [signer] = await wallet.getAccounts();
  const messages = Array.from({ length: 1 + randInt(3) }, () => randomMessage(signer.address));
  const memo = randomMemo();
  const chainId = pick(['nyx', 'sandbox', 'nymph-localnet-1', 'x']);
  const accountNumber = pick([() => 0n, () => BigInt(randInt(1_000_000)), () => next64()])();
  const sequence = pick([() => 0n, () => BigInt(randInt(1000)), () => next64()])();
  const gas = pick([0, 1, 200000, randInt(2 ** 31), 2 ** 53 - 1]);
  const fee = [{ denom: pick(denoms), amount: randAmount() }];

  // CosmJS, the way SigningStargateClient.signDirect does it.
  const bodyBytes = registry.encode({ typeUrl: '/cosmos.tx.v1beta1.TxBody', value: { messages: messages.map((m) => m.theirs), memo } });
  const pubkey = encodePubkey(encodeSecp256k1Pubkey(signer.pubkey));
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence }], fee, gas, undefined, undefined);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, chainId, accountNumber);
  const { signature } = await wallet.signDirect(signer.address, signDoc);
  const theirs = TxRaw.encode(TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] })).finish();

  const msgsFile = join(work, `msgs-${i}.json`);
  writeFileSync(msgsFile, JSON.stringify(messages.map((m) => m.ours)));
  const r = runCli(['tx', 'sign-offline', '--chain-id', chainId, '--account-number', String(accountNumber),
                    '--sequence', String(sequence), '--fee', `${fee[0].amount}${fee[0].denom}`, '--gas', String(gas),
                    '--memo', memo, '--msgs', msgsFile], mnemonic + '\n');
  const name = `tx: ${messages.map((m) => m.ours.typeUrl.split('.').pop()).join('+')}, memo ${JSON.stringify(memo)}`;
  if (r.status !== 0) {
    report(false, name, `exit ${r.status}: ${r.stderr}`);
    continue;
  }
  let ours;
  try {
    ours = fromBase64(r.stdout.trim());
  } catch (e) {
    report(false, name, `output is not base64: ${r.stdout}`);
    continue;
  }
  const problems = [];
  if (toHex(ours) !== toHex(theirs))
    problems.push(`TxRaw differs\nours   ${toHex(ours)}\ntheirs ${toHex(theirs)}`);

  // CosmJS decodes our bytes and checks our signature over the SignDoc it rebuilds from them.
  try {
    const decoded = TxRaw.decode(ours);
    const body = TxBody.decode(decoded.bodyBytes);
    const authInfo = AuthInfo.decode(decoded.authInfoBytes);
    if (body.memo !== memo)
      problems.push(`memo decodes as ${JSON.stringify(body.memo)}`);
    if (body.messages.length !== messages.length)
      problems.push(`${body.messages.length} messages decoded`);
    body.messages.forEach((any, k) => {
      if (any.typeUrl !== messages[k].ours.typeUrl)
        problems.push(`message ${k} type ${any.typeUrl}`);
      registry.decode(any);
    });
    if (authInfo.signerInfos[0].sequence !== sequence)
      problems.push(`sequence decodes as ${authInfo.signerInfos[0].sequence}`);
    if (decoded.signatures.length !== 1 || decoded.signatures[0].length !== 64)
      problems.push('not exactly one 64-byte signature');
    const signBytes = makeSignBytes(makeSignDoc(decoded.bodyBytes, decoded.authInfoBytes, chainId, accountNumber));
    const sig = Secp256k1Signature.fromFixedLength(decoded.signatures[0]);
    if (!(await Secp256k1.verifySignature(sig, sha256(signBytes), signer.pubkey)))
      problems.push('CosmJS does not verify our signature');
  } catch (e) {
    problems.push(`CosmJS cannot decode our TxRaw: ${e.message}`);
  }
  report(problems.length === 0, name, problems.join('\n'));
}

rmSync(work, { recursive: true, force: true });
console.log(`# ${failures} mismatches in ${n} checks`);
process.exit(failures === 0 ? 0 : 1);
