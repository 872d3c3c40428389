/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protobuf codecs of the chain queries a light wallet makes through abci_query (spec §4.1). */
#include "tx/nyx-query.h"

#include <string.h>

#include "tx/nyx-coin.h"
#include "tx/nyx-tx.h"

#include "auth.pb-c.h"
#include "bank.pb-c.h"
#include "secp256k1.pb-c.h"
#include "wasm.pb-c.h"

static GBytes *
pack (const ProtobufCMessage *message)
{
  size_t size = protobuf_c_message_get_packed_size (message);
  uint8_t *buffer = g_malloc (size + 1);

  protobuf_c_message_pack (message, buffer);
  return g_bytes_new_take (buffer, size);
}

static bool
decode_error (GError    **error,
              const char *what,
              size_t      len)
{
  g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE, "The %s (%zu bytes) does not decode", what, len);
  return false;
}

void
nyx_account_info_clear (NyxAccountInfo *info)
{
  g_clear_pointer (&info->address, g_free);
  memset (info, 0, sizeof *info);
}

GBytes *
nyx_query_encode_account_request (const char *address)
{
  Cosmos__Auth__V1beta1__QueryAccountRequest request = COSMOS__AUTH__V1BETA1__QUERY_ACCOUNT_REQUEST__INIT;

  request.address = (char *) address;
  return pack (&request.base);
}

bool
nyx_query_decode_account_response (const uint8_t  *data,
                                   size_t          len,
                                   NyxAccountInfo *info,
                                   GError        **error)
{
  Cosmos__Auth__V1beta1__QueryAccountResponse *response;
  Cosmos__Auth__V1beta1__BaseAccount *account = NULL;
  Cosmos__Crypto__Secp256k1__PubKey *pubkey = NULL;
  bool ok = false;

  response = cosmos__auth__v1beta1__query_account_response__unpack (NULL, len, data);
  if (response == NULL || response->account == NULL)
    {
      if (response != NULL)
        cosmos__auth__v1beta1__query_account_response__free_unpacked (response, NULL);
      return decode_error (error, "account response", len);
    }
  if (g_strcmp0 (response->account->type_url, NYX_QUERY_TYPE_BASE_ACCOUNT) != 0)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE,
                   "The account is a “%s”, not a %s; this wallet signs for base accounts only",
                   response->account->type_url, NYX_QUERY_TYPE_BASE_ACCOUNT);
      goto out;
    }
  account = cosmos__auth__v1beta1__base_account__unpack (NULL, response->account->value.len,
                                                         response->account->value.data);
  if (account == NULL)
    {
      decode_error (error, "base account", response->account->value.len);
      goto out;
    }
  if (account->pub_key != NULL)
    {
      /* An account that has signed before has its key on chain; it must be ours to be useful. */
      if (g_strcmp0 (account->pub_key->type_url, NYX_TX_TYPE_SECP256K1_PUBKEY) != 0 ||
          (pubkey = cosmos__crypto__secp256k1__pub_key__unpack (NULL, account->pub_key->value.len,
                                                                 account->pub_key->value.data)) == NULL ||
          pubkey->key.len != 33)
        {
          g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE,
                       "The account's public key is not a compressed secp256k1 key (type “%s”)",
                       account->pub_key->type_url);
          goto out;
        }
    }
  if (account->address == NULL || !g_utf8_validate (account->address, -1, NULL))
    {
      decode_error (error, "account address", 0);
      goto out;
    }

  nyx_account_info_clear (info);
  info->address = g_strdup (account->address);
  info->account_number = account->account_number;
  info->sequence = account->sequence;
  info->has_public_key = pubkey != NULL;
  if (pubkey != NULL)
    memcpy (info->public_key, pubkey->key.data, 33);
  ok = true;

out:
  if (pubkey != NULL)
    cosmos__crypto__secp256k1__pub_key__free_unpacked (pubkey, NULL);
  if (account != NULL)
    cosmos__auth__v1beta1__base_account__free_unpacked (account, NULL);
  cosmos__auth__v1beta1__query_account_response__free_unpacked (response, NULL);
  return ok;
}

GBytes *
nyx_query_encode_balance_request (const char *address,
                                  const char *denom)
{
  Cosmos__Bank__V1beta1__QueryBalanceRequest request = COSMOS__BANK__V1BETA1__QUERY_BALANCE_REQUEST__INIT;

  request.address = (char *) address;
  request.denom = (char *) denom;
  return pack (&request.base);
}

bool
nyx_query_decode_balance_response (const uint8_t *data,
                                   size_t         len,
                                   char         **amount,
                                   GError       **error)
{
  Cosmos__Bank__V1beta1__QueryBalanceResponse *response;
  const char *value = "0";
  NyxAmount unused;
  g_autoptr(GError) amount_error = NULL;
  bool ok;

  response = cosmos__bank__v1beta1__query_balance_response__unpack (NULL, len, data);
  if (response == NULL)
    return decode_error (error, "balance response", len);
  /* proto3 leaves out a zero coin entirely, and "" is the empty amount of an omitted field. */
  if (response->balance != NULL && response->balance->amount != NULL && response->balance->amount[0] != '\0')
    value = response->balance->amount;
  ok = nyx_amount_parse (value, &unused, &amount_error);
  if (ok)
    *amount = g_strdup (value);
  else
    g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE, "The balance is not an amount: %s", amount_error->message);
  cosmos__bank__v1beta1__query_balance_response__free_unpacked (response, NULL);
  return ok;
}

GBytes *
nyx_query_encode_smart_request (const char *contract,
                                const char *query_json,
                                size_t      len)
{
  Cosmwasm__Wasm__V1__QuerySmartContractStateRequest request =
    COSMWASM__WASM__V1__QUERY_SMART_CONTRACT_STATE_REQUEST__INIT;

  request.address = (char *) contract;
  request.query_data.data = (uint8_t *) query_json;
  request.query_data.len = len;
  return pack (&request.base);
}

GBytes *
nyx_query_decode_smart_response (const uint8_t *data,
                                 size_t         len,
                                 GError       **error)
{
  Cosmwasm__Wasm__V1__QuerySmartContractStateResponse *response;
  GBytes *json;

  response = cosmwasm__wasm__v1__query_smart_contract_state_response__unpack (NULL, len, data);
  if (response == NULL)
    {
      decode_error (error, "contract query response", len);
      return NULL;
    }
  json = g_bytes_new (response->data.data, response->data.len);
  cosmwasm__wasm__v1__query_smart_contract_state_response__free_unpacked (response, NULL);
  return json;
}
