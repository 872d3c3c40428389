// SPDX-License-Identifier: GPL-3.0-or-later
// The CosmJS half of bench/wallet.c: the same derivations and signatures, timed in Node, printed as JSON.
//
// Usage: node wallet-cosmjs.mjs SECONDS MNEMONIC_FILE
// Prints {"derive_per_s": …, "sign_per_s": …}. Exit status 3 if CosmJS is not installed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'package.json'));
let p, tx;
try {
  p = require('@cosmjs/proto-signing');
  tx = require('cosmjs-types/cosmos/tx/v1beta1/tx.js');
} catch (e) {
  process.exit(3);
}
const { DirectSecp256k1HdWallet, Registry, makeAuthInfoBytes, makeSignDoc, encodePubkey } = p;
const { encodeSecp256k1Pubkey } = require('@cosmjs/amino');
const { defaultRegistryTypes } = require('@cosmjs/stargate');
const { fromBase64, toUtf8 } = require('@cosmjs/encoding');
const { MsgExecuteContract } = require('cosmjs-types/cosmwasm/wasm/v1/tx.js');

const seconds = Number(process.argv[2]);
const mnemonics = readFileSync(process.argv[3], 'utf8').trim().split('\n');

// Mnemonic → seed → m/44'/118'/0'/0/0 → address, as the C side's nyx_address_derive_from_mnemonic.
let derived = 0;
let start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonics[derived % mnemonics.length], { prefix: 'n' });
  await wallet.getAccounts();
  derived++;
}
const derivePerS = derived / ((performance.now() - start) / 1000);

// Spec §3.4 (b) with a changing sequence: encode body and auth info, SignDoc, sign, TxRaw.
const registry = new Registry([...defaultRegistryTypes, ['/cosmwasm.wasm.v1.MsgExecuteContract', MsgExecuteContract]]);
const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonics[0], { prefix: 'n' });
const [account] = await wallet.getAccounts();
const message = {
  typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
  value: {
    sender: account.address,
    contract: 'n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr',
    msg: toUtf8('{"delegate":{"node_id":42}}'),
    funds: [{ denom: 'unym', amount: '10000000' }],
  },
};
const pubkey = encodePubkey(encodeSecp256k1Pubkey(account.pubkey));
let signed = 0;
start = performance.now();
while (performance.now() - start < seconds * 1000) {
  const bodyBytes = registry.encode({ typeUrl: '/cosmos.tx.v1beta1.TxBody', value: { messages: [message], memo: 'delegating to mixnode 42' } });
  const authInfoBytes = makeAuthInfoBytes([{ pubkey, sequence: signed }], [{ denom: 'unym', amount: '5000' }], 200000, undefined, undefined);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, 'nyx', 12345);
  const { signature } = await wallet.signDirect(account.address, signDoc);
  tx.TxRaw.encode(tx.TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [fromBase64(signature.signature)] })).finish();
  signed++;
}
const signPerS = signed / ((performance.now() - start) / 1000);
console.log(JSON.stringify({ derive_per_s: derivePerS, sign_per_s: signPerS }));
