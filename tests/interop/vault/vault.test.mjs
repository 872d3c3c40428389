// SPDX-License-Identifier: GPL-3.0-or-later
// Cross-checks Nymph's vault against an independent saved-wallet.json implementation: hash-wasm's
// Argon2id (and CosmJS's, on the spec vector) with Node's AES-256-GCM, in both directions.
//
// Run by meson as `node --test --test-reporter=tap` (TAP). The built nymph-cli is found from
// G_TEST_BUILDDIR (the build's tests/ folder); every test is skipped, not failed, when the npm
// peers in tests/node_modules are not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(here, '..', '..', 'data', 'vault');
const cli = resolve(process.env.G_TEST_BUILDDIR ?? resolve(here, '..', '..', '..', 'build', 'tests'),
                    '..', 'app', 'cli', 'nymph-cli');

let hashWasm = null;
let cosmjsCrypto = null;
try {
  hashWasm = await import('hash-wasm');
  cosmjsCrypto = await import('@cosmjs/crypto');
} catch {
  hashWasm = null;
}
const skip = hashWasm === null ? 'tests/node_modules is missing (run npm ci in tests/)' : false;

const HD_PATH = "m/44'/118'/0'/0/0";
const ABANDON_ART = `${'abandon '.repeat(23)}art`;
const ABANDON_ART_ADDRESS = 'n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6';
const CRUSH = 'crush minute paddle tobacco message debate cabin peace bar jacket execute twenty ' +
              'winner view sure mask popular couch penalty fragile demise fresh pizza stove';
const CRUSH_ADDRESS = 'n1jw6mp7d5xqc7w6xm79lha27glmd0vdt3l9artf';

// spec/nyx-wallet.md §5.3: Argon2id v0x13, 16 MiB, t=3, p=1, 32-byte key.
async function deriveKey(password, salt) {
  return hashWasm.argon2id({
    password, salt, parallelism: 1, iterations: 3, memorySize: 16384, hashLength: 32, outputType: 'binary',
  });
}

async function sealLogin(id, password, plaintext) {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(password, salt);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const ciphertext = Buffer.concat([body, cipher.getAuthTag()]);
  return { id, account: { ciphertext: ciphertext.toString('base64'), salt: salt.toString('base64'), iv: iv.toString('base64') } };
}

async function openLogin(fileText, id, password) {
  const file = JSON.parse(fileText);
  assert.equal(file.version, 1);
  const login = file.accounts.find((entry) => entry.id === id);
  assert.ok(login, `login ${id} is in the file`);
  const ciphertext = Buffer.from(login.account.ciphertext, 'base64');
  const salt = Buffer.from(login.account.salt, 'base64');
  const iv = Buffer.from(login.account.iv, 'base64');
  assert.equal(salt.length, 16);
  assert.equal(iv.length, 12);
  const key = await deriveKey(password, salt);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]).toString('utf8');
}

function runCli(args, input) {
  const result = spawnSync(cli, ['wallet', ...args], { input, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function withTempDir(body) {
  const dir = mkdtempSync(join(tmpdir(), 'nymph-vault-interop-'));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('hash-wasm and CosmJS Argon2id give the spec vector key', { skip }, async () => {
  const salt = Uint8Array.from({ length: 16 }, (_, i) => i);
  const expected = readFileSync(join(dataDir, 'spec-encrypt-vector.key'));
  assert.deepEqual(Buffer.from(await deriveKey('password', salt)), expected);
  const cosmjsKey = await cosmjsCrypto.Argon2id.execute('password', salt, { outputLength: 32, opsLimit: 3, memLimitKib: 16384 });
  assert.deepEqual(Buffer.from(cosmjsKey), expected);
});

test('the spec vector file decrypts in Node to the spec plaintext', { skip }, async () => {
  const plaintext = await openLogin(readFileSync(join(dataDir, 'spec-encrypt-vector.json'), 'utf8'), 'default', 'password');
  assert.equal(plaintext, readFileSync(join(dataDir, 'spec-encrypt-vector.plaintext'), 'utf8'));
});

test('a vault written by Nymph decrypts with hash-wasm and Node AES-256-GCM', { skip }, () => withTempDir(async (dir) => {
  const vault = join(dir, 'saved-wallet.json');
  let result = runCli(['import', '--vault', vault, '--name', 'Main'], `nymph pässword\n${ABANDON_ART}\n`);
  assert.equal(result.status, 0, result.stderr);
  result = runCli(['add-account', '--vault', vault, '--name', 'Second'], `nymph pässword\n${CRUSH}\n`);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(statSync(vault).mode & 0o777, 0o600);

  const plaintext = await openLogin(readFileSync(vault, 'utf8'), 'default', 'nymph pässword');
  // Byte for byte what serde_json writes for nym-wallet's MultipleAccounts.
  assert.equal(plaintext, JSON.stringify({
    accounts: [
      { id: 'Main', account: { mnemonic: ABANDON_ART, hd_path: HD_PATH } },
      { id: 'Second', account: { mnemonic: CRUSH, hd_path: HD_PATH } },
    ],
  }));
  await assert.rejects(openLogin(readFileSync(vault, 'utf8'), 'default', 'wrong'));
}));

test('a vault written in Node by nym-wallet rules opens in Nymph', { skip }, () => withTempDir(async (dir) => {
  const vault = join(dir, 'saved-wallet.json');
  const multi = JSON.stringify({
    accounts: [
      { id: 'Account 1', account: { mnemonic: CRUSH, hd_path: HD_PATH } },
      { id: 'Old one', account: { mnemonic: ABANDON_ART, hd_path: HD_PATH } },
    ],
  });
  const file = { version: 1, accounts: [await sealLogin('default', 'node password', multi)] };
  writeFileSync(vault, JSON.stringify(file, null, 2));

  let result = runCli(['list', '--vault', vault], 'node password\n');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `Account 1\t${CRUSH_ADDRESS}\nOld one\t${ABANDON_ART_ADDRESS}\n`);
  result = runCli(['show-mnemonic', '--vault', vault, '--name', 'Old one'], 'node password\n');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `${ABANDON_ART}\n`);

  // A wrong password is refused and the file is left exactly as it was.
  const before = readFileSync(vault);
  result = runCli(['list', '--vault', vault], 'not the password\n');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /password is wrong/);
  assert.deepEqual(readFileSync(vault), before);

  // After Nymph changes it, Node still reads it.
  result = runCli(['rename-account', '--vault', vault, '--name', 'Old one', '--new-name', 'Renamed'], 'node password\n');
  assert.equal(result.status, 0, result.stderr);
  const plaintext = JSON.parse(await openLogin(readFileSync(vault, 'utf8'), 'default', 'node password'));
  assert.deepEqual(plaintext.accounts.map((a) => a.id), ['Account 1', 'Renamed']);
}));

test('a legacy single-account login written in Node opens in Nymph', { skip }, () => withTempDir(async (dir) => {
  const vault = join(dir, 'saved-wallet.json');
  const single = JSON.stringify({ mnemonic: CRUSH, hd_path: HD_PATH });
  const file = { version: 1, accounts: [await sealLogin('default', 'legacy', single)] };
  writeFileSync(vault, JSON.stringify(file, null, 2));

  const result = runCli(['list', '--vault', vault], 'legacy\n');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `default\t${CRUSH_ADDRESS}\n`);
}));
