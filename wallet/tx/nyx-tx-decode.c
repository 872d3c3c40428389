/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Decodes a TxRaw into JSON (messages in CosmJS EncodeObject form) and verifies its signature offline. */
#include "tx/nyx-tx-decode.h"

#include <string.h>
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "tx/nyx-sign.h"
#include "tx/nyx-tx.h"
#include "nyx-wallet.h"

#include "bank.pb-c.h"
#include "distribution.pb-c.h"
#include "secp256k1.pb-c.h"
#include "staking.pb-c.h"
#include "tx.pb-c.h"
#include "wasm.pb-c.h"

static void
tx_raw_free (Cosmos__Tx__V1beta1__TxRaw *message)
{
  cosmos__tx__v1beta1__tx_raw__free_unpacked (message, NULL);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Cosmos__Tx__V1beta1__TxRaw, tx_raw_free)

/* Decoding state: the builder being filled and the first error met. */
typedef struct
{
  JsonBuilder *builder;
  GError     **error;
  bool         failed;
} Writer;

static bool
fail (Writer     *w,
      const char *what)
{
  if (!w->failed)
    g_set_error (w->error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE, "The transaction does not decode: %s", what);
  w->failed = true;
  return false;
}

/* Strings from the wire are only trusted as JSON text once they are known to be UTF-8. */
static bool
add_string (Writer     *w,
            const char *name,
            const char *value,
            size_t      len)
{
  if (w->failed)
    return false;
  /* protobuf-c gives empty bytes fields as NULL with length 0. */
  if (len == 0)
    value = "";
  if (!g_utf8_validate (value, (gssize) len, NULL) || memchr (value, '\0', len) != NULL)
    {
      g_autofree char *what = g_strdup_printf ("%s is not UTF-8 text", name);

      return fail (w, what);
    }
  json_builder_set_member_name (w->builder, name);
  {
    g_autofree char *copy = g_strndup (value, len);

    json_builder_add_string_value (w->builder, copy);
  }
  return true;
}

static bool
add_cstring (Writer     *w,
             const char *name,
             const char *value)
{
  return add_string (w, name, value != NULL ? value : "", value != NULL ? strlen (value) : 0);
}

static void
add_u64 (Writer     *w,
         const char *name,
         uint64_t    value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT, value);

  json_builder_set_member_name (w->builder, name);
  json_builder_add_string_value (w->builder, text);
}

static void
add_hex (Writer        *w,
         const char    *name,
         const uint8_t *data,
         size_t         len)
{
  g_autofree char *hex = g_malloc (2 * len + 1);

  sodium_bin2hex (hex, 2 * len + 1, data, len);
  if (name != NULL)
    json_builder_set_member_name (w->builder, name);
  json_builder_add_string_value (w->builder, hex);
}

static void
add_coin (Writer                            *w,
          const Cosmos__Base__V1beta1__Coin *coin)
{
  json_builder_begin_object (w->builder);
  add_cstring (w, "denom", coin->denom);
  add_cstring (w, "amount", coin->amount);
  json_builder_end_object (w->builder);
}

static void
add_coins (Writer                             *w,
           const char                         *name,
           Cosmos__Base__V1beta1__Coin *const *coins,
           size_t                              n)
{
  json_builder_set_member_name (w->builder, name);
  json_builder_begin_array (w->builder);
  for (size_t i = 0; i < n; i++)
    add_coin (w, coins[i]);
  json_builder_end_array (w->builder);
}

