/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsers for the nym-api answers a client reads (spec nym-gateway.md §3.2, §6), into plain structs. */
#include "topology/nym-topology-parse.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nym-base58.h"

/* Where in an answer a parser is: the endpoint for every message and the path of the
 * object being read ("" at the top, "nodes.data[3]" further down). */
typedef struct
{
  const char *endpoint;
  const char *where;
} Place;

static char *
field_path (const Place *place,
            const char  *name)
{
  if (place->where[0] == '\0')
    return g_strdup (name);
  return g_strdup_printf ("%s.%s", place->where, name);
}

G_GNUC_PRINTF (4, 5)
static void
set_field_error (GError     **error,
                 int          code,
                 const Place *place,
                 const char  *format,
                 ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NYM_TOPOLOGY_ERROR, code, "nym-api %s: %s", place->endpoint, detail);
}

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_DOUBLE:
      return "a fractional number";
    default:
      return "an integer";
    }
}

/* The member `name`, or NULL (an error if !optional) when absent; null counts as absent
 * only where `nullable` says the format allows it. */
static bool
get_member (JsonObject  *object,
            const Place *place,
            const char  *name,
            bool         optional,
            bool         nullable,
            JsonNode   **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autofree char *path = field_path (place, name);

  *out = NULL;
  if (node == NULL)
    {
      if (optional || nullable)
        return true;
      set_field_error (error, NYM_TOPOLOGY_ERROR_MISSING_FIELD, place, "field “%s” is missing", path);
      return false;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (nullable)
        return true;
      set_field_error (error, NYM_TOPOLOGY_ERROR_WRONG_TYPE, place, "field “%s” is null", path);
      return false;
    }
  *out = node;
  return true;
}

static bool
expect_type (JsonNode    *node,
             const Place *place,
             const char  *path,
             bool         ok,
             const char  *wanted,
             GError     **error)
{
  if (ok)
    return true;
  set_field_error (error, NYM_TOPOLOGY_ERROR_WRONG_TYPE, place,
                   "field “%s” is %s, not %s", path, node_type_name (node), wanted);
  return false;
}

static bool
node_to_uint (JsonNode    *node,
              const Place *place,
              const char  *path,
              uint64_t     max,
              uint64_t    *out,
              GError     **error)
{
  gint64 value;

  if (!expect_type (node, place, path,
                    JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64,
                    "an integer", error))
    return false;
  value = json_node_get_int (node);
  if (value < 0 || (uint64_t) value > max)
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                       "field “%s” is %" G_GINT64_FORMAT ", outside 0..%" G_GUINT64_FORMAT,
                       path, value, max);
      return false;
    }
  *out = (uint64_t) value;
  return true;
}

static bool
get_uint (JsonObject  *object,
          const Place *place,
          const char  *name,
          uint64_t     max,
          uint64_t    *out,
          GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;

  if (!get_member (object, place, name, false, false, &node, error))
    return false;
  return node_to_uint (node, place, path, max, out, error);
}

static bool
get_u32 (JsonObject  *object,
         const Place *place,
         const char  *name,
         uint32_t    *out,
         GError     **error)
{
  uint64_t value;

  if (!get_uint (object, place, name, G_MAXUINT32, &value, error))
    return false;
  *out = (uint32_t) value;
  return true;
}

/* A u16 that may be null or absent (Option<u16>); 0 stands for none. */
static bool
get_optional_u16 (JsonObject  *object,
                  const Place *place,
                  const char  *name,
                  uint16_t    *out,
                  GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;
  uint64_t value;

  *out = 0;
  if (!get_member (object, place, name, true, true, &node, error))
    return false;
  if (node == NULL)
    return true;
  if (!node_to_uint (node, place, path, G_MAXUINT16, &value, error))
    return false;
  *out = (uint16_t) value;
  return true;
}

static bool
get_object (JsonObject  *object,
            const Place *place,
            const char  *name,
            bool         nullable,
            JsonObject **out,
            GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;

  *out = NULL;
  if (!get_member (object, place, name, false, nullable, &node, error))
    return false;
  if (node == NULL)
    return true;
  if (!expect_type (node, place, path, JSON_NODE_HOLDS_OBJECT (node), "an object", error))
    return false;
  *out = json_node_get_object (node);
  return true;
}

