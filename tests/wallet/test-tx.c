/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the protobuf encodings and the SIGN_MODE_DIRECT builder against spec §3.4, and its bad input. */
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "tx/nyx-mixnet-msg.h"
#include "tx/nyx-tx-json.h"
#include "tx/nyx-sign.h"
#include "tx/nyx-tx-decode.h"
#include "tx/nyx-tx.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

#include "auth.pb-c.h"
#include "bank.pb-c.h"
#include "secp256k1.pb-c.h"
#include "tx.pb-c.h"
#include "wasm.pb-c.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"
#define SIGNER   "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6"
#define RECEIVER "n1jw6mp7d5xqc7w6xm79lha27glmd0vdt3l9artf"
#define VALOPER  "nvaloper1r5v5srda7xfth3hn2s26txvrcrntldjulxc2j8"

typedef struct
{
  GHashTable   *vectors;
  uint8_t      *private_key;   /* sodium_malloc()ed */
  uint8_t       public_key[33];
  NyxTxBuilder *builder;
} TxFixture;

static const NyxCoin fee_5000 = { "unym", "5000" };

static void
tx_setup (TxFixture    *fixture,
          gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->vectors = nyx_test_load_table ("nyx-tx.vectors");
  fixture->private_key = sodium_malloc (32);
  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, 0, fixture->public_key,
                                                   fixture->private_key, NULL, &error));
  g_assert_no_error (error);
  fixture->builder = nyx_tx_builder_new ();
}

static void
tx_teardown (TxFixture    *fixture,
             gconstpointer data)
{
  g_hash_table_unref (fixture->vectors);
  sodium_free (fixture->private_key);
  nyx_tx_builder_free (fixture->builder);
}

/* Checks every stage of spec §3.2 against vector @tag. */
static void
assert_vector (TxFixture  *fixture,
               const char *tag)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) auth_info = NULL;
  g_autoptr(GBytes) sign_doc = NULL;
  g_autoptr(GBytes) tx_raw = NULL;
  g_autofree char *key = NULL;
  g_autofree char *hash = NULL;
  gsize len = 0;
  const uint8_t *data;

#define V(field) nyx_test_table_get (fixture->vectors, (g_free (key), key = g_strdup_printf ("%s|%s", tag, field)))
  body = nyx_tx_builder_encode_body (fixture->builder, &error);
  g_assert_no_error (error);
  nyx_test_assert_bytes_hex (body, V ("body"));
  auth_info = nyx_tx_builder_encode_auth_info (fixture->builder, fixture->public_key, 7, &error);
  g_assert_no_error (error);
  nyx_test_assert_bytes_hex (auth_info, V ("auth_info"));
  sign_doc = nyx_tx_builder_encode_sign_doc (fixture->builder, fixture->public_key, "nyx", 12345, 7, &error);
  g_assert_no_error (error);
  nyx_test_assert_bytes_hex (sign_doc, V ("sign_doc"));
  tx_raw = nyx_tx_builder_sign (fixture->builder, fixture->private_key, "nyx", 12345, 7, &error);
  g_assert_no_error (error);
  nyx_test_assert_bytes_hex (tx_raw, V ("tx_raw"));
  data = g_bytes_get_data (tx_raw, &len);
  hash = nyx_tx_hash (data, len);
  g_assert_cmpstr (hash, ==, V ("tx_hash"));
#undef V
}

static void
test_vector_send (TxFixture    *fixture,
                  gconstpointer data)
{
  static const NyxCoin one_nym = { "unym", "1000000" };
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, &one_nym, 1, &error));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, "nym c wallet test vector", &error));
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, &fee_5000, 1, 200000, &error));
  g_assert_no_error (error);
  assert_vector (fixture, "a");
}

