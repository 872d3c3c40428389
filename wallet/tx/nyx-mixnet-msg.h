/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mixnet-contract execute messages for delegators, as exact JSON bytes, and nym's default memos (spec §4.2). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "tx/nyx-coin.h"
#include "tx/nyx-tx.h"

G_BEGIN_DECLS

/* The mainnet mixnet contract (spec §1.1). */
#define NYX_MIXNET_CONTRACT_MAINNET "n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr"
#define NYX_MIXNET_CONTRACT_SANDBOX "n1xr3rq8yvd7qplsw5yx90ftsr2zdhg4e9z60h5duusgxpv72hud3sjkxkav"

typedef enum
{
  NYX_MIXNET_DELEGATE,
  NYX_MIXNET_UNDELEGATE,
  NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD,
} NyxMixnetAction;

/*
 * The compact JSON the contract expects, for example {"delegate":{"node_id":42}}: no spaces,
 * the node id as a JSON number. These exact bytes are what gets signed.
 */
char *nyx_mixnet_msg_json    (NyxMixnetAction action,
                              uint32_t        node_id) G_GNUC_WARN_UNUSED_RESULT;
/* nym's ExecuteMsg::default_memo, for example "delegating to mixnode 42". */
char *nyx_mixnet_msg_memo    (NyxMixnetAction action,
                              uint32_t        node_id) G_GNUC_WARN_UNUSED_RESULT;
/*
 * Adds the MsgExecuteContract for @action to @builder. Delegation needs @amount (attached as
 * funds, normally unym); undelegation and reward withdrawal take no funds and @amount must be NULL.
 */
bool  nyx_tx_builder_add_mixnet_msg (NyxTxBuilder   *builder,
                                     const char     *sender,
                                     const char     *contract,
                                     NyxMixnetAction action,
                                     uint32_t        node_id,
                                     const NyxCoin  *amount,
                                     GError        **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