static bool
get_array (JsonObject  *object,
           const Place *place,
           const char  *name,
           JsonArray  **out,
           GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;

  if (!get_member (object, place, name, false, false, &node, error))
    return false;
  if (!expect_type (node, place, path, JSON_NODE_HOLDS_ARRAY (node), "an array", error))
    return false;
  *out = json_node_get_array (node);
  return true;
}

static bool
get_string (JsonObject  *object,
            const Place *place,
            const char  *name,
            bool         nullable,
            const char **out,
            GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;

  *out = NULL;
  if (!get_member (object, place, name, false, nullable, &node, error))
    return false;
  if (node == NULL)
    return true;
  if (!expect_type (node, place, path,
                    JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING,
                    "a string", error))
    return false;
  *out = json_node_get_string (node);
  return true;
}

/* serde's #[serde(default)] bool: absent means false. */
static bool
get_default_bool (JsonObject  *object,
                  const Place *place,
                  const char  *name,
                  bool        *out,
                  GError     **error)
{
  g_autofree char *path = field_path (place, name);
  JsonNode *node;

  *out = false;
  if (!get_member (object, place, name, true, false, &node, error))
    return false;
  if (node == NULL)
    return true;
  if (!expect_type (node, place, path,
                    JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN,
                    "a boolean", error))
    return false;
  *out = json_node_get_boolean (node);
  return true;
}

typedef enum
{
  KEY_X25519,  /* any 32 bytes */
  KEY_ED25519, /* an Ed25519 point */
} KeyKind;

/* Nym keys are base58 of exactly 32 raw bytes. An identity must also be an Ed25519 point: the
 * real client refuses the whole answer otherwise ("Cannot decompress Edwards point", seen with
 * WASM 1.4.1). libsodium's check is a little stricter than a bare decompression in that it
 * also refuses small-order and non-canonical encodings, which no real key is. */
static bool
get_key (JsonObject  *object,
         const Place *place,
         const char  *name,
         KeyKind      kind,
         uint8_t      out[static 32],
         GError     **error)
{
  g_autofree char *path = field_path (place, name);
  g_autoptr(GError) inner = NULL;
  const char *text;
  uint8_t decoded[64];
  size_t len = 0;

  if (!get_string (object, place, name, false, &text, error))
    return false;
  if (!nym_base58_decode (text, decoded, sizeof decoded, &len, &inner))
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_KEY, place,
                       "field “%s” (“%s”) is not base58: %s", path, text, inner->message);
      return false;
    }
  if (len != 32)
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_KEY, place,
                       "field “%s” (“%s”) decodes to %zu bytes, not 32", path, text, len);
      return false;
    }
  if (kind == KEY_ED25519 && !crypto_core_ed25519_is_valid_point (decoded))
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_KEY, place,
                       "field “%s” (“%s”) is not an Ed25519 public key", path, text);
      return false;
    }
  memcpy (out, decoded, 32);
  return true;
}

/* An RFC 3339 timestamp as Unix seconds. */
static bool
get_timestamp (JsonObject  *object,
               const Place *place,
               const char  *name,
               gint64      *out,
               GError     **error)
{
  g_autofree char *path = field_path (place, name);
  g_autoptr(GDateTime) time = NULL;
  const char *text;

  if (!get_string (object, place, name, false, &text, error))
    return false;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                       "field “%s” (“%s”) is not an RFC 3339 time", path, text);
      return false;
    }
  *out = g_date_time_to_unix (time);
  return true;
}

/* A list of IP address strings; every one must parse, since the first is used for mixing. */
static bool
get_ip_list (JsonObject  *object,
             const Place *place,
             const char  *name,
             char      ***out,
             GError     **error)
{
  g_autofree char *path = field_path (place, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (!get_array (object, place, name, &array, error))
    return false;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
      g_autoptr(GInetAddress) address = NULL;
      const char *text;

      if (!expect_type (item, place, item_path,
                        JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING,
                        "a string", error))
        return false;
      text = json_node_get_string (item);
      address = g_inet_address_new_from_string (text);
      if (address == NULL)
        {
          set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                           "field “%s” (“%s”) is not an IP address", item_path, text);
          return false;
        }
      g_strv_builder_add (builder, text);
    }
  *out = g_strv_builder_end (builder);
  return true;
}

