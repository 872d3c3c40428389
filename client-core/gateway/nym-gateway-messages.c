/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON text messages between client and gateway: requests built, ServerResponse parsed (spec nym-gateway.md §1.3, §1.6–§1.7). */
#include "gateway/nym-gateway-messages.h"

#include <string.h>
#include <json-glib/json-glib.h>

/* A request without fields, e.g. supportedProtocol or claimFreeTestnetBandwidth (§1.6). */
char *
nym_gateway_request_simple_json (const char *type)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* §1.4: every handshake step travels in handshakePayload, snake_case fields, bytes as an
 * array of integers. */
char *
nym_gateway_handshake_payload_json (uint8_t        protocol_version,
                                    const uint8_t *data,
                                    size_t         len)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json, "{\"type\":\"handshakePayload\",\"protocol_version\":%u,\"data\":[",
                          protocol_version);
  for (size_t i = 0; i < len; i++)
    g_string_append_printf (json, i == 0 ? "%u" : ",%u", data[i]);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

char *
nym_gateway_handshake_error_json (const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "handshakeError");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static bool
get_int (JsonObject  *object,
         const char  *type,
         const char  *name,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's \"%s\" reply has no integer \"%s\"", type, name);
      return false;
    }
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's \"%s\" reply has \"%s\" = %" G_GINT64_FORMAT ", outside %"
                   G_GINT64_FORMAT "..%" G_GINT64_FORMAT, type, name, *out, min, max);
      return false;
    }
  return true;
}

static bool
get_bool (JsonObject  *object,
          const char  *type,
          const char  *name,
          bool        *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's \"%s\" reply has no boolean \"%s\"", type, name);
      return false;
    }
  *out = json_node_get_boolean (node);
  return true;
}

/* §1.3: Vec<u8> is an array of integers 0..255. */
static bool
get_bytes (JsonObject  *object,
           const char  *type,
           const char  *name,
           GByteArray **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;
  g_autoptr(GByteArray) bytes = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's \"%s\" reply has no byte array \"%s\"", type, name);
      return false;
    }
  array = json_node_get_array (node);
  bytes = g_byte_array_sized_new (json_array_get_length (array));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 value;
      uint8_t byte;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
          (value = json_node_get_int (element)) < 0 || value > 255)
        {
          g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                       "Element %u of \"%s\" in the gateway's \"%s\" reply is not a byte", i, name, type);
          return false;
        }
      byte = (uint8_t) value;
      g_byte_array_append (bytes, &byte, 1);
    }
  *out = g_steal_pointer (&bytes);
  return true;
}

static bool
get_string (JsonObject  *object,
            const char  *type,
            const char  *name,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's \"%s\" reply has no string \"%s\"", type, name);
      return false;
    }
  *out = g_strdup (json_node_get_string (node));
  return true;
}

/* §1.7: upgrade_mode is newer than some gateways, so it is optional and defaults to false. */
static void
get_upgrade_mode (JsonObject      *object,
                  NymGatewayReply *out)
{
  JsonNode *node = json_object_get_member (object, "upgrade_mode");

  out->upgrade_mode = node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
                      json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* §1.7 typedError: {"error":{"out_of_bandwidth":{"required":n,"available":n}}} or
 * {"error":"ticket_replay"}. */
static bool
parse_typed_error (JsonObject      *object,
                   NymGatewayReply *out,
                   GError         **error)
{
  JsonNode *node = json_object_get_member (object, "error");

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      g_strcmp0 (json_node_get_string (node), "ticket_replay") == 0)
    {
      out->type = NYM_GATEWAY_REPLY_TICKET_REPLAY;
      return true;
    }
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "out_of_bandwidth"))
    {
      JsonNode *inner = json_object_get_member (json_node_get_object (node), "out_of_bandwidth");

      if (inner != NULL && JSON_NODE_HOLDS_OBJECT (inner))
        {
          out->type = NYM_GATEWAY_REPLY_OUT_OF_BANDWIDTH;
          return get_int (json_node_get_object (inner), "typedError", "required", G_MININT64, G_MAXINT64,
                          &out->required, error) &&
                 get_int (json_node_get_object (inner), "typedError", "available", G_MININT64, G_MAXINT64,
                          &out->bandwidth, error);
        }
    }
  g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
               "The gateway sent a typedError this client does not know");
  return false;
}

