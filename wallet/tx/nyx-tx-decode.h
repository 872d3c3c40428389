/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decodes a TxRaw into JSON (messages in CosmJS EncodeObject form) and verifies its signature offline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * {"hash": "…", "body": {"messages": [EncodeObject…], "memo": "…", "timeoutHeight": "0"},
 *  "authInfo": {"signerInfos": [{"publicKey": "<hex>", "address": "n1…", "mode": "DIRECT",
 *  "sequence": "7"}], "fee": {"amount": [{denom, amount}], "gasLimit": "200000", "payer": "",
 *  "granter": ""}}, "signatures": ["<hex>"]}
 * 64-bit numbers are decimal strings, as CosmJS prints them. Messages of the five types the
 * wallet builds are written as nyx_tx_builder_add_msgs_from_json() reads them (the contract
 * msg as a string), so the output can be signed again; other types as {"typeUrl", "valueBase64"}.
 * Errors use NYX_TX_ERROR_ENCODE and say which part does not decode.
 */
JsonNode *nyx_tx_decode_to_json (const uint8_t *tx_bytes,
                                 size_t         len,
                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/*
 * Checks a signed TxRaw as a node would for SIGN_MODE_DIRECT: one signer with a secp256k1
 * key, one 64-byte low-S signature over SHA-256(SignDoc{body, auth info, @chain_id,
 * @account_number}). False with an error that says what failed.
 */
bool      nyx_tx_verify         (const uint8_t *tx_bytes,
                                 size_t         len,
                                 const char    *chain_id,
                                 uint64_t       account_number,
                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