static bool
get_id_list (JsonObject  *object,
             const Place *place,
             const char  *name,
             GArray     **out,
             GError     **error)
{
  g_autofree char *path = field_path (place, name);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (uint32_t));
  JsonArray *array;

  if (!get_array (object, place, name, &array, error))
    return false;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = g_strdup_printf ("%s[%u]", path, i);
      uint64_t value;
      uint32_t id;

      if (!node_to_uint (json_array_get_element (array, i), place, item_path, G_MAXUINT32, &value, error))
        return false;
      id = (uint32_t) value;
      g_array_append_val (ids, id);
    }
  *out = g_steal_pointer (&ids);
  return true;
}

static JsonObject *
parse_root_object (const Place *place,
                   const char  *data,
                   size_t       len,
                   JsonParser  *parser,
                   GError     **error)
{
  g_autoptr(GError) inner = NULL;
  JsonNode *root;

  if (len > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) len, &inner))
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_JSON, place, "the answer is not JSON: %s",
                       inner != NULL ? inner->message : "too long");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_WRONG_TYPE, place, "the answer is %s, not an object",
                       root != NULL ? node_type_name (root) : "empty");
      return NULL;
    }
  return json_node_get_object (root);
}

bool
nym_topology_parse_performance (const char *text,
                                double     *value,
                                unsigned   *percent)
{
  const char *p = text;
  unsigned integer = 0, hundredths = 0, digits = 0;
  bool any = false;

  /* Decimal's string form: digits, optionally "." and more digits; no sign, no exponent. */
  while (g_ascii_isdigit (*p))
    {
      if (integer > 1)
        return false;
      integer = integer * 10 + (unsigned) (*p - '0');
      p++;
      any = true;
    }
  if (!any || integer > 1)
    return false;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return false;
      for (; g_ascii_isdigit (*p); p++, digits++)
        {
          /* Anything but zeros after "1." would be above 1. */
          if (integer == 1 && *p != '0')
            return false;
          if (digits < 2)
            hundredths = hundredths * 10 + (unsigned) (*p - '0');
        }
      if (digits == 1)
        hundredths *= 10;
    }
  if (*p != '\0')
    return false;
  *percent = integer * 100 + hundredths;
  *value = g_ascii_strtod (text, NULL);
  return true;
}

/* NodeRole: {"Mixnode":{"layer":N}} or one of the unit variants or their serde aliases; the
 * member is `role`, or `epoch_role` in some nym-api versions. */
static bool
parse_role (JsonObject          *object,
            const Place         *place,
            NymTopologyNodeInfo *node,
            GError             **error)
{
  static const struct { const char *name; NymTopologyRole role; } unit_roles[] = {
    { "EntryGateway", NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY },
    { "ExitGateway", NYM_TOPOLOGY_ROLE_EXIT_GATEWAY },
    { "Standby", NYM_TOPOLOGY_ROLE_STANDBY },
    { "Inactive", NYM_TOPOLOGY_ROLE_INACTIVE },
    /* serde aliases nym-api accepts for the gateway roles. */
    { "entry", NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY },
    { "gateway", NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY },
    { "exit", NYM_TOPOLOGY_ROLE_EXIT_GATEWAY },
  };
  const char *name = json_object_has_member (object, "role") ? "role" : "epoch_role";
  g_autofree char *path = field_path (place, name);
  JsonNode *role;

  if (!get_member (object, place, name, false, false, &role, error))
    return false;
  if (JSON_NODE_HOLDS_VALUE (role) && json_node_get_value_type (role) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (role);

      for (size_t i = 0; i < G_N_ELEMENTS (unit_roles); i++)
        if (g_str_equal (text, unit_roles[i].name))
          {
            node->role = unit_roles[i].role;
            node->layer = 0;
            return true;
          }
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                       "field “%s” is “%s”, not a node role", path, text);
      return false;
    }
  if (JSON_NODE_HOLDS_OBJECT (role))
    {
      g_autofree char *mix_where = g_strdup_printf ("%s.Mixnode", path);
      Place mix_place = { place->endpoint, mix_where };
      JsonObject *mixnode;
      uint32_t layer;

      if (!get_object (json_node_get_object (role), &(Place) { place->endpoint, path }, "Mixnode", false,
                       &mixnode, error))
        return false;
      if (!get_u32 (mixnode, &mix_place, "layer", &layer, error))
        return false;
      if (layer < 1 || layer > 3)
        {
          set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                           "field “%s.layer” is %u, not a mix layer (1 to 3)", mix_where, layer);
          return false;
        }
      node->role = NYM_TOPOLOGY_ROLE_MIXNODE;
      node->layer = layer;
      return true;
    }
  return expect_type (role, place, path, false, "a role string or {\"Mixnode\":{…}}", error);
}

