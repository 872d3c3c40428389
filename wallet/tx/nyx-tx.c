/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds, signs and hashes Cosmos SIGN_MODE_DIRECT transactions for Nyx (spec §3). */
#include "tx/nyx-tx.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "tx/nyx-sign.h"
#include "nyx-wallet.h"

#include "bank.pb-c.h"
#include "distribution.pb-c.h"
#include "secp256k1.pb-c.h"
#include "staking.pb-c.h"
#include "tx.pb-c.h"
#include "wasm.pb-c.h"

G_DEFINE_QUARK (nyx-tx-error-quark, nyx_tx_error)

/* CometBFT's limit on chain IDs. */
#define MAX_CHAIN_ID_LEN 50

typedef struct
{
  char   *type_url;
  GBytes *value;
} EncodedMessage;

struct _NyxTxBuilder
{
  GPtrArray *messages;     /* EncodedMessage, in the order they were added */
  char      *memo;
  GPtrArray *fee_denoms;   /* char *, parallel to fee_amounts */
  GPtrArray *fee_amounts;
  uint64_t   gas_limit;
};

static void
encoded_message_free (EncodedMessage *message)
{
  g_free (message->type_url);
  g_bytes_unref (message->value);
  g_free (message);
}

NyxTxBuilder *
nyx_tx_builder_new (void)
{
  NyxTxBuilder *builder = g_new0 (NyxTxBuilder, 1);

  builder->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) encoded_message_free);
  builder->memo = g_strdup ("");
  builder->fee_denoms = g_ptr_array_new_with_free_func (g_free);
  builder->fee_amounts = g_ptr_array_new_with_free_func (g_free);
  return builder;
}

void
nyx_tx_builder_free (NyxTxBuilder *builder)
{
  if (builder == NULL)
    return;
  g_ptr_array_unref (builder->messages);
  g_free (builder->memo);
  g_ptr_array_unref (builder->fee_denoms);
  g_ptr_array_unref (builder->fee_amounts);
  g_free (builder);
}

static GBytes *
pack (const ProtobufCMessage *message)
{
  size_t size = protobuf_c_message_get_packed_size (message);
  /* One spare byte keeps g_malloc from returning NULL for an empty message. */
  uint8_t *buffer = g_malloc (size + 1);
  size_t written = protobuf_c_message_pack (message, buffer);

  g_assert (written == size);
  return g_bytes_new_take (buffer, size);
}

static ProtobufCBinaryData
binary_of (GBytes *bytes)
{
  ProtobufCBinaryData data;
  gsize len = 0;

  data.data = (uint8_t *) g_bytes_get_data (bytes, &len);
  data.len = len;
  return data;
}

static bool
check_address (const char *field,
               const char *address,
               const char *prefix,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (nyx_address_validate (address, prefix, &local_error))
    return true;
  g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS, "%s: %s", field, local_error->message);
  return false;
}

/*
 * The Cosmos SDK's Coins.IsValid, which MsgSend, MsgExecuteContract funds, staking amounts and
 * fees must pass on chain: well-formed, every amount positive, denominations strictly ascending
 * (so each appears once). Checking here turns a rejected broadcast into a clear error before
 * anything is signed. @min_coins is 1 where the SDK wants at least one coin.
 */
static bool
check_coins (const char    *field,
             const NyxCoin *coins,
             size_t         n_coins,
             size_t         min_coins,
             GError       **error)
{
  if (n_coins < min_coins)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN, "%s: at least one coin is needed", field);
      return false;
    }
  for (size_t i = 0; i < n_coins; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!nyx_coin_validate (&coins[i], &local_error))
        {
          g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN,
                       "%s[%zu]: %s", field, i, local_error->message);
          return false;
        }
      if (strcmp (coins[i].amount, "0") == 0)
        {
          g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN,
                       "%s[%zu]: the amount of %s is zero; leave the coin out instead", field, i, coins[i].denom);
          return false;
        }
      if (i > 0 && strcmp (coins[i - 1].denom, coins[i].denom) == 0)
        {
          g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN,
                       "%s[%zu]: %s appears twice; coins must be sorted by denomination, each once",
                       field, i, coins[i].denom);
          return false;
        }
      if (i > 0 && strcmp (coins[i - 1].denom, coins[i].denom) > 0)
        {
          g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN,
                       "%s[%zu]: coins must be sorted by denomination, so %s must come before %s",
                       field, i, coins[i].denom, coins[i - 1].denom);
          return false;
        }
    }
  return true;
}

