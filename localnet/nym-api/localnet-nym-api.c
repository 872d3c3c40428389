/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetNymApi: libsoup 3 server with the nym-api endpoints of spec nym-gateway.md §3.1–3.2. */
#include "localnet-nym-api.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crypto/nym-base58.h"

struct _LocalnetNymApi
{
  GObject          parent_instance;

  /* owned */
  LocalnetNetwork *network;
  SoupServer      *server;
  char            *url;
  guint16          port;
  guint64          requests;
  gint64           started_us;   /* monotonic time of listen, for the health uptime */
};

enum
{
  PROP_0,
  PROP_NETWORK,
  PROP_PORT,
  PROP_URL,
  PROP_REQUESTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LocalnetNymApi, localnet_nym_api, G_TYPE_OBJECT)

/* Which nodes a list endpoint returns. */
typedef enum
{
  SELECT_ALL,
  SELECT_ACTIVE_MIXNODES,
  SELECT_ENTRY_GATEWAYS,
  SELECT_EXIT_GATEWAYS,
} NodeSelection;

typedef struct
{
  guint page;
  guint per_page;   /* 0: everything on one page, as the real nym-api always answers */
} Paging;

static bool
node_is_selected (const LocalnetNodeInfo *node,
                  NodeSelection           selection)
{
  switch (selection)
    {
    case SELECT_ALL:
      return true;
    case SELECT_ACTIVE_MIXNODES:
      return node->kind == LOCALNET_NODE_MIXNODE;
    case SELECT_ENTRY_GATEWAYS:
      /* Every gateway is entry-capable, as real nym-api lists entry-capable nodes here. */
      return node->kind == LOCALNET_NODE_GATEWAY;
    case SELECT_EXIT_GATEWAYS:
      return node->kind == LOCALNET_NODE_GATEWAY && node->exit;
    default:
      g_assert_not_reached ();
    }
}

static char *
now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_bool (JsonBuilder *builder,
          const char  *name,
          bool         value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_key (JsonBuilder   *builder,
         const char    *name,
         const uint8_t  key[static 32])
{
  g_autofree char *text = nym_base58_encode (key, 32);
  add_string (builder, name, text);
}

static void
add_id_list (JsonBuilder     *builder,
             const char      *name,
             LocalnetNetwork *network,
             LocalnetNodeKind kind,
             guint            layer,
             bool             exit)
{
  GPtrArray *nodes = localnet_network_get_nodes (network);

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (nodes, i);
      if (node->kind != kind)
        continue;
      if (kind == LOCALNET_NODE_MIXNODE && node->layer != layer)
        continue;
      /* A node has one role per epoch; a gateway that is both is the entry. */
      if (kind == LOCALNET_NODE_GATEWAY && (exit ? (!node->exit || node->entry) : !node->entry))
        continue;
      json_builder_add_int_value (builder, node->node_id);
    }
  json_builder_end_array (builder);
}

/* `role` of SkimmedNodeV1 (§3.2): serde's external tagging of NodeRole. */
static void
add_role (JsonBuilder            *builder,
          const LocalnetNodeInfo *node)
{
  json_builder_set_member_name (builder, "role");
  if (node->kind == LOCALNET_NODE_MIXNODE)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "Mixnode");
      json_builder_begin_object (builder);
      add_int (builder, "layer", node->layer);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  else if (node->entry)
    {
      json_builder_add_string_value (builder, "EntryGateway");
    }
  else if (node->exit)
    {
      json_builder_add_string_value (builder, "ExitGateway");
    }
  else
    {
      json_builder_add_string_value (builder, "Standby");
    }
}

static void
add_declared_roles (JsonBuilder            *builder,
                    const char             *name,
                    const LocalnetNodeInfo *node)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  add_bool (builder, "mixnode", node->kind == LOCALNET_NODE_MIXNODE);
  add_bool (builder, "entry", node->kind == LOCALNET_NODE_GATEWAY);
  add_bool (builder, "exit_nr", node->kind == LOCALNET_NODE_GATEWAY && node->exit);
  add_bool (builder, "exit_ipr", node->kind == LOCALNET_NODE_GATEWAY && node->exit);
  json_builder_end_object (builder);
}

static void
add_ip_addresses (JsonBuilder *builder,
                  const char  *name)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "127.0.0.1");
  json_builder_end_array (builder);
}

