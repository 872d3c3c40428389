/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads messages given as CosmJS EncodeObject JSON ({"typeUrl": …, "value": {…}}) into a transaction builder. */
#include "tx/nyx-tx-json.h"

#include <string.h>
#include <json-glib/json-glib.h>

typedef struct
{
  guint       index;      /* of the message in the array, for error messages */
  JsonObject *value;
  GError    **error;
} Reader;

static bool
fail (Reader     *reader,
      const char *field,
      const char *problem)
{
  g_set_error (reader->error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
               "Message %u: %s %s", reader->index, field, problem);
  return false;
}

/* Rejects fields this type does not have, so a typo such as "toAdress" is not silently dropped. */
static bool
only_fields (Reader            *reader,
             const char *const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (reader->value);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (reader->error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                     "Message %u: unknown field “%s”", reader->index, (const char *) l->data);
        return false;
      }
  return true;
}

static const char *
get_string (Reader     *reader,
            const char *field)
{
  JsonNode *node = json_object_get_member (reader->value, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (reader, field, "is missing or not a string");
      return NULL;
    }
  return json_node_get_string (node);
}

static bool
read_coin (Reader     *reader,
           const char *field,
           JsonNode   *node,
           NyxCoin    *coin)
{
  JsonObject *object;
  JsonNode *denom, *amount;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (reader, field, "is not a coin object {\"denom\": …, \"amount\": …}");
  object = json_node_get_object (node);
  denom = json_object_get_member (object, "denom");
  amount = json_object_get_member (object, "amount");
  /* Amounts are strings in CosmJS and in protobuf; a JSON number could have lost precision. */
  if (denom == NULL || amount == NULL || json_object_get_size (object) != 2 ||
      !JSON_NODE_HOLDS_VALUE (denom) || json_node_get_value_type (denom) != G_TYPE_STRING ||
      !JSON_NODE_HOLDS_VALUE (amount) || json_node_get_value_type (amount) != G_TYPE_STRING)
    return fail (reader, field, "must be {\"denom\": \"…\", \"amount\": \"…\"} with string values");
  coin->denom = json_node_get_string (denom);
  coin->amount = json_node_get_string (amount);
  return true;
}

/* A missing list of coins is an empty one, as CosmJS's fromPartial treats it. */
static bool
read_coins (Reader     *reader,
            const char *field,
            GArray     *coins)
{
  JsonNode *node = json_object_get_member (reader->value, field);
  JsonArray *array;

  if (node == NULL)
    return true;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (reader, field, "is not an array of coins");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      NyxCoin coin;
      g_autofree char *name = g_strdup_printf ("%s[%u]", field, i);

      if (!read_coin (reader, name, json_array_get_element (array, i), &coin))
        return false;
      g_array_append_val (coins, coin);
    }
  return true;
}