static bool
parse_supported_roles (JsonObject                *object,
                       const Place               *place,
                       NymTopologySupportedRoles *roles,
                       GError                   **error)
{
  return get_default_bool (object, place, "mixnode", &roles->mixnode, error)
         && get_default_bool (object, place, "entry", &roles->entry, error)
         && get_default_bool (object, place, "exit_nr", &roles->exit_nr, error)
         && get_default_bool (object, place, "exit_ipr", &roles->exit_ipr, error);
}

/* SkimmedNodeV1 (§3.2). */
static NymTopologyNodeInfo *
parse_skimmed_node (JsonObject  *object,
                    const Place *place,
                    GError     **error)
{
  g_autoptr(NymTopologyNodeInfo) node = g_new0 (NymTopologyNodeInfo, 1);
  g_autofree char *perf_path = field_path (place, "performance");
  JsonObject *roles, *entry;
  JsonNode *performance;
  uint64_t port;
  const char *hostname;

  if (!get_u32 (object, place, "node_id", &node->node_id, error)
      || !get_key (object, place, "ed25519_identity_pubkey", KEY_ED25519, node->identity, error)
      || !get_ip_list (object, place, "ip_addresses", &node->ip_addresses, error)
      || !get_uint (object, place, "mix_port", G_MAXUINT16, &port, error)
      || !get_key (object, place, "x25519_sphinx_pubkey", KEY_X25519, node->sphinx_key, error)
      || !parse_role (object, place, node, error))
    return NULL;
  node->mix_port = (uint16_t) port;

  /* supported_roles is #[serde(default)]: absent means nothing declared. */
  if (json_object_has_member (object, "supported_roles"))
    {
      g_autofree char *where = field_path (place, "supported_roles");
      Place inner = { place->endpoint, where };

      if (!get_object (object, place, "supported_roles", false, &roles, error)
          || !parse_supported_roles (roles, &inner, &node->supported_roles, error))
        return NULL;
    }

  if (!get_object (object, place, "entry", true, &entry, error))
    return NULL;
  if (entry != NULL)
    {
      g_autofree char *where = field_path (place, "entry");
      Place inner = { place->endpoint, where };

      if (!get_string (entry, &inner, "hostname", true, &hostname, error)
          || !get_uint (entry, &inner, "ws_port", G_MAXUINT16, &port, error)
          || !get_optional_u16 (entry, &inner, "wss_port", &node->wss_port, error))
        return NULL;
      node->has_entry = true;
      node->hostname = g_strdup (hostname);
      node->ws_port = (uint16_t) port;
    }

  if (!get_member (object, place, "performance", false, false, &performance, error))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (performance) && json_node_get_value_type (performance) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (performance);

      if (!nym_topology_parse_performance (text, &node->performance, &node->performance_percent))
        {
          set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                           "field “%s” (“%s”) is not a decimal between 0 and 1", perf_path, text);
          return NULL;
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (performance)
           && (json_node_get_value_type (performance) == G_TYPE_DOUBLE
               || json_node_get_value_type (performance) == G_TYPE_INT64))
    {
      double value = json_node_get_double (performance);

      if (!(value >= 0.0 && value <= 1.0))
        {
          set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                           "field “%s” (%g) is not between 0 and 1", perf_path, value);
          return NULL;
        }
      node->performance = value;
      /* The small bias keeps 0.57 (0.5699999… in binary) at 57, as the decimal would be. */
      node->performance_percent = (unsigned) (value * 100.0 + 1e-9);
    }
  else
    {
      expect_type (performance, place, perf_path, false, "a decimal string", error);
      return NULL;
    }

  /* §3.3: the mixing address is the first IP with the mix port; none means unroutable. */
  if (node->ip_addresses[0] != NULL)
    {
      g_autofree char *text = strchr (node->ip_addresses[0], ':') != NULL
                                ? g_strdup_printf ("[%s]:%u", node->ip_addresses[0], node->mix_port)
                                : g_strdup_printf ("%s:%u", node->ip_addresses[0], node->mix_port);

      node->has_mix_address = nym_node_address_parse (text, &node->mix_address, NULL);
    }
  return g_steal_pointer (&node);
}