static void
test_vector_execute (TxFixture    *fixture,
                     gconstpointer data)
{
  static const NyxCoin ten_nym = { "unym", "10000000" };
  g_autoptr(GError) error = NULL;
  g_autofree char *memo = nyx_mixnet_msg_memo (NYX_MIXNET_DELEGATE, 42);

  g_assert_true (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                NYX_MIXNET_DELEGATE, 42, &ten_nym, &error));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, memo, &error));
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, &fee_5000, 1, 200000, &error));
  g_assert_no_error (error);
  assert_vector (fixture, "b");
}

/* The same two vectors, from the CosmJS EncodeObject JSON the CLI reads. */
static void
test_vectors_from_json (TxFixture    *fixture,
                        gconstpointer data)
{
  static const char send_json[] =
    "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
    " \"toAddress\": \"" RECEIVER "\", \"amount\": [{\"denom\": \"unym\", \"amount\": \"1000000\"}]}}]";
  static const char execute_json[] =
    "[{\"typeUrl\": \"/cosmwasm.wasm.v1.MsgExecuteContract\", \"value\": {\"sender\": \"" SIGNER "\","
    " \"contract\": \"" NYX_MIXNET_CONTRACT_MAINNET "\", \"msg\": \"{\\\"delegate\\\":{\\\"node_id\\\":42}}\","
    " \"funds\": [{\"denom\": \"unym\", \"amount\": \"10000000\"}]}}]";
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_tx_builder_add_msgs_from_json (fixture->builder, send_json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, "nym c wallet test vector", &error));
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, &fee_5000, 1, 200000, &error));
  assert_vector (fixture, "a");

  nyx_tx_builder_free (fixture->builder);
  fixture->builder = nyx_tx_builder_new ();
  g_assert_true (nyx_tx_builder_add_msgs_from_json (fixture->builder, execute_json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, "delegating to mixnode 42", &error));
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, &fee_5000, 1, 200000, &error));
  assert_vector (fixture, "b");
}

/* Spec §3.3: the simulation TxRaw of vector (b), and the SimulateRequest around it. */
static void
test_simulation (TxFixture    *fixture,
                 gconstpointer data)
{
  static const NyxCoin ten_nym = { "unym", "10000000" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tx = NULL;
  g_autoptr(GBytes) request = NULL;
  Cosmos__Tx__V1beta1__TxRaw *decoded;
  gsize len = 0;
  const uint8_t *bytes;

  g_assert_true (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                NYX_MIXNET_DELEGATE, 42, &ten_nym, &error));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, "delegating to mixnode 42", &error));
  /* A fee set for signing must not leak into the simulation's empty fee. */
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, &fee_5000, 1, 200000, &error));
  tx = nyx_tx_builder_encode_simulation (fixture->builder, fixture->public_key, 7, &error);
  g_assert_no_error (error);
  nyx_test_assert_bytes_hex (tx, nyx_test_table_get (fixture->vectors, "b|sim_tx_raw"));

  bytes = g_bytes_get_data (tx, &len);
  decoded = cosmos__tx__v1beta1__tx_raw__unpack (NULL, len, bytes);
  g_assert_nonnull (decoded);
  nyx_test_assert_hex (decoded->auth_info_bytes.data, decoded->auth_info_bytes.len,
                       nyx_test_table_get (fixture->vectors, "b|sim_auth_info"));
  g_assert_cmpuint (decoded->n_signatures, ==, 1);
  g_assert_cmpuint (decoded->signatures[0].len, ==, 0);
  cosmos__tx__v1beta1__tx_raw__free_unpacked (decoded, NULL);

  request = nyx_tx_encode_simulate_request (tx);
  nyx_test_assert_bytes_hex (request, nyx_test_table_get (fixture->vectors, "b|simulate_request"));
}