static void
add_message (Writer                      *w,
             const Google__Protobuf__Any *any)
{
  const uint8_t *data = any->value.data;
  size_t len = any->value.len;

  json_builder_begin_object (w->builder);
  add_cstring (w, "typeUrl", any->type_url);

  if (g_strcmp0 (any->type_url, NYX_TX_TYPE_MSG_SEND) == 0)
    {
      Cosmos__Bank__V1beta1__MsgSend *m = cosmos__bank__v1beta1__msg_send__unpack (NULL, len, data);

      if (m == NULL)
        fail (w, "a MsgSend is malformed");
      else
        {
          json_builder_set_member_name (w->builder, "value");
          json_builder_begin_object (w->builder);
          add_cstring (w, "fromAddress", m->from_address);
          add_cstring (w, "toAddress", m->to_address);
          add_coins (w, "amount", m->amount, m->n_amount);
          json_builder_end_object (w->builder);
          cosmos__bank__v1beta1__msg_send__free_unpacked (m, NULL);
        }
    }
  else if (g_strcmp0 (any->type_url, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT) == 0)
    {
      Cosmwasm__Wasm__V1__MsgExecuteContract *m = cosmwasm__wasm__v1__msg_execute_contract__unpack (NULL, len, data);

      if (m == NULL)
        fail (w, "a MsgExecuteContract is malformed");
      else
        {
          json_builder_set_member_name (w->builder, "value");
          json_builder_begin_object (w->builder);
          add_cstring (w, "sender", m->sender);
          add_cstring (w, "contract", m->contract);
          add_string (w, "msg", (const char *) m->msg.data, m->msg.len);
          add_coins (w, "funds", m->funds, m->n_funds);
          json_builder_end_object (w->builder);
          cosmwasm__wasm__v1__msg_execute_contract__free_unpacked (m, NULL);
        }
    }
  else if (g_strcmp0 (any->type_url, NYX_TX_TYPE_MSG_DELEGATE) == 0 ||
           g_strcmp0 (any->type_url, NYX_TX_TYPE_MSG_UNDELEGATE) == 0)
    {
      /* The two messages share their fields and numbers. */
      Cosmos__Staking__V1beta1__MsgDelegate *m = cosmos__staking__v1beta1__msg_delegate__unpack (NULL, len, data);

      if (m == NULL)
        fail (w, "a staking message is malformed");
      else
        {
          json_builder_set_member_name (w->builder, "value");
          json_builder_begin_object (w->builder);
          add_cstring (w, "delegatorAddress", m->delegator_address);
          add_cstring (w, "validatorAddress", m->validator_address);
          if (m->amount != NULL)
            {
              json_builder_set_member_name (w->builder, "amount");
              add_coin (w, m->amount);
            }
          json_builder_end_object (w->builder);
          cosmos__staking__v1beta1__msg_delegate__free_unpacked (m, NULL);
        }
    }
  else if (g_strcmp0 (any->type_url, NYX_TX_TYPE_MSG_WITHDRAW_DELEGATOR_REWARD) == 0)
    {
      Cosmos__Distribution__V1beta1__MsgWithdrawDelegatorReward *m =
        cosmos__distribution__v1beta1__msg_withdraw_delegator_reward__unpack (NULL, len, data);

      if (m == NULL)
        fail (w, "a MsgWithdrawDelegatorReward is malformed");
      else
        {
          json_builder_set_member_name (w->builder, "value");
          json_builder_begin_object (w->builder);
          add_cstring (w, "delegatorAddress", m->delegator_address);
          add_cstring (w, "validatorAddress", m->validator_address);
          json_builder_end_object (w->builder);
          cosmos__distribution__v1beta1__msg_withdraw_delegator_reward__free_unpacked (m, NULL);
        }
    }
  else
    {
      g_autofree char *base64 = g_base64_encode (data, len);

      json_builder_set_member_name (w->builder, "valueBase64");
      json_builder_add_string_value (w->builder, base64);
    }
  json_builder_end_object (w->builder);
}

static const char *
sign_mode_name (Cosmos__Tx__V1beta1__SignMode mode)
{
  switch ((int) mode)
    {
    case COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_UNSPECIFIED:
      return "UNSPECIFIED";
    case COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_DIRECT:
      return "DIRECT";
    case COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_TEXTUAL:
      return "TEXTUAL";
    case COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_DIRECT_AUX:
      return "DIRECT_AUX";
    case COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_LEGACY_AMINO_JSON:
      return "LEGACY_AMINO_JSON";
    default:
      return "UNKNOWN";
    }
}