/* protobuf-c's fields are not const, but packing only reads them. */
static Cosmos__Base__V1beta1__Coin *
coin_array_new (const NyxCoin *coins,
                size_t         n_coins,
                Cosmos__Base__V1beta1__Coin ***pointers)
{
  Cosmos__Base__V1beta1__Coin *array = g_new (Cosmos__Base__V1beta1__Coin, n_coins + 1);

  *pointers = g_new (Cosmos__Base__V1beta1__Coin *, n_coins + 1);
  for (size_t i = 0; i < n_coins; i++)
    {
      cosmos__base__v1beta1__coin__init (&array[i]);
      array[i].denom = (char *) coins[i].denom;
      array[i].amount = (char *) coins[i].amount;
      (*pointers)[i] = &array[i];
    }
  return array;
}

static void
add_encoded (NyxTxBuilder *builder,
             const char   *type_url,
             GBytes       *value)
{
  EncodedMessage *message = g_new0 (EncodedMessage, 1);

  message->type_url = g_strdup (type_url);
  message->value = value;
  g_ptr_array_add (builder->messages, message);
}

bool
nyx_tx_builder_add_any (NyxTxBuilder  *builder,
                        const char    *type_url,
                        const uint8_t *value,
                        size_t         len,
                        GError       **error)
{
  if (type_url == NULL || type_url[0] != '/' || type_url[1] == '\0')
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                   "“%s” is not a message type URL such as %s", type_url != NULL ? type_url : "",
                   NYX_TX_TYPE_MSG_SEND);
      return false;
    }
  add_encoded (builder, type_url, g_bytes_new (value, len));
  return true;
}

bool
nyx_tx_builder_add_msg_send (NyxTxBuilder  *builder,
                             const char    *from_address,
                             const char    *to_address,
                             const NyxCoin *amount,
                             size_t         n_amount,
                             GError       **error)
{
  Cosmos__Bank__V1beta1__MsgSend msg = COSMOS__BANK__V1BETA1__MSG_SEND__INIT;
  g_autofree Cosmos__Base__V1beta1__Coin *coins = NULL;
  g_autofree Cosmos__Base__V1beta1__Coin **pointers = NULL;

  if (!check_address ("from_address", from_address, NYX_ADDRESS_PREFIX, error) ||
      !check_address ("to_address", to_address, NYX_ADDRESS_PREFIX, error) ||
      !check_coins ("amount", amount, n_amount, 1, error))
    return false;

  coins = coin_array_new (amount, n_amount, &pointers);
  msg.from_address = (char *) from_address;
  msg.to_address = (char *) to_address;
  msg.n_amount = n_amount;
  msg.amount = pointers;
  add_encoded (builder, NYX_TX_TYPE_MSG_SEND, pack (&msg.base));
  return true;
}

bool
nyx_tx_builder_add_msg_execute_contract (NyxTxBuilder  *builder,
                                         const char    *sender,
                                         const char    *contract,
                                         const uint8_t *msg_json,
                                         size_t         msg_len,
                                         const NyxCoin *funds,
                                         size_t         n_funds,
                                         GError       **error)
{
  Cosmwasm__Wasm__V1__MsgExecuteContract msg = COSMWASM__WASM__V1__MSG_EXECUTE_CONTRACT__INIT;
  g_autofree Cosmos__Base__V1beta1__Coin *coins = NULL;
  g_autofree Cosmos__Base__V1beta1__Coin **pointers = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;

  if (!check_address ("sender", sender, NYX_ADDRESS_PREFIX, error) ||
      !check_address ("contract", contract, NYX_ADDRESS_PREFIX, error) ||
      !check_coins ("funds", funds, n_funds, 0, error))
    return false;

  /* wasmd rejects a message that is not JSON, so catch it before signing. */
  parser = json_parser_new ();
  if (msg_len == 0 || msg_len > G_MAXSSIZE || !g_utf8_validate ((const char *) msg_json, (gssize) msg_len, NULL) ||
      !json_parser_load_from_data (parser, (const char *) msg_json, (gssize) msg_len, &json_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                   "msg: the contract message is not JSON%s%s",
                   json_error != NULL ? ": " : "", json_error != NULL ? json_error->message : "");
      return false;
    }

  coins = coin_array_new (funds, n_funds, &pointers);
  msg.sender = (char *) sender;
  msg.contract = (char *) contract;
  msg.msg.data = (uint8_t *) msg_json;
  msg.msg.len = msg_len;
  msg.n_funds = n_funds;
  msg.funds = pointers;
  add_encoded (builder, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT, pack (&msg.base));
  return true;
}

