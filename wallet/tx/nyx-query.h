/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protobuf codecs of the chain queries a light wallet makes through abci_query (spec §4.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* The gRPC method paths that go into abci_query's "path" (spec §4.1). */
#define NYX_QUERY_PATH_ACCOUNT        "/cosmos.auth.v1beta1.Query/Account"
#define NYX_QUERY_PATH_BALANCE        "/cosmos.bank.v1beta1.Query/Balance"
#define NYX_QUERY_PATH_SMART_CONTRACT "/cosmwasm.wasm.v1.Query/SmartContractState"
#define NYX_QUERY_PATH_SIMULATE       "/cosmos.tx.v1beta1.Service/Simulate"

#define NYX_QUERY_TYPE_BASE_ACCOUNT   "/cosmos.auth.v1beta1.BaseAccount"

/* What a transaction needs from the auth module. */
typedef struct
{
  char     *address;
  uint64_t  account_number;
  uint64_t  sequence;
  bool      has_public_key;   /* false until the account has signed once */
  uint8_t   public_key[33];
} NyxAccountInfo;

void     nyx_account_info_clear           (NyxAccountInfo *info);

/* QueryAccountRequest{1 address}. */
GBytes  *nyx_query_encode_account_request (const char *address) G_GNUC_WARN_UNUSED_RESULT;
/*
 * QueryAccountResponse{1 account: Any(BaseAccount{1 address, 2 pub_key, 3 account_number,
 * 4 sequence})}. Other account types (vesting, module) are refused with an error naming them.
 */
bool     nyx_query_decode_account_response (const uint8_t  *data,
                                            size_t          len,
                                            NyxAccountInfo *info,
                                            GError        **error) G_GNUC_WARN_UNUSED_RESULT;

/* QueryBalanceRequest{1 address, 2 denom}. */
GBytes  *nyx_query_encode_balance_request (const char *address,
                                           const char *denom) G_GNUC_WARN_UNUSED_RESULT;
/* QueryBalanceResponse{1 balance: Coin}; an absent balance is "0". @amount is g_malloc'd. */
bool     nyx_query_decode_balance_response (const uint8_t *data,
                                            size_t         len,
                                            char         **amount,
                                            GError       **error) G_GNUC_WARN_UNUSED_RESULT;

/* QuerySmartContractStateRequest{1 address, 2 query_data}: @query_json goes in as raw bytes. */
GBytes  *nyx_query_encode_smart_request   (const char *contract,
                                           const char *query_json,
                                           size_t      len) G_GNUC_WARN_UNUSED_RESULT;
/* QuerySmartContractStateResponse{1 data}: the contract's JSON answer, as bytes. */
GBytes  *nyx_query_decode_smart_response  (const uint8_t *data,
                                           size_t         len,
                                           GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NyxAccountInfo, nyx_account_info_clear)

G_END_DECLS