/* SkimmedNodeV1 (§3.2). */
static void
add_skimmed_node (JsonBuilder            *builder,
                  const LocalnetNodeInfo *node)
{
  json_builder_begin_object (builder);
  add_int (builder, "node_id", node->node_id);
  add_key (builder, "ed25519_identity_pubkey", node->identity);
  add_ip_addresses (builder, "ip_addresses");
  add_int (builder, "mix_port", node->mix_port);
  add_key (builder, "x25519_sphinx_pubkey", node->sphinx_key);
  add_role (builder, node);
  add_declared_roles (builder, "supported_roles", node);
  json_builder_set_member_name (builder, "entry");
  if (node->kind == LOCALNET_NODE_GATEWAY)
    {
      json_builder_begin_object (builder);
      add_string (builder, "hostname", NULL);
      add_int (builder, "ws_port", node->ws_port);
      add_string (builder, "wss_port", NULL);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
  /* Every local node is perfect; the client filters on floor(100·p) ≥ its minimum. */
  add_string (builder, "performance", "1");
  json_builder_end_object (builder);
}

static void
add_address_object (JsonBuilder *builder,
                    const char  *name,
                    const char  *address,
                    bool         with_exit_policy)
{
  json_builder_set_member_name (builder, name);
  if (address == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  add_string (builder, "address", address);
  if (with_exit_policy)
    add_bool (builder, "uses_exit_policy", true);
  json_builder_end_object (builder);
}

/* NymNodeDescriptionV2 (nym-api-requests models/described), the shape of
 * /v2/nym-nodes/described; a node's mix port is announced in auxiliary_details, since
 * without it a reader assumes 1789. */
static void
add_described_node (JsonBuilder            *builder,
                    const LocalnetNodeInfo *node,
                    const char             *now)
{
  json_builder_begin_object (builder);
  add_int (builder, "node_id", node->node_id);
  add_string (builder, "contract_node_type", "nym_node");
  json_builder_set_member_name (builder, "description");
  json_builder_begin_object (builder);
  add_string (builder, "last_polled", now);

  json_builder_set_member_name (builder, "host_information");
  json_builder_begin_object (builder);
  add_ip_addresses (builder, "ip_address");
  add_string (builder, "hostname", NULL);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_object (builder);
  add_key (builder, "ed25519", node->identity);
  add_key (builder, "x25519", node->sphinx_key);
  json_builder_set_member_name (builder, "current_x25519_sphinx_key");
  json_builder_begin_object (builder);
  add_int (builder, "rotation_id", LOCALNET_KEY_ROTATION_ID);
  add_key (builder, "public_key", node->sphinx_key);
  json_builder_end_object (builder);
  add_string (builder, "pre_announced_x25519_sphinx_key", NULL);
  add_string (builder, "x25519_versioned_noise", NULL);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  add_declared_roles (builder, "declared_role", node);

  json_builder_set_member_name (builder, "auxiliary_details");
  json_builder_begin_object (builder);
  add_string (builder, "location", NULL);
  json_builder_set_member_name (builder, "announce_ports");
  json_builder_begin_object (builder);
  add_string (builder, "verloc_port", NULL);
  add_int (builder, "mix_port", node->mix_port);
  json_builder_end_object (builder);
  add_bool (builder, "accepted_operator_terms_and_conditions", true);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "build_information");
  json_builder_begin_object (builder);
  add_string (builder, "binary_name", "nymph-localnet");
  add_string (builder, "build_timestamp", "");
  add_string (builder, "build_version", PACKAGE_VERSION);
  add_string (builder, "commit_sha", "");
  add_string (builder, "commit_timestamp", "");
  add_string (builder, "commit_branch", "");
  add_string (builder, "rustc_version", "");
  add_string (builder, "rustc_channel", "");
  add_string (builder, "cargo_profile", "");
  add_string (builder, "cargo_triple", "");
  json_builder_end_object (builder);

  add_address_object (builder, "network_requester",
                      node->exit ? node->network_requester_address : NULL, true);
  add_address_object (builder, "ip_packet_router",
                      node->exit ? node->ip_packet_router_address : NULL, false);
  add_address_object (builder, "authenticator", node->authenticator_address, false);
  add_string (builder, "wireguard", NULL);

  json_builder_set_member_name (builder, "mixnet_websockets");
  json_builder_begin_object (builder);
  /* Mix nodes have no client websocket here; 0 says so without breaking the u16 type. */
  add_int (builder, "ws_port", node->kind == LOCALNET_NODE_GATEWAY ? node->ws_port : 0);
  add_string (builder, "wss_port", NULL);
  json_builder_end_object (builder);
  add_string (builder, "lewes_protocol", NULL);

  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* PaginatedResponse (nym-api-requests pagination.rs): {"pagination":{total,page,size},"data":[…]}.
 * The real server ignores page/per_page and answers everything with page 0 and
 * size = total; here per_page is honoured and size is the page size in effect. */
static void
add_paginated_nodes (JsonBuilder     *builder,
                     LocalnetNetwork *network,
                     NodeSelection    selection,
                     const Paging    *paging,
                     bool             described,
                     const char      *now)
{
  GPtrArray *nodes = localnet_network_get_nodes (network);
  guint total = 0, skip, taken = 0, size;

  for (guint i = 0; i < nodes->len; i++)
    if (node_is_selected (g_ptr_array_index (nodes, i), selection))
      total++;
  size = paging->per_page != 0 ? paging->per_page : total;
  skip = paging->per_page != 0 && paging->page <= G_MAXUINT / paging->per_page
         ? paging->page * paging->per_page
         : (paging->page == 0 ? 0 : G_MAXUINT);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pagination");
  json_builder_begin_object (builder);
  add_int (builder, "total", total);
  add_int (builder, "page", paging->page);
  add_int (builder, "size", size);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0, index = 0; i < nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (nodes, i);

      if (!node_is_selected (node, selection))
        continue;
      if (index++ < skip || (size != 0 && taken >= size))
        continue;
      if (described)
        add_described_node (builder, node, now);
      else
        add_skimmed_node (builder, node);
      taken++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* PaginatedCachedNodesResponseV2 (§3.2). status null means a full answer; a client that
 * sends the epoch it already knows gets "no-updates" and an empty page. */
static void
build_skimmed (JsonBuilder     *builder,
               LocalnetNetwork *network,
               NodeSelection    selection,
               const Paging    *paging,
               bool             no_updates)
{
  g_autofree char *now = now_rfc3339 ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  add_string (builder, "status", no_updates ? "no-updates" : NULL);
  add_int (builder, "absolute_epoch_id", LOCALNET_EPOCH_ID);
  add_int (builder, "rotation_id", LOCALNET_KEY_ROTATION_ID);
  add_string (builder, "refreshed_at", now);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "nodes");
  if (no_updates)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pagination");
      json_builder_begin_object (builder);
      add_int (builder, "total", 0);
      add_int (builder, "page", 0);
      add_int (builder, "size", 0);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "data");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  else
    {
      add_paginated_nodes (builder, network, selection, paging, false, now);
    }
  json_builder_end_object (builder);
}

static void
build_rewarded_set (JsonBuilder     *builder,
                    LocalnetNetwork *network)
{
  json_builder_begin_object (builder);
  add_int (builder, "epoch_id", LOCALNET_EPOCH_ID);
  add_id_list (builder, "entry_gateways", network, LOCALNET_NODE_GATEWAY, 0, false);
  add_id_list (builder, "exit_gateways", network, LOCALNET_NODE_GATEWAY, 0, true);
  add_id_list (builder, "layer1", network, LOCALNET_NODE_MIXNODE, 1, false);
  add_id_list (builder, "layer2", network, LOCALNET_NODE_MIXNODE, 2, false);
  add_id_list (builder, "layer3", network, LOCALNET_NODE_MIXNODE, 3, false);
  json_builder_set_member_name (builder, "standby");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* KeyRotationInfoResponse (§3.2): rotation id = (epoch − initial) / validity. */
static void
build_key_rotation_info (JsonBuilder *builder)
{
  const guint initial = 0;
  const guint rotation = (LOCALNET_EPOCH_ID - initial) / LOCALNET_KEY_ROTATION_VALIDITY;
  const guint start = initial + rotation * LOCALNET_KEY_ROTATION_VALIDITY;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour = g_date_time_new_utc (g_date_time_get_year (now),
                                                   g_date_time_get_month (now),
                                                   g_date_time_get_day_of_month (now),
                                                   g_date_time_get_hour (now), 0, 0);
  g_autofree char *epoch_start = g_date_time_format (hour, "%Y-%m-%dT%H:%M:%SZ");

  G_STATIC_ASSERT ((LOCALNET_EPOCH_ID / LOCALNET_KEY_ROTATION_VALIDITY) == LOCALNET_KEY_ROTATION_ID);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "key_rotation_state");
  json_builder_begin_object (builder);
  add_int (builder, "validity_epochs", LOCALNET_KEY_ROTATION_VALIDITY);
  add_int (builder, "initial_epoch_id", initial);
  json_builder_end_object (builder);
  add_int (builder, "current_absolute_epoch_id", LOCALNET_EPOCH_ID);
  /* Epochs are an hour long; the current one began on the hour. */
  add_string (builder, "current_epoch_start", epoch_start);
  json_builder_set_member_name (builder, "epoch_duration");
  json_builder_begin_object (builder);
  add_int (builder, "secs", 3600);
  add_int (builder, "nanos", 0);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "progress");
  json_builder_begin_object (builder);
  add_int (builder, "current_key_rotation_id", rotation);
  add_int (builder, "current_rotation_starting_epoch", start);
  add_int (builder, "current_rotation_ending_epoch", start + LOCALNET_KEY_ROTATION_VALIDITY - 1);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* ApiHealthResponse (nym-api-requests models/api_status.rs). */
static void
build_health (JsonBuilder *builder,
              gint64       uptime_s)
{
  json_builder_begin_object (builder);
  add_string (builder, "status", "up");
  add_string (builder, "chain_status", "synced");
  add_int (builder, "uptime", uptime_s);
  json_builder_end_object (builder);
}

static void
set_cors_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *asked = soup_message_headers_get_one (request, "Access-Control-Request-Headers");

  soup_message_headers_replace (response, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (response, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  /* The wasm client sets Accept and Content-Type; echoing what the browser asks for
   * also admits anything else a page adds. */
  soup_message_headers_replace (response, "Access-Control-Allow-Headers",
                                asked != NULL ? asked : "Accept, Content-Type");
  soup_message_headers_replace (response, "Access-Control-Max-Age", "86400");
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "message", message);
  json_builder_end_object (builder);
  respond_json (msg, status, builder);
}

static bool
parse_u32 (GHashTable  *query,
           const char  *name,
           guint       *out,
           bool        *present,
           char       **problem)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 value = 0;

  *present = text != NULL;
  if (text == NULL)
    return true;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    {
      *problem = g_strdup_printf ("Failed to deserialize query string: %s: invalid digit or out of range (“%s”)",
                                  name, text);
      return false;
    }
  *out = (guint) value;
  return true;
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *request_path,
                GHashTable        *query,
                gpointer           user_data)
{
  LocalnetNymApi *self = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  const char *method = soup_server_message_get_method (msg);
  const char *path = request_path;
  Paging paging = { 0, 0 };
  guint epoch_id = 0;
  bool has_page, has_per_page, has_epoch;

  self->requests++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTS]);
  set_cors_headers (msg);

  if (g_str_equal (method, "OPTIONS"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return;
    }
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", "GET, HEAD, OPTIONS");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Only GET is served");
      return;
    }

  /* The public nym-api lives under /api/; clients configured either way work. */
  if (g_str_has_prefix (path, "/api/"))
    path += 4;
  /* A single trailing slash is the same resource. */
  {
    size_t len = strlen (path);
    g_autofree char *trimmed = NULL;

    if (len > 1 && path[len - 1] == '/')
      path = trimmed = g_strndup (path, len - 1);

    /* Another nymph-localnet process may have added a node since the last request. */
    if (!localnet_network_reload (self->network, &error))
      {
        respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
        return;
      }

    if (!parse_u32 (query, "page", &paging.page, &has_page, &problem)
        || !parse_u32 (query, "per_page", &paging.per_page, &has_per_page, &problem)
        || !parse_u32 (query, "epoch_id", &epoch_id, &has_epoch, &problem))
      {
        respond_error (msg, SOUP_STATUS_BAD_REQUEST, problem);
        return;
      }
    if (has_per_page && paging.per_page == 0)
      {
        respond_error (msg, SOUP_STATUS_BAD_REQUEST, "per_page must be at least 1");
        return;
      }

    if (g_str_equal (path, "/v1/api-status/health"))
      build_health (builder, (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC);
    else if (g_str_equal (path, "/v1/epoch/key-rotation-info"))
      build_key_rotation_info (builder);
    else if (g_str_equal (path, "/v1/nym-nodes/rewarded-set"))
      build_rewarded_set (builder, self->network);
    else if (g_str_equal (path, "/v2/unstable/nym-nodes/skimmed/mixnodes/active"))
      build_skimmed (builder, self->network, SELECT_ACTIVE_MIXNODES, &paging,
                     has_epoch && epoch_id == LOCALNET_EPOCH_ID);
    else if (g_str_equal (path, "/v2/unstable/nym-nodes/skimmed/entry-gateways"))
      build_skimmed (builder, self->network, SELECT_ENTRY_GATEWAYS, &paging,
                     has_epoch && epoch_id == LOCALNET_EPOCH_ID);
    else if (g_str_equal (path, "/v2/unstable/nym-nodes/skimmed/exit-gateways"))
      build_skimmed (builder, self->network, SELECT_EXIT_GATEWAYS, &paging,
                     has_epoch && epoch_id == LOCALNET_EPOCH_ID);
    else if (g_str_equal (path, "/v2/unstable/nym-nodes/skimmed"))
      build_skimmed (builder, self->network, SELECT_ALL, &paging,
                     has_epoch && epoch_id == LOCALNET_EPOCH_ID);
    else if (g_str_equal (path, "/v2/nym-nodes/described"))
      {
        g_autofree char *now = now_rfc3339 ();
        add_paginated_nodes (builder, self->network, SELECT_ALL, &paging, true, now);
      }
    else
      {
        g_autofree char *message = g_strdup_printf ("No such endpoint: %s", request_path);
        respond_error (msg, SOUP_STATUS_NOT_FOUND, message);
        return;
      }
  }
  respond_json (msg, SOUP_STATUS_OK, builder);
}

