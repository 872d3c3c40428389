/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads messages given as CosmJS EncodeObject JSON ({"typeUrl": …, "value": {…}}) into a transaction builder. */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "tx/nyx-tx.h"

G_BEGIN_DECLS

/*
 * @json is a JSON array of EncodeObjects with camelCase fields, as CosmJS writes them:
 *   MsgSend {fromAddress, toAddress, amount: [{denom, amount}]}
 *   MsgExecuteContract {sender, contract, msg, funds} — msg is a JSON *string* whose UTF-8
 *     bytes are signed as they are
 *   MsgDelegate / MsgUndelegate {delegatorAddress, validatorAddress, amount: {denom, amount}}
 *   MsgWithdrawDelegatorReward {delegatorAddress, validatorAddress}
 * Unknown type URLs and unknown or missing fields are errors that name the message index and
 * the field. Either all messages are added or, on error, none.
 */
bool nyx_tx_builder_add_msgs_from_json (NyxTxBuilder *builder,
                                        const char   *json,
                                        gssize        len,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