/* Parses one text frame from the gateway; out is untouched on failure. Unknown fields are
 * ignored, as serde does on the real peers (§1.3). */
bool
nym_gateway_reply_parse (const char      *text,
                         size_t           len,
                         NymGatewayReply *out,
                         GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  NymGatewayReply reply = { 0 };
  JsonNode *root;
  JsonObject *object;
  JsonNode *type_node;
  const char *type;
  gint64 value = 0;
  bool ok;

  if (text == NULL || len == 0 || len > G_MAXSSIZE ||
      !json_parser_load_from_data (parser, text, (gssize) len, &json_error))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway sent a text message that is not JSON (%zu bytes)%s%s", len,
                   json_error != NULL ? ": " : "", json_error != NULL ? json_error->message : "");
      return false;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway sent JSON that is not an object");
      return false;
    }
  object = json_node_get_object (root);
  type_node = json_object_get_member (object, "type");
  if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node) ||
      json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway sent a JSON object without a \"type\"");
      return false;
    }
  type = json_node_get_string (type_node);

  if (g_str_equal (type, "supportedProtocol"))
    {
      reply.type = NYM_GATEWAY_REPLY_SUPPORTED_PROTOCOL;
      ok = get_int (object, type, "version", 0, 255, &value, error);
      reply.version = (guint) value;
    }
  else if (g_str_equal (type, "handshakePayload"))
    {
      reply.type = NYM_GATEWAY_REPLY_HANDSHAKE_PAYLOAD;
      ok = get_int (object, type, "protocol_version", 0, 255, &value, error) &&
           get_bytes (object, type, "data", &reply.data, error);
      reply.version = (guint) value;
    }
  else if (g_str_equal (type, "handshakeError"))
    {
      reply.type = NYM_GATEWAY_REPLY_HANDSHAKE_ERROR;
      ok = get_string (object, type, "message", &reply.message, error);
    }
  else if (g_str_equal (type, "register"))
    {
      reply.type = NYM_GATEWAY_REPLY_REGISTER;
      ok = get_int (object, type, "protocol_version", 0, 255, &value, error) &&
           get_bool (object, type, "status", &reply.status, error);
      reply.version = (guint) value;
    }
  else if (g_str_equal (type, "authenticate"))
    {
      reply.type = NYM_GATEWAY_REPLY_AUTHENTICATE;
      ok = get_int (object, type, "protocol_version", 0, 255, &value, error) &&
           get_bool (object, type, "status", &reply.status, error) &&
           get_int (object, type, "bandwidth_remaining", G_MININT64, G_MAXINT64, &reply.bandwidth, error);
      reply.version = (guint) value;
    }
  else if (g_str_equal (type, "bandwidth"))
    {
      reply.type = NYM_GATEWAY_REPLY_BANDWIDTH;
      ok = get_int (object, type, "available_total", G_MININT64, G_MAXINT64, &reply.bandwidth, error);
    }
  else if (g_str_equal (type, "send"))
    {
      reply.type = NYM_GATEWAY_REPLY_SEND;
      ok = get_int (object, type, "remaining_bandwidth", G_MININT64, G_MAXINT64, &reply.bandwidth, error);
    }
  else if (g_str_equal (type, "error"))
    {
      reply.type = NYM_GATEWAY_REPLY_ERROR;
      ok = get_string (object, type, "message", &reply.message, error);
    }
  else if (g_str_equal (type, "typedError"))
    ok = parse_typed_error (object, &reply, error);
  else if (g_str_equal (type, "encryptedResponse"))
    {
      /* §1.6: only the answer to an optional encryptedRequest; this client sends none, so the
       * session ignores it, but it is still a valid message. */
      reply.type = NYM_GATEWAY_REPLY_ENCRYPTED_RESPONSE;
      ok = true;
    }
  else
    {
      g_autofree char *shown = g_utf8_make_valid (type, MIN (strlen (type), 64));

      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway sent a message of unknown type \"%s\"", shown);
      ok = false;
    }

  if (!ok)
    {
      nym_gateway_reply_clear (&reply);
      return false;
    }
  get_upgrade_mode (object, &reply);
  *out = reply;
  return true;
}

void
nym_gateway_reply_clear (NymGatewayReply *reply)
{
  g_clear_pointer (&reply->data, g_byte_array_unref);
  g_clear_pointer (&reply->message, g_free);
}