static bool
add_staking (NyxTxBuilder  *builder,
             const char    *type_url,
             const char    *delegator_address,
             const char    *validator_address,
             const NyxCoin *amount,
             GError       **error)
{
  /* MsgDelegate and MsgUndelegate have the same fields and numbers (spec §3.1). */
  Cosmos__Staking__V1beta1__MsgDelegate msg = COSMOS__STAKING__V1BETA1__MSG_DELEGATE__INIT;
  Cosmos__Base__V1beta1__Coin coin = COSMOS__BASE__V1BETA1__COIN__INIT;

  g_return_val_if_fail (amount != NULL, false);
  if (!check_address ("delegator_address", delegator_address, NYX_ADDRESS_PREFIX, error) ||
      !check_address ("validator_address", validator_address, NYX_VALOPER_PREFIX, error) ||
      !check_coins ("amount", amount, 1, 1, error))
    return false;

  coin.denom = (char *) amount->denom;
  coin.amount = (char *) amount->amount;
  msg.delegator_address = (char *) delegator_address;
  msg.validator_address = (char *) validator_address;
  msg.amount = &coin;
  add_encoded (builder, type_url, pack (&msg.base));
  return true;
}

bool
nyx_tx_builder_add_msg_delegate (NyxTxBuilder  *builder,
                                 const char    *delegator_address,
                                 const char    *validator_address,
                                 const NyxCoin *amount,
                                 GError       **error)
{
  return add_staking (builder, NYX_TX_TYPE_MSG_DELEGATE, delegator_address, validator_address, amount, error);
}

bool
nyx_tx_builder_add_msg_undelegate (NyxTxBuilder  *builder,
                                   const char    *delegator_address,
                                   const char    *validator_address,
                                   const NyxCoin *amount,
                                   GError       **error)
{
  return add_staking (builder, NYX_TX_TYPE_MSG_UNDELEGATE, delegator_address, validator_address, amount, error);
}

bool
nyx_tx_builder_add_msg_withdraw_delegator_reward (NyxTxBuilder *builder,
                                                  const char   *delegator_address,
                                                  const char   *validator_address,
                                                  GError      **error)
{
  Cosmos__Distribution__V1beta1__MsgWithdrawDelegatorReward msg =
    COSMOS__DISTRIBUTION__V1BETA1__MSG_WITHDRAW_DELEGATOR_REWARD__INIT;

  if (!check_address ("delegator_address", delegator_address, NYX_ADDRESS_PREFIX, error) ||
      !check_address ("validator_address", validator_address, NYX_VALOPER_PREFIX, error))
    return false;

  msg.delegator_address = (char *) delegator_address;
  msg.validator_address = (char *) validator_address;
  add_encoded (builder, NYX_TX_TYPE_MSG_WITHDRAW_DELEGATOR_REWARD, pack (&msg.base));
  return true;
}

guint
nyx_tx_builder_get_n_messages (NyxTxBuilder *builder)
{
  return builder->messages->len;
}

void
nyx_tx_builder_take_messages (NyxTxBuilder *builder,
                              NyxTxBuilder *source)
{
  g_return_if_fail (builder != source);
  for (guint i = 0; i < source->messages->len; i++)
    g_ptr_array_add (builder->messages, g_steal_pointer (&g_ptr_array_index (source->messages, i)));
  /* The slots are now NULL, so clearing the array frees nothing twice. */
  g_ptr_array_set_free_func (source->messages, NULL);
  g_ptr_array_set_size (source->messages, 0);
  g_ptr_array_set_free_func (source->messages, (GDestroyNotify) encoded_message_free);
}