bool
localnet_nym_api_listen (LocalnetNymApi  *self,
                         guint16          port,
                         GError         **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSList *uris;

  g_return_val_if_fail (LOCALNET_IS_NYM_API (self), false);
  g_return_val_if_fail (self->server == NULL, false);

  self->server = soup_server_new ("server-header", "nymph-localnet-nym-api", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  if (!soup_server_listen (self->server, address, 0, error))
    {
      g_clear_object (&self->server);
      return false;
    }
  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->url = g_strdup_printf ("http://127.0.0.1:%u/", self->port);
  self->started_us = g_get_monotonic_time ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  return true;
}

guint16
localnet_nym_api_get_port (LocalnetNymApi *self)
{
  g_return_val_if_fail (LOCALNET_IS_NYM_API (self), 0);
  return self->port;
}

const char *
localnet_nym_api_get_url (LocalnetNymApi *self)
{
  g_return_val_if_fail (LOCALNET_IS_NYM_API (self), NULL);
  return self->url;
}

guint64
localnet_nym_api_get_requests (LocalnetNymApi *self)
{
  g_return_val_if_fail (LOCALNET_IS_NYM_API (self), 0);
  return self->requests;
}

void
localnet_nym_api_stop (LocalnetNymApi *self)
{
  g_return_if_fail (LOCALNET_IS_NYM_API (self));

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

static void
localnet_nym_api_dispose (GObject *object)
{
  LocalnetNymApi *self = LOCALNET_NYM_API (object);

  localnet_nym_api_stop (self);
  g_clear_object (&self->network);

  G_OBJECT_CLASS (localnet_nym_api_parent_class)->dispose (object);
}

static void
localnet_nym_api_finalize (GObject *object)
{
  LocalnetNymApi *self = LOCALNET_NYM_API (object);

  g_free (self->url);

  G_OBJECT_CLASS (localnet_nym_api_parent_class)->finalize (object);
}

static void
localnet_nym_api_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LocalnetNymApi *self = LOCALNET_NYM_API (object);

  switch (prop_id)
    {
    case PROP_NETWORK:
      g_value_set_object (value, self->network);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_REQUESTS:
      g_value_set_uint64 (value, self->requests);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_nym_api_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LocalnetNymApi *self = LOCALNET_NYM_API (object);

  switch (prop_id)
    {
    case PROP_NETWORK:
      self->network = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_nym_api_class_init (LocalnetNymApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = localnet_nym_api_dispose;
  object_class->finalize = localnet_nym_api_finalize;
  object_class->get_property = localnet_nym_api_get_property;
  object_class->set_property = localnet_nym_api_set_property;

  properties[PROP_NETWORK] =
    g_param_spec_object ("network", NULL, NULL, LOCALNET_TYPE_NETWORK,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTS] =
    g_param_spec_uint64 ("requests", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
localnet_nym_api_init (LocalnetNymApi *self)
{
}

LocalnetNymApi *
localnet_nym_api_new (LocalnetNetwork *network)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (network), NULL);
  return g_object_new (LOCALNET_TYPE_NYM_API, "network", network, NULL);
}