static bool
parse_pagination (JsonObject  *object,
                  const Place *place,
                  uint32_t    *total,
                  uint32_t    *page,
                  uint32_t    *size,
                  JsonArray  **data,
                  GError     **error)
{
  g_autofree char *where = field_path (place, "pagination");
  Place inner = { place->endpoint, where };
  JsonObject *pagination;

  return get_object (object, place, "pagination", false, &pagination, error)
         && get_u32 (pagination, &inner, "total", total, error)
         && get_u32 (pagination, &inner, "page", page, error)
         && get_u32 (pagination, &inner, "size", size, error)
         && get_array (object, place, "data", data, error);
}

static bool
parse_metadata (JsonObject          *root,
                const Place         *place,
                NymTopologyMetadata *metadata,
                GError             **error)
{
  Place inner = { place->endpoint, "metadata" };
  JsonObject *object;
  JsonNode *status;

  if (!get_object (root, place, "metadata", false, &object, error)
      || !get_member (object, &inner, "status", false, true, &status, error)
      || !get_u32 (object, &inner, "absolute_epoch_id", &metadata->absolute_epoch_id, error)
      || !get_u32 (object, &inner, "rotation_id", &metadata->rotation_id, error)
      || !get_timestamp (object, &inner, "refreshed_at", &metadata->refreshed_at, error))
    return false;
  if (status == NULL)
    metadata->status = NYM_TOPOLOGY_STATUS_FULL;
  else if (JSON_NODE_HOLDS_VALUE (status) && json_node_get_value_type (status) == G_TYPE_STRING
           && g_str_equal (json_node_get_string (status), "no-updates"))
    metadata->status = NYM_TOPOLOGY_STATUS_NO_UPDATES;
  else if (JSON_NODE_HOLDS_OBJECT (status) && json_object_has_member (json_node_get_object (status), "fresh"))
    metadata->status = NYM_TOPOLOGY_STATUS_FRESH;
  else
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, place,
                       "field “metadata.status” is %s, not null, \"no-updates\" or {\"fresh\":…}",
                       node_type_name (status));
      return false;
    }
  return true;
}