bool
nyx_tx_builder_set_memo (NyxTxBuilder *builder,
                         const char   *memo,
                         GError      **error)
{
  size_t len;

  if (memo == NULL)
    memo = "";
  len = strlen (memo);
  if (!g_utf8_validate (memo, (gssize) len, NULL))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MEMO, "The memo is not valid UTF-8 text");
      return false;
    }
  if (len > NYX_TX_MAX_MEMO_BYTES)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MEMO,
                   "The memo is %zu bytes long; the chain accepts at most %d", len, NYX_TX_MAX_MEMO_BYTES);
      return false;
    }
  g_free (builder->memo);
  builder->memo = g_strdup (memo);
  return true;
}

bool
nyx_tx_builder_set_fee (NyxTxBuilder  *builder,
                        const NyxCoin *amount,
                        size_t         n_amount,
                        uint64_t       gas_limit,
                        GError       **error)
{
  if (!check_coins ("fee", amount, n_amount, 0, error))
    return false;
  g_ptr_array_set_size (builder->fee_denoms, 0);
  g_ptr_array_set_size (builder->fee_amounts, 0);
  for (size_t i = 0; i < n_amount; i++)
    {
      g_ptr_array_add (builder->fee_denoms, g_strdup (amount[i].denom));
      g_ptr_array_add (builder->fee_amounts, g_strdup (amount[i].amount));
    }
  builder->gas_limit = gas_limit;
  return true;
}

GBytes *
nyx_tx_builder_encode_body (NyxTxBuilder *builder,
                            GError      **error)
{
  Cosmos__Tx__V1beta1__TxBody body = COSMOS__TX__V1BETA1__TX_BODY__INIT;
  guint n = builder->messages->len;
  g_autofree Google__Protobuf__Any *anys = NULL;
  g_autofree Google__Protobuf__Any **pointers = NULL;

  if (n == 0)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_NO_MESSAGES, "The transaction has no messages");
      return NULL;
    }

  /* Spec §3.2 step 1: TxBody{messages, memo}; timeout_height stays 0 and is not encoded. */
  anys = g_new (Google__Protobuf__Any, n);
  pointers = g_new (Google__Protobuf__Any *, n);
  for (guint i = 0; i < n; i++)
    {
      EncodedMessage *message = g_ptr_array_index (builder->messages, i);

      google__protobuf__any__init (&anys[i]);
      anys[i].type_url = message->type_url;
      anys[i].value = binary_of (message->value);
      pointers[i] = &anys[i];
    }
  body.n_messages = n;
  body.messages = pointers;
  body.memo = builder->memo;
  return pack (&body.base);
}

static bool
check_public_key (const uint8_t public_key[static 33],
                  GError      **error)
{
  g_autofree char *address = NULL;
  g_autoptr(GError) local_error = NULL;

  /* nyx_address_from_public_key checks that the key is a compressed curve point. */
  address = nyx_address_from_public_key (NULL, public_key, &local_error);
  if (address != NULL)
    return true;
  g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY, "%s", local_error->message);
  return false;
}

