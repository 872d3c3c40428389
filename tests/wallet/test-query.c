/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the query codecs: the spec §4.1 request encodings, and responses of every shape, good and bad. */
#include "tx/nyx-query.h"
#include "tx/nyx-tx.h"
#include "nyx-test-util.h"

#include "auth.pb-c.h"
#include "bank.pb-c.h"
#include "secp256k1.pb-c.h"
#include "wasm.pb-c.h"

#define SIGNER   "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6"
#define CONTRACT "n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr"
#define PUBKEY   "02ba66a84cf7839af172a13e7fc9f5e7008cb8bca1585f8f3bafb3039eda3c1fdd"

typedef struct
{
  GHashTable *vectors;
} QueryFixture;

static void
query_setup (QueryFixture *fixture,
             gconstpointer data)
{
  fixture->vectors = nyx_test_load_table ("nyx-tx.vectors");
}

static void
query_teardown (QueryFixture *fixture,
                gconstpointer data)
{
  g_hash_table_unref (fixture->vectors);
}

static void
test_requests (QueryFixture *fixture,
               gconstpointer data)
{
  const char *json = nyx_test_table_get (fixture->vectors, "q|smart_query_json");
  g_autoptr(GBytes) account = nyx_query_encode_account_request (SIGNER);
  g_autoptr(GBytes) balance = nyx_query_encode_balance_request (SIGNER, "unym");
  g_autoptr(GBytes) smart = nyx_query_encode_smart_request (CONTRACT, json, strlen (json));

  nyx_test_assert_bytes_hex (account, nyx_test_table_get (fixture->vectors, "q|query_account_request"));
  nyx_test_assert_bytes_hex (balance, nyx_test_table_get (fixture->vectors, "q|query_balance_request"));
  nyx_test_assert_bytes_hex (smart, nyx_test_table_get (fixture->vectors, "q|smart_query_request"));
}

/* Packs QueryAccountResponse{Any(@type_url, BaseAccount{…})}, with @pubkey_hex as the key if not NULL. */
static GBytes *
account_response (const char *type_url,
                  const char *pubkey_hex,
                  uint64_t    account_number,
                  uint64_t    sequence)
{
  Cosmos__Crypto__Secp256k1__PubKey pubkey = COSMOS__CRYPTO__SECP256K1__PUB_KEY__INIT;
  Google__Protobuf__Any pubkey_any = GOOGLE__PROTOBUF__ANY__INIT;
  Cosmos__Auth__V1beta1__BaseAccount account = COSMOS__AUTH__V1BETA1__BASE_ACCOUNT__INIT;
  Google__Protobuf__Any account_any = GOOGLE__PROTOBUF__ANY__INIT;
  Cosmos__Auth__V1beta1__QueryAccountResponse response = COSMOS__AUTH__V1BETA1__QUERY_ACCOUNT_RESPONSE__INIT;
  g_autoptr(GBytes) key = pubkey_hex != NULL ? nyx_test_hex (pubkey_hex) : NULL;
  uint8_t pubkey_buffer[64], account_buffer[256], *out;
  size_t len;

  if (key != NULL)
    {
      pubkey.key.data = (uint8_t *) g_bytes_get_data (key, NULL);
      pubkey.key.len = g_bytes_get_size (key);
      pubkey_any.type_url = (char *) NYX_TX_TYPE_SECP256K1_PUBKEY;
      pubkey_any.value.data = pubkey_buffer;
      pubkey_any.value.len = cosmos__crypto__secp256k1__pub_key__pack (&pubkey, pubkey_buffer);
      account.pub_key = &pubkey_any;
    }
  account.address = (char *) SIGNER;
  account.account_number = account_number;
  account.sequence = sequence;
  account_any.type_url = (char *) type_url;
  account_any.value.data = account_buffer;
  account_any.value.len = cosmos__auth__v1beta1__base_account__pack (&account, account_buffer);
  response.account = &account_any;
  out = g_malloc (cosmos__auth__v1beta1__query_account_response__get_packed_size (&response));
  len = cosmos__auth__v1beta1__query_account_response__pack (&response, out);
  return g_bytes_new_take (out, len);
}