bool
nym_topology_parse_key_rotation_info (const char                 *endpoint,
                                      const char                 *data,
                                      size_t                      len,
                                      NymTopologyKeyRotationInfo *out,
                                      GError                    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  Place top = { endpoint, "" };
  Place state_place = { endpoint, "key_rotation_state" };
  Place duration_place = { endpoint, "epoch_duration" };
  Place progress_place = { endpoint, "progress" };
  NymTopologyKeyRotationInfo info = { 0 };
  JsonObject *root, *state, *duration, *progress;
  uint64_t nanos;

  root = parse_root_object (&top, data, len, parser, error);
  if (root == NULL)
    return false;
  if (!get_object (root, &top, "key_rotation_state", false, &state, error)
      || !get_u32 (state, &state_place, "validity_epochs", &info.validity_epochs, error)
      || !get_u32 (state, &state_place, "initial_epoch_id", &info.initial_epoch_id, error)
      || !get_u32 (root, &top, "current_absolute_epoch_id", &info.current_absolute_epoch_id, error)
      || !get_timestamp (root, &top, "current_epoch_start", &info.current_epoch_start, error)
      || !get_object (root, &top, "epoch_duration", false, &duration, error)
      || !get_uint (duration, &duration_place, "secs", G_MAXUINT64 >> 1, &info.epoch_duration_secs, error)
      || !get_uint (duration, &duration_place, "nanos", 999999999, &nanos, error)
      || !get_object (root, &top, "progress", false, &progress, error)
      || !get_u32 (progress, &progress_place, "current_key_rotation_id", &info.current_key_rotation_id, error)
      || !get_u32 (progress, &progress_place, "current_rotation_starting_epoch",
                   &info.current_rotation_starting_epoch, error)
      || !get_u32 (progress, &progress_place, "current_rotation_ending_epoch",
                   &info.current_rotation_ending_epoch, error))
    return false;
  if (info.validity_epochs == 0)
    {
      set_field_error (error, NYM_TOPOLOGY_ERROR_INVALID_VALUE, &top,
                       "field “key_rotation_state.validity_epochs” is 0");
      return false;
    }
  *out = info;
  return true;
}

NymTopologyRewardedSet *
nym_topology_parse_rewarded_set (const char *endpoint,
                                 const char *data,
                                 size_t      len,
                                 GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NymTopologyRewardedSet) set = g_new0 (NymTopologyRewardedSet, 1);
  Place top = { endpoint, "" };
  JsonObject *root;

  root = parse_root_object (&top, data, len, parser, error);
  if (root == NULL)
    return NULL;
  if (!get_u32 (root, &top, "epoch_id", &set->epoch_id, error)
      || !get_id_list (root, &top, "entry_gateways", &set->entry_gateways, error)
      || !get_id_list (root, &top, "exit_gateways", &set->exit_gateways, error)
      || !get_id_list (root, &top, "layer1", &set->layers[0], error)
      || !get_id_list (root, &top, "layer2", &set->layers[1], error)
      || !get_id_list (root, &top, "layer3", &set->layers[2], error)
      || !get_id_list (root, &top, "standby", &set->standby, error))
    return NULL;
  return g_steal_pointer (&set);
}

NymTopologySkimmedPage *
nym_topology_parse_skimmed_page (const char *endpoint,
                                 const char *data,
                                 size_t      len,
                                 GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NymTopologySkimmedPage) page = nym_topology_skimmed_page_new ();
  Place top = { endpoint, "" };
  Place nodes_place = { endpoint, "nodes" };
  JsonObject *root, *nodes;
  JsonArray *array;

  root = parse_root_object (&top, data, len, parser, error);
  if (root == NULL)
    return NULL;
  if (!parse_metadata (root, &top, &page->metadata, error)
      || !get_object (root, &top, "nodes", false, &nodes, error)
      || !parse_pagination (nodes, &nodes_place, &page->total, &page->page, &page->size, &array, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("nodes.data[%u]", i);
      Place place = { endpoint, where };
      NymTopologyNodeInfo *node;

      if (!expect_type (item, &top, where, JSON_NODE_HOLDS_OBJECT (item), "an object", error))
        return NULL;
      node = parse_skimmed_node (json_node_get_object (item), &place, error);
      if (node == NULL)
        return NULL;
      g_ptr_array_add (page->nodes, node);
    }
  return g_steal_pointer (&page);
}

/* An optional {"address": "...", ...} object of the described data. */
static bool
get_service_address (JsonObject  *object,
                     const Place *place,
                     const char  *name,
                     char       **address,
                     bool        *uses_exit_policy,
                     GError     **error)
{
  g_autofree char *where = field_path (place, name);
  Place inner = { place->endpoint, where };
  JsonObject *service;
  JsonNode *absent;
  const char *text;

  if (!get_member (object, place, name, true, true, &absent, error))
    return false;
  if (absent == NULL)
    return true;
  if (!get_object (object, place, name, false, &service, error)
      || !get_string (service, &inner, "address", false, &text, error))
    return false;
  if (uses_exit_policy != NULL && !get_default_bool (service, &inner, "uses_exit_policy", uses_exit_policy, error))
    return false;
  *address = g_strdup (text);
  return true;
}