static void
test_simulate_response (void)
{
  Cosmos__Base__Abci__V1beta1__GasInfo gas_info = COSMOS__BASE__ABCI__V1BETA1__GAS_INFO__INIT;
  Cosmos__Tx__V1beta1__SimulateResponse response = COSMOS__TX__V1BETA1__SIMULATE_RESPONSE__INIT;
  uint8_t buffer[64];
  size_t len;
  uint64_t used = 0, wanted = 0;
  g_autoptr(GError) error = NULL;
  static const uint8_t garbage[] = { 0x0a, 0x05, 0x01 };

  gas_info.gas_used = 180000;
  gas_info.gas_wanted = 250000;
  response.gas_info = &gas_info;
  len = cosmos__tx__v1beta1__simulate_response__pack (&response, buffer);
  g_assert_true (nyx_tx_decode_simulate_response (buffer, len, &used, &wanted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (used, ==, 180000);
  g_assert_cmpuint (wanted, ==, 250000);

  used = 1;
  g_assert_false (nyx_tx_decode_simulate_response (garbage, sizeof garbage, &used, NULL, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_cmpuint (used, ==, 1);
  g_clear_error (&error);
  /* A response without gas_info (an empty message) has nothing to read. */
  g_assert_false (nyx_tx_decode_simulate_response (buffer, 0, &used, NULL, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
}

/* The query requests of spec §4.1, encoded from the project's .proto files. */
static void
test_query_encodings (TxFixture    *fixture,
                      gconstpointer data)
{
  Cosmos__Auth__V1beta1__QueryAccountRequest account = COSMOS__AUTH__V1BETA1__QUERY_ACCOUNT_REQUEST__INIT;
  Cosmos__Bank__V1beta1__QueryBalanceRequest balance = COSMOS__BANK__V1BETA1__QUERY_BALANCE_REQUEST__INIT;
  Cosmwasm__Wasm__V1__QuerySmartContractStateRequest smart = COSMWASM__WASM__V1__QUERY_SMART_CONTRACT_STATE_REQUEST__INIT;
  Cosmos__Crypto__Secp256k1__PubKey pubkey = COSMOS__CRYPTO__SECP256K1__PUB_KEY__INIT;
  const char *json = nyx_test_table_get (fixture->vectors, "q|smart_query_json");
  uint8_t buffer[512];
  size_t len;

  account.address = (char *) SIGNER;
  len = cosmos__auth__v1beta1__query_account_request__pack (&account, buffer);
  nyx_test_assert_hex (buffer, len, nyx_test_table_get (fixture->vectors, "q|query_account_request"));

  balance.address = (char *) SIGNER;
  balance.denom = (char *) "unym";
  len = cosmos__bank__v1beta1__query_balance_request__pack (&balance, buffer);
  nyx_test_assert_hex (buffer, len, nyx_test_table_get (fixture->vectors, "q|query_balance_request"));

  smart.address = (char *) NYX_MIXNET_CONTRACT_MAINNET;
  smart.query_data.data = (uint8_t *) json;
  smart.query_data.len = strlen (json);
  len = cosmwasm__wasm__v1__query_smart_contract_state_request__pack (&smart, buffer);
  nyx_test_assert_hex (buffer, len, nyx_test_table_get (fixture->vectors, "q|smart_query_request"));

  pubkey.key.data = fixture->public_key;
  pubkey.key.len = 33;
  len = cosmos__crypto__secp256k1__pub_key__pack (&pubkey, buffer);
  nyx_test_assert_hex (buffer, len, nyx_test_table_get (fixture->vectors, "q|pubkey_value"));
}

/* Several messages of every kind, in order, and a TxRaw that decodes back to what was built. */
static void
test_many_messages (TxFixture    *fixture,
                    gconstpointer data)
{
  static const NyxCoin coins[] = { { "unym", "1" }, { "unyx", "340282366920938463463374607431768211455" } };
  static const NyxCoin stake = { "unyx", "5" };
  static const char *const expected_types[] = {
    NYX_TX_TYPE_MSG_SEND, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT, NYX_TX_TYPE_MSG_DELEGATE,
    NYX_TX_TYPE_MSG_UNDELEGATE, NYX_TX_TYPE_MSG_WITHDRAW_DELEGATOR_REWARD, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tx = NULL;
  g_autoptr(GBytes) sign_doc = NULL;
  Cosmos__Tx__V1beta1__TxRaw *raw;
  Cosmos__Tx__V1beta1__TxBody *body;
  Cosmos__Tx__V1beta1__AuthInfo *auth_info;
  Cosmwasm__Wasm__V1__MsgExecuteContract *execute;
  /* Contract JSON need not be compact; its bytes are signed as given. */
  const char *spaced_json = "{\"undelegate\": {\"node_id\": 7}}";
  const char *memo = "d\xc3\xa9l\xc3\xa9gation \xe2\x9c\x93 \xf0\x9f\xa6\x8a";
  gsize len = 0, sign_doc_len = 0;
  const uint8_t *bytes;
  const uint8_t *sign_doc_bytes;

  g_assert_true (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, coins, 2, &error));
  g_assert_true (nyx_tx_builder_add_msg_execute_contract (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                          (const uint8_t *) spaced_json, strlen (spaced_json),
                                                          NULL, 0, &error));
  g_assert_true (nyx_tx_builder_add_msg_delegate (fixture->builder, SIGNER, VALOPER, &stake, &error));
  g_assert_true (nyx_tx_builder_add_msg_undelegate (fixture->builder, SIGNER, VALOPER, &stake, &error));
  g_assert_true (nyx_tx_builder_add_msg_withdraw_delegator_reward (fixture->builder, SIGNER, VALOPER, &error));
  g_assert_true (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_SANDBOX,
                                                NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD, 4294967295u, NULL, &error));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, memo, &error));
  g_assert_true (nyx_tx_builder_set_fee (fixture->builder, coins, 2, 18446744073709551615u, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nyx_tx_builder_get_n_messages (fixture->builder), ==, 6);

  tx = nyx_tx_builder_sign (fixture->builder, fixture->private_key, "sandbox", 0, 0, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (tx, &len);
  raw = cosmos__tx__v1beta1__tx_raw__unpack (NULL, len, bytes);
  g_assert_nonnull (raw);
  body = cosmos__tx__v1beta1__tx_body__unpack (NULL, raw->body_bytes.len, raw->body_bytes.data);
  g_assert_nonnull (body);
  g_assert_cmpuint (body->n_messages, ==, G_N_ELEMENTS (expected_types));
  for (guint i = 0; i < body->n_messages; i++)
    g_assert_cmpstr (body->messages[i]->type_url, ==, expected_types[i]);
  g_assert_cmpstr (body->memo, ==, memo);
  execute = cosmwasm__wasm__v1__msg_execute_contract__unpack (NULL, body->messages[5]->value.len,
                                                               body->messages[5]->value.data);
  g_assert_cmpmem (execute->msg.data, execute->msg.len,
                   "{\"withdraw_delegator_reward\":{\"node_id\":4294967295}}", 52);
  g_assert_cmpuint (execute->n_funds, ==, 0);
  cosmwasm__wasm__v1__msg_execute_contract__free_unpacked (execute, NULL);

  auth_info = cosmos__tx__v1beta1__auth_info__unpack (NULL, raw->auth_info_bytes.len, raw->auth_info_bytes.data);
  g_assert_cmpuint (auth_info->fee->gas_limit, ==, 18446744073709551615u);
  g_assert_cmpuint (auth_info->fee->n_amount, ==, 2);
  g_assert_cmpstr (auth_info->fee->amount[1]->amount, ==, coins[1].amount);
  g_assert_cmpuint (auth_info->signer_infos[0]->sequence, ==, 0);
  g_assert_cmpint (auth_info->signer_infos[0]->mode_info->single->mode, ==,
                   COSMOS__TX__V1BETA1__SIGN_MODE__SIGN_MODE_DIRECT);

  /* The signature in the TxRaw verifies against the SignDoc built from the same inputs. */
  sign_doc = nyx_tx_builder_encode_sign_doc (fixture->builder, fixture->public_key, "sandbox", 0, 0, &error);
  sign_doc_bytes = g_bytes_get_data (sign_doc, &sign_doc_len);
  g_assert_cmpuint (raw->n_signatures, ==, 1);
  g_assert_cmpuint (raw->signatures[0].len, ==, 64);
  g_assert_true (nyx_verify_message (fixture->public_key, sign_doc_bytes, sign_doc_len, raw->signatures[0].data));

  cosmos__tx__v1beta1__auth_info__free_unpacked (auth_info, NULL);
  cosmos__tx__v1beta1__tx_body__free_unpacked (body, NULL);
  cosmos__tx__v1beta1__tx_raw__free_unpacked (raw, NULL);
}

static GBytes *
body_of (NyxTxBuilder *builder)
{
  return nyx_tx_builder_encode_body (builder, NULL);
}

/* Every rejected input names the field, and the builder is the same afterwards. */
static void
test_bad_input (TxFixture    *fixture,
                gconstpointer data)
{
  static const NyxCoin one = { "unym", "1" };
  static const NyxCoin bad_coins[] = {
    { "unym", "" }, { "unym", "1.5" }, { "unym", "-1" }, { "unym", "01" }, { "unym", "1e6" },
    { "unym", "340282366920938463463374607431768211456" }, { "u", "1" }, { "1unym", "1" },
    { "un ym", "1" }, { "", "1" }, { "unym", "0" },
  };
  static const NyxCoin unsorted[] = { { "unyx", "1" }, { "unym", "1" } };
  static const NyxCoin twice[] = { { "unym", "1" }, { "unym", "2" } };
  uint8_t zero_key[32] = { 0 };
  uint8_t order_key[32];
  uint8_t bad_public[33] = { 0x02 };
  char long_memo[NYX_TX_MAX_MEMO_BYTES + 2];
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxTxBuilder) empty = nyx_tx_builder_new ();

  /* No messages. */
  g_assert_null (nyx_tx_builder_sign (empty, fixture->private_key, "nyx", 1, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_NO_MESSAGES);
  g_clear_error (&error);

  g_assert_true (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, &one, 1, &error));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, "kept", &error));
  before = body_of (fixture->builder);

  g_assert_false (nyx_tx_builder_add_msg_send (fixture->builder, "cosmos1r5v5srda7xfth3hn2s26txvrcrntldjumt8mhl",
                                               RECEIVER, &one, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "from_address"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg7",
                                               &one, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "to_address"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_delegate (fixture->builder, SIGNER, RECEIVER, &one, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "validator_address"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_withdraw_delegator_reward (fixture->builder, VALOPER, VALOPER, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad_coins); i++)
    {
      g_assert_false (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, &bad_coins[i], 1, &error));
      g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
      g_assert_nonnull (strstr (error->message, "amount[0]"));
      g_clear_error (&error);
      g_assert_false (nyx_tx_builder_set_fee (fixture->builder, &bad_coins[i], 1, 1, &error));
      g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
      g_clear_error (&error);
    }

  /* The SDK's Coins.IsValid: sorted, distinct, and a MsgSend moves at least one coin. */
  g_assert_false (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, unsorted, 2, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_assert_nonnull (strstr (error->message, "unym must come before unyx"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_set_fee (fixture->builder, twice, 2, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_assert_nonnull (strstr (error->message, "unym appears twice"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_execute_contract (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                           (const uint8_t *) "{}", 2, unsorted, 2, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_assert_nonnull (strstr (error->message, "funds[1]"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, NULL, 0, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_assert_nonnull (strstr (error->message, "at least one coin"));
  g_clear_error (&error);

  g_assert_false (nyx_tx_builder_add_msg_execute_contract (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                           (const uint8_t *) "{\"delegate\":", 12, NULL, 0, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_msg_execute_contract (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                           (const uint8_t *) "", 0, NULL, 0, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_any (fixture->builder, "cosmos.bank.v1beta1.MsgSend", NULL, 0, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);

  memset (long_memo, 'a', sizeof long_memo - 1);
  long_memo[sizeof long_memo - 1] = '\0';
  g_assert_false (nyx_tx_builder_set_memo (fixture->builder, long_memo, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MEMO);
  g_assert_nonnull (strstr (error->message, "257 bytes"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_set_memo (fixture->builder, "\xc3\x28", &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MEMO);
  g_clear_error (&error);
  long_memo[NYX_TX_MAX_MEMO_BYTES] = '\0';

  after = body_of (fixture->builder);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_true (nyx_tx_builder_set_memo (fixture->builder, long_memo, &error));
  g_assert_no_error (error);

  g_assert_null (nyx_tx_builder_sign (fixture->builder, fixture->private_key, "", 1, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_CHAIN_ID);
  g_clear_error (&error);
  g_assert_null (nyx_tx_builder_sign (fixture->builder, fixture->private_key,
                                      "a-chain-id-that-is-longer-than-fifty-characters-xyz", 1, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_CHAIN_ID);
  g_clear_error (&error);

  g_assert_null (nyx_tx_builder_sign (fixture->builder, zero_key, "nyx", 1, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY);
  g_clear_error (&error);
  /* The curve order n itself is not a valid private key. */
  {
    g_autoptr(GBytes) n = nyx_test_hex ("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

    memcpy (order_key, g_bytes_get_data (n, NULL), 32);
  }
  g_assert_null (nyx_tx_builder_sign (fixture->builder, order_key, "nyx", 1, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY);
  g_clear_error (&error);
  g_assert_null (nyx_tx_builder_encode_auth_info (fixture->builder, bad_public, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY);
  g_clear_error (&error);
  g_assert_null (nyx_tx_builder_encode_simulation (fixture->builder, bad_public, 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_KEY);
}

typedef struct
{
  const char *json;
  const char *must_contain;
} BadJson;

static void
test_bad_json (TxFixture    *fixture,
               gconstpointer data)
{
  static const BadJson cases[] = {
    { "not json", "not valid JSON" },
    { "{}", "JSON array" },
    { "[]", "empty" },
    { "[1]", "Message 0" },
    { "[{\"value\": {}}]", "typeUrl" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\"}]", "value" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgMultiSend\", \"value\": {}}]", "MsgMultiSend" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
      " \"toAdress\": \"" RECEIVER "\"}}]", "toAdress" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\"}}]",
      "toAddress" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
      " \"toAddress\": \"" RECEIVER "\", \"amount\": [{\"denom\": \"unym\", \"amount\": 5}]}}]", "amount[0]" },
    { "[{\"typeUrl\": \"/cosmwasm.wasm.v1.MsgExecuteContract\", \"value\": {\"sender\": \"" SIGNER "\","
      " \"contract\": \"" NYX_MIXNET_CONTRACT_MAINNET "\", \"msg\": {\"delegate\": {}}}}]", "msg" },
    { "[{\"typeUrl\": \"/cosmos.staking.v1beta1.MsgDelegate\", \"value\": {\"delegatorAddress\": \"" SIGNER "\","
      " \"validatorAddress\": \"" VALOPER "\", \"amount\": [{\"denom\": \"unyx\", \"amount\": \"1\"}]}}]", "amount" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {}, \"extra\": 1}]", "other than" },
    /* The first message is fine; the second is not, and nothing may be added. */
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
      " \"toAddress\": \"" RECEIVER "\", \"amount\": [{\"denom\": \"unym\", \"amount\": \"1\"}]}},"
      " {\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\":"
      " {\"fromAddress\": \"" SIGNER "\", \"toAddress\": \"n1bad\"}}]", "Message 1: to_address" },
    { "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
      " \"toAddress\": \"" RECEIVER "\"}}]", "Message 0: amount: at least one coin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad JSON %u", i);
      g_assert_false (nyx_tx_builder_add_msgs_from_json (fixture->builder, cases[i].json, -1, &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].must_contain));
      g_assert_cmpuint (nyx_tx_builder_get_n_messages (fixture->builder), ==, 0);
    }
}

/* A signed TxRaw decodes to what went in, in the EncodeObject form the JSON reader takes back. */
static void
test_decode (TxFixture    *fixture,
             gconstpointer data)
{
  g_autoptr(GBytes) tx = nyx_test_hex (nyx_test_table_get (fixture->vectors, "a|tx_raw"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *body, *message, *value, *signer, *fee;
  JsonArray *amount;

  root = nyx_tx_decode_to_json (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "hash"), ==, nyx_test_table_get (fixture->vectors, "a|tx_hash"));
  body = json_object_get_object_member (object, "body");
  g_assert_cmpstr (json_object_get_string_member (body, "memo"), ==, "nym c wallet test vector");
  g_assert_cmpstr (json_object_get_string_member (body, "timeoutHeight"), ==, "0");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 1);
  message = json_array_get_object_element (json_object_get_array_member (body, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "typeUrl"), ==, NYX_TX_TYPE_MSG_SEND);
  value = json_object_get_object_member (message, "value");
  g_assert_cmpstr (json_object_get_string_member (value, "fromAddress"), ==, SIGNER);
  g_assert_cmpstr (json_object_get_string_member (value, "toAddress"), ==, RECEIVER);
  amount = json_object_get_array_member (value, "amount");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (amount, 0), "amount"), ==, "1000000");
  signer = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (object, "authInfo"),
                                                                          "signerInfos"), 0);
  g_assert_cmpstr (json_object_get_string_member (signer, "publicKey"), ==,
                   "02ba66a84cf7839af172a13e7fc9f5e7008cb8bca1585f8f3bafb3039eda3c1fdd");
  g_assert_cmpstr (json_object_get_string_member (signer, "address"), ==, SIGNER);
  g_assert_cmpstr (json_object_get_string_member (signer, "mode"), ==, "DIRECT");
  g_assert_cmpstr (json_object_get_string_member (signer, "sequence"), ==, "7");
  fee = json_object_get_object_member (json_object_get_object_member (object, "authInfo"), "fee");
  g_assert_cmpstr (json_object_get_string_member (fee, "gasLimit"), ==, "200000");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (object, "signatures"), 0), ==,
                   nyx_test_table_get (fixture->vectors, "a|signature"));
}

static void
test_decode_round_trip (TxFixture    *fixture,
                        gconstpointer data)
{
  static const NyxCoin coins[] = { { "unym", "1" }, { "unyx", "340282366920938463463374607431768211455" } };
  static const NyxCoin stake = { "unyx", "5" };
  static const uint8_t unknown[] = { 0x0a, 0x01, 0x41 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tx = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) messages = NULL;
  g_autoptr(NyxTxBuilder) rebuilt = nyx_tx_builder_new ();
  g_autofree char *text = NULL;
  JsonArray *array;

  g_assert_true (nyx_tx_builder_add_msg_send (fixture->builder, SIGNER, RECEIVER, coins, 2, &error));
  g_assert_true (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                NYX_MIXNET_DELEGATE, 7, &coins[0], &error));
  g_assert_true (nyx_tx_builder_add_msg_delegate (fixture->builder, SIGNER, VALOPER, &stake, &error));
  g_assert_true (nyx_tx_builder_add_msg_undelegate (fixture->builder, SIGNER, VALOPER, &stake, &error));
  g_assert_true (nyx_tx_builder_add_msg_withdraw_delegator_reward (fixture->builder, SIGNER, VALOPER, &error));
  g_assert_no_error (error);
  body = nyx_tx_builder_encode_body (fixture->builder, &error);
  tx = nyx_tx_builder_sign (fixture->builder, fixture->private_key, "nyx", 3, 4, &error);
  g_assert_no_error (error);

  root = nyx_tx_decode_to_json (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), &error);
  g_assert_no_error (error);
  messages = json_node_copy (json_object_get_member (json_object_get_object_member (json_node_get_object (root), "body"),
                                                     "messages"));
  text = json_to_string (messages, FALSE);
  g_assert_true (nyx_tx_builder_add_msgs_from_json (rebuilt, text, -1, &error));
  g_assert_no_error (error);
  again = nyx_tx_builder_encode_body (rebuilt, &error);
  g_assert_true (g_bytes_equal (body, again));

  g_assert_true (nyx_tx_verify (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), "nyx", 3, &error));
  g_assert_no_error (error);
  g_assert_false (nyx_tx_verify (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), "nyx", 4, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "does not verify"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_verify (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), "sandbox", 3, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_clear_error (&error);

  /* A message of a type this wallet does not build is shown as bytes. */
  g_assert_true (nyx_tx_builder_add_any (rebuilt, "/cosmos.gov.v1beta1.MsgVote", unknown, sizeof unknown, &error));
  g_clear_pointer (&tx, g_bytes_unref);
  g_clear_pointer (&root, json_node_unref);
  tx = nyx_tx_builder_sign (rebuilt, fixture->private_key, "nyx", 3, 4, &error);
  root = nyx_tx_decode_to_json (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), &error);
  g_assert_no_error (error);
  array = json_object_get_array_member (json_object_get_object_member (json_node_get_object (root), "body"), "messages");
  g_assert_cmpuint (json_array_get_length (array), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 5), "valueBase64"), ==, "CgFB");
}

static void
test_decode_bad (TxFixture    *fixture,
                 gconstpointer data)
{
  static const uint8_t garbage[] = { 0x0a, 0x10, 0x01 };
  Cosmwasm__Wasm__V1__MsgExecuteContract execute = COSMWASM__WASM__V1__MSG_EXECUTE_CONTRACT__INIT;
  uint8_t bad_utf8[] = { '"', 0xc3, '"' };
  uint8_t buffer[256];
  size_t len;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tx = NULL;
  g_autoptr(GBytes) simulation = NULL;
  JsonNode *root;

  root = nyx_tx_decode_to_json (garbage, sizeof garbage, &error);
  g_assert_null (root);
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_clear_error (&error);
  g_assert_false (nyx_tx_verify (garbage, sizeof garbage, "nyx", 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_clear_error (&error);

  /* A contract message that is not UTF-8 cannot be shown as a JSON string. */
  execute.sender = (char *) SIGNER;
  execute.contract = (char *) NYX_MIXNET_CONTRACT_MAINNET;
  execute.msg.data = bad_utf8;
  execute.msg.len = sizeof bad_utf8;
  len = cosmwasm__wasm__v1__msg_execute_contract__pack (&execute, buffer);
  g_assert_true (nyx_tx_builder_add_any (fixture->builder, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT, buffer, len, &error));
  tx = nyx_tx_builder_sign (fixture->builder, fixture->private_key, "nyx", 1, 1, &error);
  g_assert_no_error (error);
  root = nyx_tx_decode_to_json (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx), &error);
  g_assert_null (root);
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "msg is not UTF-8"));
  g_clear_error (&error);

  /* The simulation form carries no signature and is not SIGN_MODE_DIRECT. */
  simulation = nyx_tx_builder_encode_simulation (fixture->builder, fixture->public_key, 1, &error);
  g_assert_false (nyx_tx_verify (g_bytes_get_data (simulation, NULL), g_bytes_get_size (simulation), "nyx", 1, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "SIGN_MODE_DIRECT"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) g_test_add (path, TxFixture, NULL, tx_setup, func, tx_teardown)
  ADD ("/tx/vector-a-send", test_vector_send);
  ADD ("/tx/vector-b-execute", test_vector_execute);
  ADD ("/tx/vectors-from-json", test_vectors_from_json);
  ADD ("/tx/simulation", test_simulation);
  ADD ("/tx/query-encodings", test_query_encodings);
  ADD ("/tx/many-messages", test_many_messages);
  ADD ("/tx/bad-input", test_bad_input);
  ADD ("/tx/bad-json", test_bad_json);
  ADD ("/tx/decode", test_decode);
  ADD ("/tx/decode-round-trip", test_decode_round_trip);
  ADD ("/tx/decode-bad", test_decode_bad);
#undef ADD
  g_test_add_func ("/tx/simulate-response", test_simulate_response);
  return g_test_run ();
}
