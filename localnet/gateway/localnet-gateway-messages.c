/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON text frames of the gateway protocol: client requests parsed, server responses built (spec nym-gateway.md §1.3–§1.7). */
#include "localnet-gateway-messages.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "localnet-gateway-error.h"

/* §1.3: Vec<u8> fields and the dalek key/signature types are JSON arrays of integers. */
static bool
read_byte_array (JsonObject *object,
                 const char *name,
                 GByteArray *out,
                 GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  JsonArray *array;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The field “%s” is missing or is not an array of bytes", name);
      return false;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 value;
      uint8_t byte;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        {
          g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                       "Element %u of “%s” is not an integer", i, name);
          return false;
        }
      value = json_node_get_int (element);
      if (value < 0 || value > 255)
        {
          g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                       "Element %u of “%s” is %" G_GINT64_FORMAT ", not a byte", i, name, value);
          return false;
        }
      byte = (uint8_t) value;
      g_byte_array_append (out, &byte, 1);
    }
  return true;
}

static bool
read_fixed_bytes (JsonObject *object,
                  const char *name,
                  uint8_t    *out,
                  size_t      len,
                  GError    **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();

  if (!read_byte_array (object, name, bytes, error))
    return false;
  if (bytes->len != len)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH,
                   "The field “%s” has %u bytes; it must have %zu", name, bytes->len, len);
      return false;
    }
  memcpy (out, bytes->data, len);
  return true;
}

static bool
read_uint (JsonObject *object,
           const char *name,
           uint64_t    max,
           uint64_t   *out,
           GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The field “%s” is missing or is not an integer", name);
      return false;
    }
  value = json_node_get_int (node);
  if (value < 0 || (uint64_t) value > max)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The field “%s” is %" G_GINT64_FORMAT ", out of range", name, value);
      return false;
    }
  *out = (uint64_t) value;
  return true;
}

/* §1.3: addressCiphertext and nonce are standard base64 with padding. GLib's decoder skips
 * junk silently, so the text must also be exactly the canonical encoding of what it decoded to. */
static bool
read_base64 (JsonObject *object,
             const char *name,
             uint8_t    *out,
             size_t      len,
             GError    **error)
{
  const char *text = json_object_has_member (object, name)
                     ? json_node_get_string (json_object_get_member (object, name)) : NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *canonical = NULL;
  gsize decoded_len = 0;

  if (text == NULL)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The field “%s” is missing or is not a base64 string", name);
      return false;
    }
  decoded = g_base64_decode (text, &decoded_len);
  canonical = g_base64_encode (decoded, decoded_len);
  if (strcmp (canonical, text) != 0)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The field “%s” is not valid padded base64", name);
      return false;
    }
  if (decoded_len != len)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH,
                   "The field “%s” decodes to %zu bytes; it must be %zu", name, (size_t) decoded_len, len);
      return false;
    }
  memcpy (out, decoded, len);
  return true;
}

static bool
parse_authenticate_v2 (JsonObject                 *object,
                       LocalnetGatewayAuthRequest *auth,
                       GError                    **error)
{
  uint64_t version = 0;

  if (!read_uint (object, "protocolVersion", 255, &version, error) ||
      !read_fixed_bytes (object, "clientIdentity", auth->client_identity, 32, error) ||
      !read_base64 (object, "addressCiphertext", auth->address_ciphertext,
                    LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN, error) ||
      !read_base64 (object, "nonce", auth->nonce, LOCALNET_GATEWAY_AUTH_NONCE_LEN, error) ||
      !read_uint (object, "requestUnixTimestamp", G_MAXINT64, &auth->timestamp, error) ||
      !read_fixed_bytes (object, "requestSignature", auth->signature, 64, error))
    return false;
  auth->protocol_version = (uint8_t) version;
  return true;
}