/* NymNodeDescriptionV2, the fields §6 lists for selection. */
static NymTopologyDescribedNode *
parse_described_node (JsonObject  *object,
                      const Place *place,
                      GError     **error)
{
  g_autoptr(NymTopologyDescribedNode) node = g_new0 (NymTopologyDescribedNode, 1);
  g_autofree char *desc_where = field_path (place, "description");
  g_autofree char *host_where = g_strdup_printf ("%s.host_information", desc_where);
  g_autofree char *keys_where = g_strdup_printf ("%s.keys", host_where);
  g_autofree char *roles_where = g_strdup_printf ("%s.declared_role", desc_where);
  g_autofree char *aux_where = g_strdup_printf ("%s.auxiliary_details", desc_where);
  g_autofree char *ws_where = g_strdup_printf ("%s.mixnet_websockets", desc_where);
  Place desc_place = { place->endpoint, desc_where };
  Place host_place = { place->endpoint, host_where };
  Place keys_place = { place->endpoint, keys_where };
  Place roles_place = { place->endpoint, roles_where };
  Place aux_place = { place->endpoint, aux_where };
  Place ws_place = { place->endpoint, ws_where };
  JsonObject *description, *host, *keys, *roles, *aux = NULL, *ws;
  const char *hostname, *location = NULL;
  uint64_t port;

  if (!get_u32 (object, place, "node_id", &node->node_id, error)
      || !get_object (object, place, "description", false, &description, error)
      || !get_object (description, &desc_place, "host_information", false, &host, error)
      || !get_ip_list (host, &host_place, "ip_address", &node->ip_addresses, error)
      || !get_string (host, &host_place, "hostname", true, &hostname, error)
      || !get_object (host, &host_place, "keys", false, &keys, error)
      /* Not checked as a point: the subgroup check costs about 80 µs a key, and a described
       * entry is only used when its identity equals the (checked) skimmed one. */
      || !get_key (keys, &keys_place, "ed25519", KEY_X25519, node->identity, error)
      || !get_object (description, &desc_place, "declared_role", false, &roles, error)
      || !parse_supported_roles (roles, &roles_place, &node->declared_roles, error)
      || !get_object (description, &desc_place, "mixnet_websockets", false, &ws, error)
      || !get_uint (ws, &ws_place, "ws_port", G_MAXUINT16, &port, error)
      || !get_optional_u16 (ws, &ws_place, "wss_port", &node->wss_port, error)
      || !get_service_address (description, &desc_place, "network_requester",
                               &node->network_requester_address, &node->uses_exit_policy, error)
      || !get_service_address (description, &desc_place, "ip_packet_router",
                               &node->ip_packet_router_address, NULL, error)
      || !get_service_address (description, &desc_place, "authenticator",
                               &node->authenticator_address, NULL, error))
    return NULL;
  node->ws_port = (uint16_t) port;
  node->hostname = g_strdup (hostname);
  /* auxiliary_details is #[serde(default)], and its location optional (§6, open question 4:
   * only the string form is read). */
  if (json_object_has_member (description, "auxiliary_details"))
    {
      if (!get_object (description, &desc_place, "auxiliary_details", false, &aux, error))
        return NULL;
      if (json_object_has_member (aux, "location")
          && !get_string (aux, &aux_place, "location", true, &location, error))
        return NULL;
      node->location = g_strdup (location);
    }
  return g_steal_pointer (&node);
}

