/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the mixnet-contract messages: exact JSON bytes, default memos, funds rules and their transactions. */
#include <json-glib/json-glib.h>

#include "tx/nyx-mixnet-msg.h"
#include "nyx-test-util.h"

#include "tx.pb-c.h"
#include "wasm.pb-c.h"

#define SIGNER "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6"

static NyxMixnetAction
action_of (const char *name)
{
  if (strcmp (name, "delegate") == 0)
    return NYX_MIXNET_DELEGATE;
  if (strcmp (name, "undelegate") == 0)
    return NYX_MIXNET_UNDELEGATE;
  g_assert_cmpstr (name, ==, "withdraw_delegator_reward");
  return NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD;
}

typedef struct
{
  GPtrArray    *records;
  NyxTxBuilder *builder;
} MsgFixture;

static void
msg_setup (MsgFixture   *fixture,
           gconstpointer data)
{
  fixture->records = nyx_test_load_records ("nyx-mixnet-msg.vectors", 4);
  fixture->builder = nyx_tx_builder_new ();
}

static void
msg_teardown (MsgFixture   *fixture,
              gconstpointer data)
{
  g_ptr_array_unref (fixture->records);
  nyx_tx_builder_free (fixture->builder);
}

static void
test_json_and_memos (MsgFixture   *fixture,
                     gconstpointer data)
{
  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      uint32_t node_id = (uint32_t) g_ascii_strtoull (v[1], NULL, 10);
      g_autofree char *json = nyx_mixnet_msg_json (action_of (v[0]), node_id);
      g_autofree char *memo = nyx_mixnet_msg_memo (action_of (v[0]), node_id);
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_cmpmem (json, strlen (json), v[2], strlen (v[2]));
      g_assert_cmpmem (memo, strlen (memo), v[3], strlen (v[3]));
      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
    }
}

/* Each message becomes one MsgExecuteContract whose msg field holds exactly the JSON bytes. */
static void
test_in_transaction (MsgFixture   *fixture,
                     gconstpointer data)
{
  static const NyxCoin amount = { "unym", "10000000" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  Cosmos__Tx__V1beta1__TxBody *body;

  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      NyxMixnetAction action = action_of (v[0]);

      g_assert_true (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET, action,
                                                    (uint32_t) g_ascii_strtoull (v[1], NULL, 10),
                                                    action == NYX_MIXNET_DELEGATE ? &amount : NULL, &error));
      g_assert_no_error (error);
    }
  body_bytes = nyx_tx_builder_encode_body (fixture->builder, &error);
  g_assert_no_error (error);
  body = cosmos__tx__v1beta1__tx_body__unpack (NULL, g_bytes_get_size (body_bytes),
                                               g_bytes_get_data (body_bytes, NULL));
  g_assert_nonnull (body);
  g_assert_cmpuint (body->n_messages, ==, fixture->records->len);
  for (guint i = 0; i < body->n_messages; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      Cosmwasm__Wasm__V1__MsgExecuteContract *msg;

      g_assert_cmpstr (body->messages[i]->type_url, ==, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT);
      msg = cosmwasm__wasm__v1__msg_execute_contract__unpack (NULL, body->messages[i]->value.len,
                                                               body->messages[i]->value.data);
      g_assert_cmpstr (msg->sender, ==, SIGNER);
      g_assert_cmpstr (msg->contract, ==, NYX_MIXNET_CONTRACT_MAINNET);
      g_assert_cmpmem (msg->msg.data, msg->msg.len, v[2], strlen (v[2]));
      if (action_of (v[0]) == NYX_MIXNET_DELEGATE)
        {
          g_assert_cmpuint (msg->n_funds, ==, 1);
          g_assert_cmpstr (msg->funds[0]->denom, ==, "unym");
          g_assert_cmpstr (msg->funds[0]->amount, ==, "10000000");
        }
      else
        g_assert_cmpuint (msg->n_funds, ==, 0);
      cosmwasm__wasm__v1__msg_execute_contract__free_unpacked (msg, NULL);
    }
  cosmos__tx__v1beta1__tx_body__free_unpacked (body, NULL);
}

static void
test_funds_rules (MsgFixture   *fixture,
                  gconstpointer data)
{
  static const NyxCoin amount = { "unym", "1" };
  static const NyxCoin bad_amount = { "unym", "1.5" };
  g_autoptr(GError) error = NULL;

  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                 NYX_MIXNET_DELEGATE, 42, NULL, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                 NYX_MIXNET_UNDELEGATE, 42, &amount, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_assert_nonnull (strstr (error->message, "undelegate"));
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                 NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD, 42, &amount, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                 NYX_MIXNET_DELEGATE, 42, &bad_amount, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, "n1notacontract",
                                                 NYX_MIXNET_UNDELEGATE, 42, NULL, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_false (nyx_tx_builder_add_mixnet_msg (fixture->builder, SIGNER, NYX_MIXNET_CONTRACT_MAINNET,
                                                 (NyxMixnetAction) 99, 42, NULL, &error));
  g_assert_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (nyx_tx_builder_get_n_messages (fixture->builder), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/mixnet-msg/json-and-memos", MsgFixture, NULL, msg_setup, test_json_and_memos, msg_teardown);
  g_test_add ("/mixnet-msg/in-transaction", MsgFixture, NULL, msg_setup, test_in_transaction, msg_teardown);
  g_test_add ("/mixnet-msg/funds-rules", MsgFixture, NULL, msg_setup, test_funds_rules, msg_teardown);
  return g_test_run ();
}