static bool
add_one (NyxTxBuilder *builder,
         const char   *type_url,
         Reader       *reader)
{
  g_autoptr(GArray) coins = g_array_new (FALSE, FALSE, sizeof (NyxCoin));
  g_autoptr(GError) local_error = NULL;
  bool ok;

  if (strcmp (type_url, NYX_TX_TYPE_MSG_SEND) == 0)
    {
      static const char *const fields[] = { "fromAddress", "toAddress", "amount", NULL };
      const char *from, *to;

      if (!only_fields (reader, fields) ||
          (from = get_string (reader, "fromAddress")) == NULL ||
          (to = get_string (reader, "toAddress")) == NULL ||
          !read_coins (reader, "amount", coins))
        return false;
      ok = nyx_tx_builder_add_msg_send (builder, from, to, (NyxCoin *) (void *) coins->data, coins->len,
                                        &local_error);
    }
  else if (strcmp (type_url, NYX_TX_TYPE_MSG_EXECUTE_CONTRACT) == 0)
    {
      static const char *const fields[] = { "sender", "contract", "msg", "funds", NULL };
      const char *sender, *contract, *msg;

      if (!only_fields (reader, fields) ||
          (sender = get_string (reader, "sender")) == NULL ||
          (contract = get_string (reader, "contract")) == NULL ||
          (msg = get_string (reader, "msg")) == NULL ||
          !read_coins (reader, "funds", coins))
        return false;
      ok = nyx_tx_builder_add_msg_execute_contract (builder, sender, contract,
                                                    (const uint8_t *) msg, strlen (msg),
                                                    (NyxCoin *) (void *) coins->data, coins->len, &local_error);
    }
  else if (strcmp (type_url, NYX_TX_TYPE_MSG_DELEGATE) == 0 ||
           strcmp (type_url, NYX_TX_TYPE_MSG_UNDELEGATE) == 0)
    {
      static const char *const fields[] = { "delegatorAddress", "validatorAddress", "amount", NULL };
      const char *delegator, *validator;
      NyxCoin coin;

      if (!only_fields (reader, fields) ||
          (delegator = get_string (reader, "delegatorAddress")) == NULL ||
          (validator = get_string (reader, "validatorAddress")) == NULL ||
          !read_coin (reader, "amount", json_object_get_member (reader->value, "amount"), &coin))
        return false;
      if (strcmp (type_url, NYX_TX_TYPE_MSG_DELEGATE) == 0)
        ok = nyx_tx_builder_add_msg_delegate (builder, delegator, validator, &coin, &local_error);
      else
        ok = nyx_tx_builder_add_msg_undelegate (builder, delegator, validator, &coin, &local_error);
    }
  else if (strcmp (type_url, NYX_TX_TYPE_MSG_WITHDRAW_DELEGATOR_REWARD) == 0)
    {
      static const char *const fields[] = { "delegatorAddress", "validatorAddress", NULL };
      const char *delegator, *validator;

      if (!only_fields (reader, fields) ||
          (delegator = get_string (reader, "delegatorAddress")) == NULL ||
          (validator = get_string (reader, "validatorAddress")) == NULL)
        return false;
      ok = nyx_tx_builder_add_msg_withdraw_delegator_reward (builder, delegator, validator, &local_error);
    }
  else
    {
      g_set_error (reader->error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                   "Message %u: the type “%s” is not one this wallet can build (MsgSend, MsgExecuteContract, "
                   "MsgDelegate, MsgUndelegate, MsgWithdrawDelegatorReward)", reader->index, type_url);
      return false;
    }

  if (!ok)
    {
      g_set_error (reader->error, local_error->domain, local_error->code,
                   "Message %u: %s", reader->index, local_error->message);
      return false;
    }
  return true;
}

bool
nyx_tx_builder_add_msgs_from_json (NyxTxBuilder *builder,
                                   const char   *json,
                                   gssize        len,
                                   GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(NyxTxBuilder) staging = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, json, len, &parse_error))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                   "The messages are not valid JSON: %s", parse_error->message);
      return false;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE,
                   "The messages must be a JSON array of {\"typeUrl\": …, \"value\": {…}} objects");
      return false;
    }
  array = json_node_get_array (root);
  if (json_array_get_length (array) == 0)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_NO_MESSAGES, "The message array is empty");
      return false;
    }

  /* Messages go to a scratch builder first, so a bad message at index 3 adds nothing at all. */
  staging = nyx_tx_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *type_node, *value_node;
      Reader reader = { i, NULL, error };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return fail (&reader, "", "is not an object {\"typeUrl\": …, \"value\": {…}}");
      object = json_node_get_object (element);
      type_node = json_object_get_member (object, "typeUrl");
      value_node = json_object_get_member (object, "value");
      if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node) ||
          json_node_get_value_type (type_node) != G_TYPE_STRING)
        return fail (&reader, "typeUrl", "is missing or not a string");
      if (value_node == NULL || !JSON_NODE_HOLDS_OBJECT (value_node))
        return fail (&reader, "value", "is missing or not an object");
      if (json_object_get_size (object) != 2)
        return fail (&reader, "", "has fields other than typeUrl and value");
      reader.value = json_node_get_object (value_node);
      if (!add_one (staging, json_node_get_string (type_node), &reader))
        return false;
    }

  nyx_tx_builder_take_messages (builder, staging);
  return true;
}