NymTopologyDescribedPage *
nym_topology_parse_described_page (const char *endpoint,
                                   const char *data,
                                   size_t      len,
                                   GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NymTopologyDescribedPage) page = nym_topology_described_page_new ();
  Place top = { endpoint, "" };
  JsonObject *root;
  JsonArray *array;

  root = parse_root_object (&top, data, len, parser, error);
  if (root == NULL)
    return NULL;
  if (!parse_pagination (root, &top, &page->total, &page->page, &page->size, &array, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("data[%u]", i);
      Place place = { endpoint, where };
      NymTopologyDescribedNode *node;

      if (!expect_type (item, &top, where, JSON_NODE_HOLDS_OBJECT (item), "an object", error))
        return NULL;
      node = parse_described_node (json_node_get_object (item), &place, error);
      if (node == NULL)
        return NULL;
      g_ptr_array_add (page->nodes, node);
    }
  return g_steal_pointer (&page);
}

NymTopologyNodeInfo *
nym_topology_node_info_copy (const NymTopologyNodeInfo *node)
{
  NymTopologyNodeInfo *copy = g_memdup2 (node, sizeof *node);

  copy->ip_addresses = g_strdupv (node->ip_addresses);
  copy->hostname = g_strdup (node->hostname);
  copy->network_requester_address = g_strdup (node->network_requester_address);
  copy->ip_packet_router_address = g_strdup (node->ip_packet_router_address);
  copy->authenticator_address = g_strdup (node->authenticator_address);
  copy->location = g_strdup (node->location);
  return copy;
}

void
nym_topology_node_info_free (NymTopologyNodeInfo *node)
{
  if (node == NULL)
    return;
  g_strfreev (node->ip_addresses);
  g_free (node->hostname);
  g_free (node->network_requester_address);
  g_free (node->ip_packet_router_address);
  g_free (node->authenticator_address);
  g_free (node->location);
  g_free (node);
}

/* §6: the described data adds the exit services, the wss port and hostname where the
 * skimmed entry lacks them, and the location. */
void
nym_topology_node_info_add_description (NymTopologyNodeInfo            *node,
                                        const NymTopologyDescribedNode *described)
{
  node->described = true;
  g_free (node->network_requester_address);
  node->network_requester_address = g_strdup (described->network_requester_address);
  node->uses_exit_policy = described->uses_exit_policy;
  g_free (node->ip_packet_router_address);
  node->ip_packet_router_address = g_strdup (described->ip_packet_router_address);
  g_free (node->authenticator_address);
  node->authenticator_address = g_strdup (described->authenticator_address);
  g_free (node->location);
  node->location = g_strdup (described->location);
  if (node->hostname == NULL && described->hostname != NULL)
    node->hostname = g_strdup (described->hostname);
  if (node->has_entry && node->wss_port == 0)
    node->wss_port = described->wss_port;
}

void
nym_topology_described_node_free (NymTopologyDescribedNode *node)
{
  if (node == NULL)
    return;
  g_strfreev (node->ip_addresses);
  g_free (node->hostname);
  g_free (node->location);
  g_free (node->network_requester_address);
  g_free (node->ip_packet_router_address);
  g_free (node->authenticator_address);
  g_free (node);
}

void
nym_topology_rewarded_set_free (NymTopologyRewardedSet *set)
{
  if (set == NULL)
    return;
  g_clear_pointer (&set->entry_gateways, g_array_unref);
  g_clear_pointer (&set->exit_gateways, g_array_unref);
  for (unsigned i = 0; i < 3; i++)
    g_clear_pointer (&set->layers[i], g_array_unref);
  g_clear_pointer (&set->standby, g_array_unref);
  g_free (set);
}

NymTopologySkimmedPage *
nym_topology_skimmed_page_new (void)
{
  NymTopologySkimmedPage *page = g_new0 (NymTopologySkimmedPage, 1);

  page->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_topology_node_info_free);
  return page;
}

void
nym_topology_skimmed_page_free (NymTopologySkimmedPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->nodes, g_ptr_array_unref);
  g_free (page);
}

NymTopologyDescribedPage *
nym_topology_described_page_new (void)
{
  NymTopologyDescribedPage *page = g_new0 (NymTopologyDescribedPage, 1);

  page->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_topology_described_node_free);
  return page;
}

void
nym_topology_described_page_free (NymTopologyDescribedPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->nodes, g_ptr_array_unref);
  g_free (page);
}