bool
localnet_gateway_request_parse (const char             *text,
                                size_t                  len,
                                LocalnetGatewayRequest *out,
                                GError                **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  const char *type;

  memset (out, 0, sizeof *out);
  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, text, (gssize) len, &local_error))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The request is not valid JSON: %s",
                   local_error != NULL ? local_error->message : "too long");
      return false;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The request is not a JSON object");
      return false;
    }
  object = json_node_get_object (root);
  type = json_object_has_member (object, "type")
         ? json_node_get_string (json_object_get_member (object, "type")) : NULL;
  if (type == NULL)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "The request has no string “type”");
      return false;
    }

  if (strcmp (type, "supportedProtocol") == 0)
    out->kind = LOCALNET_GATEWAY_REQUEST_SUPPORTED_PROTOCOL;
  else if (strcmp (type, "handshakePayload") == 0 ||
           strcmp (type, "registerHandshakeInitRequest") == 0)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      uint64_t version = 0;

      if (!read_uint (object, "protocol_version", 255, &version, error) ||
          !read_byte_array (object, "data", data, error))
        return false;
      out->kind = LOCALNET_GATEWAY_REQUEST_HANDSHAKE_PAYLOAD;
      out->protocol_version = (uint8_t) version;
      out->data = g_byte_array_free_to_bytes (g_steal_pointer (&data));
    }
  else if (strcmp (type, "handshakeError") == 0)
    {
      const char *message = json_object_has_member (object, "message")
                            ? json_node_get_string (json_object_get_member (object, "message")) : NULL;

      out->kind = LOCALNET_GATEWAY_REQUEST_HANDSHAKE_ERROR;
      out->message = g_strdup (message != NULL ? message : "");
    }
  else if (strcmp (type, "authenticateV2") == 0)
    {
      if (!parse_authenticate_v2 (object, &out->auth, error))
        return false;
      out->kind = LOCALNET_GATEWAY_REQUEST_AUTHENTICATE_V2;
    }
  else if (strcmp (type, "claimFreeTestnetBandwidth") == 0)
    out->kind = LOCALNET_GATEWAY_REQUEST_CLAIM_FREE_BANDWIDTH;
  else if (strcmp (type, "authenticate") == 0 ||
           strcmp (type, "bandwidthCredential") == 0 ||
           strcmp (type, "bandwidthCredentialV2") == 0)
    out->kind = LOCALNET_GATEWAY_REQUEST_LEGACY;
  else if (strcmp (type, "ecashCredential") == 0 ||
           strcmp (type, "upgradeModeJWT") == 0 ||
           strcmp (type, "encryptedRequest") == 0)
    out->kind = LOCALNET_GATEWAY_REQUEST_UNSUPPORTED;
  else
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_REQUEST,
                   "Unknown request type “%s”", type);
      return false;
    }
  out->type = g_strdup (type);
  return true;
}

void
localnet_gateway_request_clear (LocalnetGatewayRequest *request)
{
  g_clear_pointer (&request->type, g_free);
  g_clear_pointer (&request->data, g_bytes_unref);
  g_clear_pointer (&request->message, g_free);
}

static char *
builder_finish (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static JsonBuilder *
builder_start (const char *type)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  return builder;
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         int64_t      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          bool         value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

char *
localnet_gateway_reply_supported_protocol (uint8_t version)
{
  g_autoptr(JsonBuilder) builder = builder_start ("supportedProtocol");

  add_int (builder, "version", version);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_handshake_payload (uint8_t        version,
                                          const uint8_t *data,
                                          size_t         len)
{
  g_autoptr(JsonBuilder) builder = builder_start ("handshakePayload");

  add_int (builder, "protocol_version", version);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (size_t i = 0; i < len; i++)
    json_builder_add_int_value (builder, data[i]);
  json_builder_end_array (builder);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_register (uint8_t version)
{
  g_autoptr(JsonBuilder) builder = builder_start ("register");

  add_int (builder, "protocol_version", version);
  add_bool (builder, "status", true);
  add_bool (builder, "upgrade_mode", false);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_authenticate (uint8_t version,
                                     int64_t bandwidth_remaining)
{
  g_autoptr(JsonBuilder) builder = builder_start ("authenticate");

  add_int (builder, "protocol_version", version);
  add_bool (builder, "status", true);
  add_int (builder, "bandwidth_remaining", bandwidth_remaining);
  add_bool (builder, "upgrade_mode", false);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_bandwidth (int64_t available_total)
{
  g_autoptr(JsonBuilder) builder = builder_start ("bandwidth");

  add_int (builder, "available_total", available_total);
  add_bool (builder, "upgrade_mode", false);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_send (int64_t remaining_bandwidth)
{
  g_autoptr(JsonBuilder) builder = builder_start ("send");

  add_int (builder, "remaining_bandwidth", remaining_bandwidth);
  add_bool (builder, "upgrade_mode", false);
  return builder_finish (builder);
}

char *
localnet_gateway_reply_error (const char *message)
{
  g_autoptr(JsonBuilder) builder = builder_start ("error");

  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  return builder_finish (builder);
}

/* §1.7: typedError carries the serde form of GatewayRequestsError::OutOfBandwidth. */
char *
localnet_gateway_reply_out_of_bandwidth (int64_t required,
                                         int64_t available)
{
  g_autoptr(JsonBuilder) builder = builder_start ("typedError");

  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "out_of_bandwidth");
  json_builder_begin_object (builder);
  add_int (builder, "required", required);
  add_int (builder, "available", available);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return builder_finish (builder);
}