/* The 33-byte key inside a secp256k1 PubKey Any, or false. */
static bool
secp256k1_key_of (const Google__Protobuf__Any *any,
                  uint8_t                      key[static 33])
{
  Cosmos__Crypto__Secp256k1__PubKey *pubkey;
  bool ok;

  if (any == NULL || g_strcmp0 (any->type_url, NYX_TX_TYPE_SECP256K1_PUBKEY) != 0)
    return false;
  pubkey = cosmos__crypto__secp256k1__pub_key__unpack (NULL, any->value.len, any->value.data);
  if (pubkey == NULL)
    return false;
  ok = pubkey->key.len == 33;
  if (ok)
    memcpy (key, pubkey->key.data, 33);
  cosmos__crypto__secp256k1__pub_key__free_unpacked (pubkey, NULL);
  return ok;
}

static void
add_signer (Writer                                 *w,
            const Cosmos__Tx__V1beta1__SignerInfo *signer)
{
  uint8_t key[33];

  json_builder_begin_object (w->builder);
  if (secp256k1_key_of (signer->public_key, key))
    {
      g_autofree char *address = nyx_address_from_public_key (NULL, key, NULL);

      add_hex (w, "publicKey", key, sizeof key);
      if (address != NULL)
        add_cstring (w, "address", address);
    }
  else if (signer->public_key != NULL)
    add_cstring (w, "publicKeyType", signer->public_key->type_url);
  json_builder_set_member_name (w->builder, "mode");
  if (signer->mode_info != NULL && signer->mode_info->sum_case == COSMOS__TX__V1BETA1__MODE_INFO__SUM_SINGLE)
    json_builder_add_string_value (w->builder, sign_mode_name (signer->mode_info->single->mode));
  else
    json_builder_add_null_value (w->builder);
  add_u64 (w, "sequence", signer->sequence);
  json_builder_end_object (w->builder);
}

JsonNode *
nyx_tx_decode_to_json (const uint8_t *tx_bytes,
                       size_t         len,
                       GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(Cosmos__Tx__V1beta1__TxRaw) raw = NULL;
  Cosmos__Tx__V1beta1__TxBody *body = NULL;
  Cosmos__Tx__V1beta1__AuthInfo *auth_info = NULL;
  g_autofree char *hash = NULL;
  Writer w = { builder, error, false };

  raw = cosmos__tx__v1beta1__tx_raw__unpack (NULL, len, tx_bytes);
  if (raw == NULL)
    {
      fail (&w, "the bytes are not a TxRaw");
      return NULL;
    }
  body = cosmos__tx__v1beta1__tx_body__unpack (NULL, raw->body_bytes.len, raw->body_bytes.data);
  auth_info = cosmos__tx__v1beta1__auth_info__unpack (NULL, raw->auth_info_bytes.len, raw->auth_info_bytes.data);
  if (body == NULL || auth_info == NULL)
    {
      fail (&w, body == NULL ? "the body is malformed" : "the auth info is malformed");
      goto out;
    }

  hash = nyx_tx_hash (tx_bytes, len);
  json_builder_begin_object (builder);
  add_cstring (&w, "hash", hash);

  json_builder_set_member_name (builder, "body");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (size_t i = 0; i < body->n_messages && !w.failed; i++)
    add_message (&w, body->messages[i]);
  json_builder_end_array (builder);
  add_cstring (&w, "memo", body->memo);
  add_u64 (&w, "timeoutHeight", body->timeout_height);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "authInfo");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "signerInfos");
  json_builder_begin_array (builder);
  for (size_t i = 0; i < auth_info->n_signer_infos; i++)
    add_signer (&w, auth_info->signer_infos[i]);
  json_builder_end_array (builder);
  if (auth_info->fee != NULL)
    {
      json_builder_set_member_name (builder, "fee");
      json_builder_begin_object (builder);
      add_coins (&w, "amount", auth_info->fee->amount, auth_info->fee->n_amount);
      add_u64 (&w, "gasLimit", auth_info->fee->gas_limit);
      add_cstring (&w, "payer", auth_info->fee->payer);
      add_cstring (&w, "granter", auth_info->fee->granter);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "signatures");
  json_builder_begin_array (builder);
  for (size_t i = 0; i < raw->n_signatures; i++)
    add_hex (&w, NULL, raw->signatures[i].data, raw->signatures[i].len);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

