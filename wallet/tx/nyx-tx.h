/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds, signs and hashes Cosmos SIGN_MODE_DIRECT transactions for Nyx (spec §3). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "tx/nyx-coin.h"

G_BEGIN_DECLS

#define NYX_TX_ERROR (nyx_tx_error_quark ())

typedef enum
{
  NYX_TX_ERROR_INVALID_ADDRESS,  /* an address field is not a valid bech32 address with the right prefix */
  NYX_TX_ERROR_INVALID_COIN,     /* a malformed or zero amount, a bad denomination, unsorted or missing coins */
  NYX_TX_ERROR_INVALID_MEMO,     /* not UTF-8, or longer than 256 bytes */
  NYX_TX_ERROR_INVALID_MESSAGE,  /* an empty type URL, empty contract message, a message that is not JSON, … */
  NYX_TX_ERROR_NO_MESSAGES,      /* a transaction needs at least one message */
  NYX_TX_ERROR_INVALID_CHAIN_ID, /* empty or over 50 characters */
  NYX_TX_ERROR_INVALID_KEY,      /* the public or private key is not a valid secp256k1 key */
  NYX_TX_ERROR_ENCODE,           /* protobuf encoding failed */
} NyxTxError;

/* The Any type URLs of the messages the wallet builds (spec §3.1). */
#define NYX_TX_TYPE_MSG_SEND                      "/cosmos.bank.v1beta1.MsgSend"
#define NYX_TX_TYPE_MSG_EXECUTE_CONTRACT          "/cosmwasm.wasm.v1.MsgExecuteContract"
#define NYX_TX_TYPE_MSG_DELEGATE                  "/cosmos.staking.v1beta1.MsgDelegate"
#define NYX_TX_TYPE_MSG_UNDELEGATE                "/cosmos.staking.v1beta1.MsgUndelegate"
#define NYX_TX_TYPE_MSG_WITHDRAW_DELEGATOR_REWARD "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward"
#define NYX_TX_TYPE_SECP256K1_PUBKEY              "/cosmos.crypto.secp256k1.PubKey"

/* The Cosmos SDK's default MaxMemoCharacters, which it compares with the memo's byte length. */
#define NYX_TX_MAX_MEMO_BYTES 256
/* Prefix of native validator operator addresses. */
#define NYX_VALOPER_PREFIX    "nvaloper"

typedef struct _NyxTxBuilder NyxTxBuilder;

GQuark        nyx_tx_error_quark    (void);

NyxTxBuilder *nyx_tx_builder_new    (void) G_GNUC_WARN_UNUSED_RESULT;
void          nyx_tx_builder_free   (NyxTxBuilder *builder);

/*
 * Message adders. Each checks its input and, on error, leaves the builder as it was.
 * Account addresses must have the prefix "n", validators "nvaloper". Coins must pass the
 * Cosmos SDK's Coins.IsValid: positive amounts, denominations sorted and distinct; a MsgSend
 * needs at least one coin, contract funds and fees may be empty.
 */
bool          nyx_tx_builder_add_msg_send                (NyxTxBuilder  *builder,
                                                          const char    *from_address,
                                                          const char    *to_address,
                                                          const NyxCoin *amount,
                                                          size_t         n_amount,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* @msg is the contract's JSON, signed as these exact bytes (never re-serialised). */
bool          nyx_tx_builder_add_msg_execute_contract    (NyxTxBuilder  *builder,
                                                          const char    *sender,
                                                          const char    *contract,
                                                          const uint8_t *msg,
                                                          size_t         msg_len,
                                                          const NyxCoin *funds,
                                                          size_t         n_funds,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool          nyx_tx_builder_add_msg_delegate            (NyxTxBuilder  *builder,
                                                          const char    *delegator_address,
                                                          const char    *validator_address,
                                                          const NyxCoin *amount,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool          nyx_tx_builder_add_msg_undelegate          (NyxTxBuilder  *builder,
                                                          const char    *delegator_address,
                                                          const char    *validator_address,
                                                          const NyxCoin *amount,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool          nyx_tx_builder_add_msg_withdraw_delegator_reward (NyxTxBuilder *builder,
                                                          const char    *delegator_address,
                                                          const char    *validator_address,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Any other message, already encoded. */
bool          nyx_tx_builder_add_any                     (NyxTxBuilder  *builder,
                                                          const char    *type_url,
                                                          const uint8_t *value,
                                                          size_t         len,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
guint         nyx_tx_builder_get_n_messages              (NyxTxBuilder  *builder);
/* Moves every message of @source, in order, to the end of @builder; @source is left with none. */
void          nyx_tx_builder_take_messages               (NyxTxBuilder  *builder,
                                                          NyxTxBuilder  *source);

bool          nyx_tx_builder_set_memo                    (NyxTxBuilder  *builder,
                                                          const char    *memo,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool          nyx_tx_builder_set_fee                     (NyxTxBuilder  *builder,
                                                          const NyxCoin *amount,
                                                          size_t         n_amount,
                                                          uint64_t       gas_limit,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* The encodings of spec §3.2 steps 1–3. */
GBytes       *nyx_tx_builder_encode_body                 (NyxTxBuilder  *builder,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes       *nyx_tx_builder_encode_auth_info            (NyxTxBuilder  *builder,
                                                          const uint8_t  public_key[static 33],
                                                          uint64_t       sequence,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes       *nyx_tx_builder_encode_sign_doc             (NyxTxBuilder  *builder,
                                                          const uint8_t  public_key[static 33],
                                                          const char    *chain_id,
                                                          uint64_t       account_number,
                                                          uint64_t       sequence,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/*
 * Signs with SIGN_MODE_DIRECT and returns the TxRaw bytes (spec §3.2 steps 1–5). The private
 * key should live in sodium_malloc() memory; nothing derived from it is kept.
 */
GBytes       *nyx_tx_builder_sign                        (NyxTxBuilder  *builder,
                                                          const uint8_t  private_key[static 32],
                                                          const char    *chain_id,
                                                          uint64_t       account_number,
                                                          uint64_t       sequence,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* The unsigned TxRaw nym simulates with (spec §3.3): mode UNSPECIFIED, empty fee, one empty signature. */
GBytes       *nyx_tx_builder_encode_simulation           (NyxTxBuilder  *builder,
                                                          const uint8_t  public_key[static 33],
                                                          uint64_t       sequence,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* SimulateRequest{ 2: tx_bytes } for /cosmos.tx.v1beta1.Service/Simulate. */
GBytes       *nyx_tx_encode_simulate_request             (GBytes        *tx_bytes) G_GNUC_WARN_UNUSED_RESULT;
/* Reads gas_info.gas_used (and gas_wanted, may be NULL) from a SimulateResponse. */
bool          nyx_tx_decode_simulate_response            (const uint8_t *data,
                                                          size_t         len,
                                                          uint64_t      *gas_used,
                                                          uint64_t      *gas_wanted,
                                                          GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Upper-case hex SHA-256 of the TxRaw bytes, the hash CometBFT shows (spec §3.2 step 6). */
char         *nyx_tx_hash                                (const uint8_t *tx_bytes,
                                                          size_t         len) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxTxBuilder, nyx_tx_builder_free)

G_END_DECLS