/* Spec §3.2 step 2 (mode DIRECT, the fee) and §3.3 (mode UNSPECIFIED, an empty fee). */
static GBytes *
encode_auth_info (NyxTxBuilder  *builder,
                  const uint8_t  public_key[static 33],
                  uint64_t       sequence,
                  bool           for_simulation)
{
  Cosmos__Crypto__Secp256k1__PubKey pubkey = COSMOS__CRYPTO__SECP256K1__PUB_KEY__INIT;
  Google__Protobuf__Any pubkey_any = GOOGLE__PROTOBUF__ANY__INIT;
  Cosmos__Tx__V1beta1__ModeInfo__Single single = COSMOS__TX__V1BETA1__MODE_INFO__SINGLE__INIT;
  Cosmos__Tx__V1beta1__ModeInfo mode_info = COSMOS__TX__V1BETA1__MODE_INFO__INIT;
  Cosmos__Tx__V1beta1__SignerInfo signer = COSMOS__TX__V1BETA1__SIGNER_INFO__INIT;
  Cosmos__Tx__V1beta1__SignerInfo *signers[1] = { &signer };
  Cosmos__Tx__V1beta1__Fee fee = COSMOS__TX__V1BETA1__FEE__INIT;
  Cosmos__Tx__V1beta1__AuthInfo auth_info = COSMOS__TX__V1BETA1__AUTH_INFO__INIT;
  g_autofree Cosmos__Base__V1beta1__Coin *coins = NULL;
  g_autofree Cosmos__Base__V1beta1__Coin **pointers = NULL;
  g_autofree NyxCoin *fee_coins = NULL;
  g_autoptr(GBytes) pubkey_bytes = NULL;

  pubkey.key.data = (uint8_t *) public_key;
  pubkey.key.len = 33;
  pubkey_bytes = pack (&pubkey.base);
  pubkey_any.type_url = (char *) NYX_TX_TYPE_SECP256K1_PUBKEY;
  pubkey_any.value = binary_of (pubkey_bytes);

  single.mode = for_simulation ? COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_UNSPECIFIED
                               : COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_DIRECT;
  mode_info.sum_case = COSMOS__TX__V1BETA1__MODE_INFO__SUM_SINGLE;
  mode_info.single = &single;

  signer.public_key = &pubkey_any;
  signer.mode_info = &mode_info;
  signer.sequence = sequence;

  if (!for_simulation)
    {
      guint n = builder->fee_amounts->len;

      fee_coins = g_new (NyxCoin, n + 1);
      for (guint i = 0; i < n; i++)
        {
          fee_coins[i].denom = g_ptr_array_index (builder->fee_denoms, i);
          fee_coins[i].amount = g_ptr_array_index (builder->fee_amounts, i);
        }
      coins = coin_array_new (fee_coins, n, &pointers);
      fee.n_amount = n;
      fee.amount = pointers;
      fee.gas_limit = builder->gas_limit;
    }

  auth_info.n_signer_infos = 1;
  auth_info.signer_infos = signers;
  auth_info.fee = &fee;
  return pack (&auth_info.base);
}

GBytes *
nyx_tx_builder_encode_auth_info (NyxTxBuilder  *builder,
                                 const uint8_t  public_key[static 33],
                                 uint64_t       sequence,
                                 GError       **error)
{
  if (!check_public_key (public_key, error))
    return NULL;
  return encode_auth_info (builder, public_key, sequence, false);
}

static bool
check_chain_id (const char *chain_id,
                GError    **error)
{
  size_t len = chain_id != NULL ? strlen (chain_id) : 0;

  if (len == 0 || len > MAX_CHAIN_ID_LEN || !g_utf8_validate (chain_id, (gssize) len, NULL))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_CHAIN_ID,
                   "“%.60s” is not a chain ID (1 to %d characters, such as nyx)",
                   chain_id != NULL ? chain_id : "", MAX_CHAIN_ID_LEN);
      return false;
    }
  return true;
}

static GBytes *
encode_sign_doc (GBytes     *body,
                 GBytes     *auth_info,
                 const char *chain_id,
                 uint64_t    account_number)
{
  Cosmos__Tx__V1beta1__SignDoc sign_doc = COSMOS__TX__V1BETA1__SIGN_DOC__INIT;

  /* Spec §3.2 step 3. */
  sign_doc.body_bytes = binary_of (body);
  sign_doc.auth_info_bytes = binary_of (auth_info);
  sign_doc.chain_id = (char *) chain_id;
  sign_doc.account_number = account_number;
  return pack (&sign_doc.base);
}

GBytes *
nyx_tx_builder_encode_sign_doc (NyxTxBuilder  *builder,
                                const uint8_t  public_key[static 33],
                                const char    *chain_id,
                                uint64_t       account_number,
                                uint64_t       sequence,
                                GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) auth_info = NULL;

  if (!check_chain_id (chain_id, error) || !check_public_key (public_key, error))
    return NULL;
  body = nyx_tx_builder_encode_body (builder, error);
  if (body == NULL)
    return NULL;
  auth_info = encode_auth_info (builder, public_key, sequence, false);
  return encode_sign_doc (body, auth_info, chain_id, account_number);
}

static GBytes *
encode_tx_raw (GBytes        *body,
               GBytes        *auth_info,
               const uint8_t *signature,
               size_t         signature_len)
{
  Cosmos__Tx__V1beta1__TxRaw tx_raw = COSMOS__TX__V1BETA1__TX_RAW__INIT;
  ProtobufCBinaryData signatures[1];

  tx_raw.body_bytes = binary_of (body);
  tx_raw.auth_info_bytes = binary_of (auth_info);
  /* An empty signature is still one repeated element: it encodes as 1a 00 (spec §3.3). */
  signatures[0].data = (uint8_t *) signature;
  signatures[0].len = signature_len;
  tx_raw.n_signatures = 1;
  tx_raw.signatures = signatures;
  return pack (&tx_raw.base);
}