out:
  if (body != NULL)
    cosmos__tx__v1beta1__tx_body__free_unpacked (body, NULL);
  if (auth_info != NULL)
    cosmos__tx__v1beta1__auth_info__free_unpacked (auth_info, NULL);
  if (w.failed)
    return NULL;
  return json_builder_get_root (builder);
}

bool
nyx_tx_verify (const uint8_t *tx_bytes,
               size_t         len,
               const char    *chain_id,
               uint64_t       account_number,
               GError       **error)
{
  g_autoptr(Cosmos__Tx__V1beta1__TxRaw) raw = NULL;
  Cosmos__Tx__V1beta1__AuthInfo *auth_info = NULL;
  Cosmos__Tx__V1beta1__SignDoc sign_doc = COSMOS__TX__V1BETA1__SIGN_DOC__INIT;
  Cosmos__Tx__V1beta1__SignerInfo *signer;
  g_autofree uint8_t *sign_bytes = NULL;
  size_t sign_len;
  uint8_t key[33];
  const char *problem = NULL;

  raw = cosmos__tx__v1beta1__tx_raw__unpack (NULL, len, tx_bytes);
  if (raw != NULL)
    auth_info = cosmos__tx__v1beta1__auth_info__unpack (NULL, raw->auth_info_bytes.len, raw->auth_info_bytes.data);
  if (raw == NULL || auth_info == NULL)
    problem = "the bytes are not a TxRaw with an auth info";
  else if (auth_info->n_signer_infos != 1 || raw->n_signatures != 1)
    problem = "it does not have exactly one signer and one signature";
  else if (signer = auth_info->signer_infos[0], !secp256k1_key_of (signer->public_key, key))
    problem = "the signer's key is not a compressed secp256k1 key";
  else if (signer->mode_info == NULL || signer->mode_info->sum_case != COSMOS__TX__V1BETA1__MODE_INFO__SUM_SINGLE ||
           signer->mode_info->single->mode != COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_DIRECT)
    problem = "it is not signed with SIGN_MODE_DIRECT";
  else if (raw->signatures[0].len != NYX_SIGNATURE_SIZE)
    problem = "the signature is not 64 bytes";
  else
    {
      /* Spec §3.2 step 3, rebuilt from the exact bytes that were signed. */
      sign_doc.body_bytes = raw->body_bytes;
      sign_doc.auth_info_bytes = raw->auth_info_bytes;
      sign_doc.chain_id = (char *) chain_id;
      sign_doc.account_number = account_number;
      sign_len = cosmos__tx__v1beta1__sign_doc__get_packed_size (&sign_doc);
      sign_bytes = g_malloc (sign_len + 1);
      cosmos__tx__v1beta1__sign_doc__pack (&sign_doc, sign_bytes);
      if (!nyx_verify_message (key, sign_bytes, sign_len, raw->signatures[0].data))
        problem = "the signature does not verify for this chain ID and account number";
    }

  if (auth_info != NULL)
    cosmos__tx__v1beta1__auth_info__free_unpacked (auth_info, NULL);
  if (problem != NULL)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE, "The transaction is not validly signed: %s", problem);
      return false;
    }
  return true;
}