static void
test_account_response (void)
{
  g_autoptr(GBytes) with_key = account_response (NYX_QUERY_TYPE_BASE_ACCOUNT, PUBKEY, 12345, 7);
  g_autoptr(GBytes) fresh = account_response (NYX_QUERY_TYPE_BASE_ACCOUNT, NULL, 99, 0);
  g_autoptr(GBytes) vesting = account_response ("/cosmos.vesting.v1beta1.ContinuousVestingAccount", NULL, 1, 1);
  g_autoptr(GBytes) short_key = account_response (NYX_QUERY_TYPE_BASE_ACCOUNT, "02ba66", 1, 1);
  static const uint8_t garbage[] = { 0x0a, 0x7f, 0x00 };
  g_auto(NyxAccountInfo) info = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_query_decode_account_response (g_bytes_get_data (with_key, NULL), g_bytes_get_size (with_key),
                                                    &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.address, ==, SIGNER);
  g_assert_cmpuint (info.account_number, ==, 12345);
  g_assert_cmpuint (info.sequence, ==, 7);
  g_assert_true (info.has_public_key);
  nyx_test_assert_hex (info.public_key, sizeof info.public_key, PUBKEY);

  g_assert_true (nyx_query_decode_account_response (g_bytes_get_data (fresh, NULL), g_bytes_get_size (fresh),
                                                    &info, &error));
  g_assert_cmpuint (info.account_number, ==, 99);
  g_assert_cmpuint (info.sequence, ==, 0);
  g_assert_false (info.has_public_key);

  /* Refusals leave the previous answer in place. */
  g_assert_false (nyx_query_decode_account_response (g_bytes_get_data (vesting, NULL), g_bytes_get_size (vesting),
                                                     &info, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_nonnull (strstr (error->message, "ContinuousVestingAccount"));
  g_clear_error (&error);
  g_assert_false (nyx_query_decode_account_response (g_bytes_get_data (short_key, NULL), g_bytes_get_size (short_key),
                                                     &info, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_clear_error (&error);
  g_assert_false (nyx_query_decode_account_response (garbage, sizeof garbage, &info, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_clear_error (&error);
  /* An empty response has no account. */
  g_assert_false (nyx_query_decode_account_response (garbage, 0, &info, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
  g_assert_cmpuint (info.account_number, ==, 99);
  g_assert_cmpstr (info.address, ==, SIGNER);
}

static GBytes *
balance_response (const char *amount)
{
  Cosmos__Base__V1beta1__Coin coin = COSMOS__BASE__V1BETA1__COIN__INIT;
  Cosmos__Bank__V1beta1__QueryBalanceResponse response = COSMOS__BANK__V1BETA1__QUERY_BALANCE_RESPONSE__INIT;
  uint8_t buffer[128];
  size_t len;

  if (amount != NULL)
    {
      coin.denom = (char *) "unym";
      coin.amount = (char *) amount;
      response.balance = &coin;
    }
  len = cosmos__bank__v1beta1__query_balance_response__pack (&response, buffer);
  return g_bytes_new (buffer, len);
}

static void
test_balance_response (void)
{
  static const struct { const char *amount; const char *expected; } cases[] = {
    { "1000000", "1000000" }, { NULL, "0" }, { "", "0" },
    { "340282366920938463463374607431768211455", "340282366920938463463374607431768211455" },
    { "1.5", NULL }, { "abc", NULL }, { "-1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) response = balance_response (cases[i].amount);
      g_autoptr(GError) error = NULL;
      g_autofree char *amount = NULL;
      bool ok = nyx_query_decode_balance_response (g_bytes_get_data (response, NULL), g_bytes_get_size (response),
                                                   &amount, &error);

      if (cases[i].expected == NULL)
        {
          g_assert_false (ok);
          g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
          g_assert_null (amount);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpstr (amount, ==, cases[i].expected);
        }
    }
}

static void
test_smart_response (void)
{
  Cosmwasm__Wasm__V1__QuerySmartContractStateResponse response =
    COSMWASM__WASM__V1__QUERY_SMART_CONTRACT_STATE_RESPONSE__INIT;
  static const char json[] = "{\"delegations\":[],\"start_next_after\":null}";
  static const uint8_t garbage[] = { 0x0a, 0x05 };
  uint8_t buffer[128];
  size_t len;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) error = NULL;

  response.data.data = (uint8_t *) json;
  response.data.len = strlen (json);
  len = cosmwasm__wasm__v1__query_smart_contract_state_response__pack (&response, buffer);
  decoded = nyx_query_decode_smart_response (buffer, len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded), json, strlen (json));

  g_assert_null (nyx_query_decode_smart_response (garbage, sizeof garbage, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_ENCODE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/query/requests", QueryFixture, NULL, query_setup, test_requests, query_teardown);
  g_test_add_func ("/query/account-response", test_account_response);
  g_test_add_func ("/query/balance-response", test_balance_response);
  g_test_add_func ("/query/smart-response", test_smart_response);
  return g_test_run ();
}