GBytes *
nyx_tx_builder_sign (NyxTxBuilder  *builder,
                     const uint8_t  private_key[static 32],
                     const char    *chain_id,
                     uint64_t       account_number,
                     uint64_t       sequence,
                     GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) auth_info = NULL;
  g_autoptr(GBytes) sign_doc = NULL;
  g_autoptr(GError) sign_error = NULL;
  uint8_t public_key[33];
  uint8_t signature[NYX_SIGNATURE_SIZE];
  gsize sign_doc_len = 0;
  const uint8_t *sign_doc_data;

  if (!check_chain_id (chain_id, error))
    return NULL;
  if (!nyx_sign_public_key (private_key, public_key, &sign_error))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY, "%s", sign_error->message);
      return NULL;
    }
  body = nyx_tx_builder_encode_body (builder, error);
  if (body == NULL)
    return NULL;
  auth_info = encode_auth_info (builder, public_key, sequence, false);
  sign_doc = encode_sign_doc (body, auth_info, chain_id, account_number);

  /* Spec §3.2 step 4: ECDSA over SHA-256(SignDoc bytes). */
  sign_doc_data = g_bytes_get_data (sign_doc, &sign_doc_len);
  if (!nyx_sign_message (private_key, sign_doc_data, sign_doc_len, signature, &sign_error))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY, "%s", sign_error->message);
      return NULL;
    }
  return encode_tx_raw (body, auth_info, signature, sizeof signature);
}

GBytes *
nyx_tx_builder_encode_simulation (NyxTxBuilder  *builder,
                                  const uint8_t  public_key[static 33],
                                  uint64_t       sequence,
                                  GError       **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) auth_info = NULL;

  if (!check_public_key (public_key, error))
    return NULL;
  body = nyx_tx_builder_encode_body (builder, error);
  if (body == NULL)
    return NULL;
  auth_info = encode_auth_info (builder, public_key, sequence, true);
  return encode_tx_raw (body, auth_info, NULL, 0);
}

GBytes *
nyx_tx_encode_simulate_request (GBytes *tx_bytes)
{
  Cosmos__Tx__V1beta1__SimulateRequest request = COSMOS__TX__V1BETA1__SIMULATE_REQUEST__INIT;

  request.tx_bytes = binary_of (tx_bytes);
  return pack (&request.base);
}

bool
nyx_tx_decode_simulate_response (const uint8_t *data,
                                 size_t         len,
                                 uint64_t      *gas_used,
                                 uint64_t      *gas_wanted,
                                 GError       **error)
{
  Cosmos__Tx__V1beta1__SimulateResponse *response;
  bool ok;

  response = cosmos__tx__v1beta1__simulate_response__unpack (NULL, len, data);
  if (response == NULL)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE,
                   "The simulation response (%zu bytes) is not a SimulateResponse", len);
      return false;
    }
  ok = response->gas_info != NULL;
  if (ok)
    {
      *gas_used = response->gas_info->gas_used;
      if (gas_wanted != NULL)
        *gas_wanted = response->gas_info->gas_wanted;
    }
  else
    g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE, "The simulation response has no gas_info");
  cosmos__tx__v1beta1__simulate_response__free_unpacked (response, NULL);
  return ok;
}

char *
nyx_tx_hash (const uint8_t *tx_bytes,
             size_t         len)
{
  static const char digits[] = "0123456789ABCDEF";
  uint8_t digest[crypto_hash_sha256_BYTES];
  char *hex = g_malloc (2 * sizeof digest + 1);

  if (!nyx_wallet_init ())
    g_warn_if_reached ();
  crypto_hash_sha256 (digest, tx_bytes, len);
  for (size_t i = 0; i < sizeof digest; i++)
    {
      hex[2 * i] = digits[digest[i] >> 4];
      hex[2 * i + 1] = digits[digest[i] & 15];
    }
  hex[2 * sizeof digest] = '\0';
  return hex;
}
