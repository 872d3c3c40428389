/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the localnet nym-api over real HTTP (libsoup): every endpoint, field names, paging, CORS. */
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "localnet-network.h"
#include "localnet-test-util.h"
#include "nym-api/localnet-nym-api.h"

typedef struct
{
  char            *dir;
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  SoupSession     *session;
} Fixture;

typedef struct
{
  guint               status;
  char               *content_type;
  SoupMessageHeaders *headers;
  GBytes             *body;
  JsonParser         *parser;
} Response;

static void
response_free (Response *response)
{
  g_free (response->content_type);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_object (&response->parser);
  g_free (response);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
add_node (Fixture          *fixture,
          const char       *name,
          LocalnetNodeKind  kind,
          guint             layer,
          bool              entry,
          bool              exit)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo info = { 0 };

  info.name = (char *) name;
  info.kind = kind;
  info.layer = layer;
  /* Ports and keys only have to be distinct; nothing connects to them here. */
  info.mix_port = (guint16) (30000 + localnet_network_get_nodes (fixture->network)->len);
  info.ws_port = kind == LOCALNET_NODE_GATEWAY ? (guint16) (31000 + layer + (exit ? 1 : 0)) : 0;
  randombytes_buf (info.identity, 32);
  randombytes_buf (info.sphinx_key, 32);
  info.entry = entry;
  info.exit = exit;
  if (exit)
    {
      info.network_requester_address = (char *) "nr-identity.nr-key@gateway";
      info.ip_packet_router_address = (char *) "ipr-identity.ipr-key@gateway";
    }
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &info, &error), !=, 0);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = localnet_test_mkdtemp ();
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  /* Two mix nodes per layer, an entry gateway and an exit gateway: ids 1–8. */
  for (guint layer = 1; layer <= 3; layer++)
    for (guint i = 1; i <= 2; i++)
      {
        g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, i);
        add_node (fixture, name, LOCALNET_NODE_MIXNODE, layer, false, false);
      }
  add_node (fixture, "gateway-1", LOCALNET_NODE_GATEWAY, 0, true, false);
  add_node (fixture, "gateway-2", LOCALNET_NODE_GATEWAY, 0, false, true);

  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
  fixture->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->session);
  localnet_nym_api_stop (fixture->api);
  localnet_test_drain ();
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* One HTTP exchange with the server on the test's main context. */
static Response *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         ...)
{
  g_autofree char *url = g_strconcat (localnet_nym_api_get_url (fixture->api), path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Response *response = g_new0 (Response, 1);
  GBytes *body = NULL;
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), name, va_arg (args, const char *));
  va_end (args);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, sent, &body);
  while (body == NULL)
    g_main_context_iteration (NULL, TRUE);

  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->content_type = g_strdup (soup_message_headers_get_content_type (response->headers, NULL));
  response->body = body;
  if (g_strcmp0 (response->content_type, "application/json") == 0)
    {
      g_autoptr(GError) error = NULL;
      gsize len;
      const char *data = g_bytes_get_data (body, &len);

      response->parser = json_parser_new ();
      json_parser_load_from_data (response->parser, data, (gssize) len, &error);
      g_assert_no_error (error);
    }
  return response;
}

static JsonObject *
get_json_object (Fixture    *fixture,
                 const char *path,
                 Response  **keep)
{
  Response *response = request (fixture, "GET", path, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Access-Control-Allow-Origin"), ==, "*");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (response->parser)));
  *keep = response;
  return json_node_get_object (json_parser_get_root (response->parser));
}

/* The exact member names of an object, so that a renamed or extra field fails. */
static void
assert_members (JsonObject *object,
                const char *expected)
{
  g_auto(GStrv) names = g_strsplit (expected, ",", -1);
  GList *members = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (members), ==, g_strv_length (names));
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_true (json_object_has_member (object, names[i]));
  g_list_free (members);
}

static void
assert_key (JsonObject    *object,
            const char    *member,
            const uint8_t  expected[static 32])
{
  g_autoptr(GError) error = NULL;
  uint8_t decoded[32];
  size_t len = 0;

  g_assert_true (nym_base58_decode (json_object_get_string_member (object, member),
                                    decoded, sizeof decoded, &len, &error));
  g_assert_cmpmem (decoded, len, expected, 32);
}

static const LocalnetNodeInfo *
node_by_id (Fixture *fixture,
            gint64   id)
{
  GPtrArray *nodes = localnet_network_get_nodes (fixture->network);

  for (guint i = 0; i < nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (nodes, i);
      if (node->node_id == id)
        return node;
    }
  g_assert_not_reached ();
}

static void
assert_id_list (JsonObject *object,
                const char *member,
                const char *expected)
{
  JsonArray *array = json_object_get_array_member (object, member);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i ? "," : "", json_array_get_int_element (array, i));
  g_assert_cmpstr (text->str, ==, expected);
}

static void
test_api_health (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  JsonObject *health = get_json_object (fixture, "/v1/api-status/health", &response);

  assert_members (health, "status,chain_status,uptime");
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "up");
  g_assert_cmpstr (json_object_get_string_member (health, "chain_status"), ==, "synced");
  g_assert_cmpint (json_object_get_int_member (health, "uptime"), >=, 0);
  g_assert_cmpuint (localnet_nym_api_get_requests (fixture->api), ==, 1);
}

static void
test_api_key_rotation (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  JsonObject *info = get_json_object (fixture, "/v1/epoch/key-rotation-info", &response);
  JsonObject *state, *duration, *progress;
  g_autoptr(GDateTime) start = NULL;

  assert_members (info, "key_rotation_state,current_absolute_epoch_id,current_epoch_start,epoch_duration,progress");
  state = json_object_get_object_member (info, "key_rotation_state");
  assert_members (state, "validity_epochs,initial_epoch_id");
  g_assert_cmpint (json_object_get_int_member (state, "validity_epochs"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (state, "initial_epoch_id"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (info, "current_absolute_epoch_id"), ==, 25);
  start = g_date_time_new_from_iso8601 (json_object_get_string_member (info, "current_epoch_start"), NULL);
  g_assert_nonnull (start);
  duration = json_object_get_object_member (info, "epoch_duration");
  assert_members (duration, "secs,nanos");
  g_assert_cmpint (json_object_get_int_member (duration, "secs"), ==, 3600);
  g_assert_cmpint (json_object_get_int_member (duration, "nanos"), ==, 0);
  progress = json_object_get_object_member (info, "progress");
  assert_members (progress, "current_key_rotation_id,current_rotation_starting_epoch,current_rotation_ending_epoch");
  /* (25 − 0) / 24 = 1: rotation 1 runs from epoch 24 to 47. */
  g_assert_cmpint (json_object_get_int_member (progress, "current_key_rotation_id"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (progress, "current_rotation_starting_epoch"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (progress, "current_rotation_ending_epoch"), ==, 47);
}

static void
test_api_rewarded_set (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  JsonObject *set = get_json_object (fixture, "/v1/nym-nodes/rewarded-set", &response);

  assert_members (set, "epoch_id,entry_gateways,exit_gateways,layer1,layer2,layer3,standby");
  g_assert_cmpint (json_object_get_int_member (set, "epoch_id"), ==, 25);
  assert_id_list (set, "layer1", "1,2");
  assert_id_list (set, "layer2", "3,4");
  assert_id_list (set, "layer3", "5,6");
  assert_id_list (set, "entry_gateways", "7");
  assert_id_list (set, "exit_gateways", "8");
  assert_id_list (set, "standby", "");
}

static JsonObject *
check_metadata (JsonObject *root)
{
  JsonObject *metadata = json_object_get_object_member (root, "metadata");
  g_autoptr(GDateTime) refreshed = NULL;

  assert_members (root, "metadata,nodes");
  assert_members (metadata, "status,absolute_epoch_id,rotation_id,refreshed_at");
  g_assert_true (json_object_get_null_member (metadata, "status"));
  g_assert_cmpint (json_object_get_int_member (metadata, "absolute_epoch_id"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (metadata, "rotation_id"), ==, 1);
  refreshed = g_date_time_new_from_iso8601 (json_object_get_string_member (metadata, "refreshed_at"), NULL);
  g_assert_nonnull (refreshed);
  return json_object_get_object_member (root, "nodes");
}

static JsonArray *
check_page (JsonObject *nodes,
            gint64      total,
            gint64      page,
            gint64      size)
{
  JsonObject *pagination = json_object_get_object_member (nodes, "pagination");

  assert_members (nodes, "pagination,data");
  assert_members (pagination, "total,page,size");
  g_assert_cmpint (json_object_get_int_member (pagination, "total"), ==, total);
  g_assert_cmpint (json_object_get_int_member (pagination, "page"), ==, page);
  g_assert_cmpint (json_object_get_int_member (pagination, "size"), ==, size);
  return json_object_get_array_member (nodes, "data");
}

static void
check_skimmed_node (Fixture    *fixture,
                    JsonObject *object)
{
  const LocalnetNodeInfo *node = node_by_id (fixture, json_object_get_int_member (object, "node_id"));
  JsonArray *ips = json_object_get_array_member (object, "ip_addresses");
  JsonObject *roles = json_object_get_object_member (object, "supported_roles");
  JsonNode *role = json_object_get_member (object, "role");
  bool gateway = node->kind == LOCALNET_NODE_GATEWAY;

  assert_members (object, "node_id,ed25519_identity_pubkey,ip_addresses,mix_port,x25519_sphinx_pubkey,"
                          "role,supported_roles,entry,performance");
  assert_key (object, "ed25519_identity_pubkey", node->identity);
  assert_key (object, "x25519_sphinx_pubkey", node->sphinx_key);
  g_assert_cmpuint (json_array_get_length (ips), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (ips, 0), ==, "127.0.0.1");
  g_assert_cmpint (json_object_get_int_member (object, "mix_port"), ==, node->mix_port);
  g_assert_cmpstr (json_object_get_string_member (object, "performance"), ==, "1");
  assert_members (roles, "mixnode,entry,exit_nr,exit_ipr");
  g_assert_cmpint (json_object_get_boolean_member (roles, "mixnode"), ==, !gateway);
  g_assert_cmpint (json_object_get_boolean_member (roles, "entry"), ==, gateway);
  g_assert_cmpint (json_object_get_boolean_member (roles, "exit_nr"), ==, node->exit);
  if (gateway)
    {
      JsonObject *entry = json_object_get_object_member (object, "entry");

      g_assert_true (JSON_NODE_HOLDS_VALUE (role));
      g_assert_cmpstr (json_node_get_string (role), ==, node->entry ? "EntryGateway" : "ExitGateway");
      assert_members (entry, "hostname,ws_port,wss_port");
      g_assert_true (json_object_get_null_member (entry, "hostname"));
      g_assert_true (json_object_get_null_member (entry, "wss_port"));
      g_assert_cmpint (json_object_get_int_member (entry, "ws_port"), ==, node->ws_port);
    }
  else
    {
      JsonObject *mixnode;

      g_assert_true (JSON_NODE_HOLDS_OBJECT (role));
      assert_members (json_node_get_object (role), "Mixnode");
      mixnode = json_object_get_object_member (json_node_get_object (role), "Mixnode");
      assert_members (mixnode, "layer");
      g_assert_cmpint (json_object_get_int_member (mixnode, "layer"), ==, node->layer);
      g_assert_true (json_object_get_null_member (object, "entry"));
    }
}

static void
test_api_mixnodes (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  JsonObject *root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/mixnodes/active?page=0", &response);
  JsonArray *data = check_page (check_metadata (root), 6, 0, 6);

  g_assert_cmpuint (json_array_get_length (data), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      check_skimmed_node (fixture, json_array_get_object_element (data, i));
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, i), "node_id"), ==, i + 1);
    }
}

static void
test_api_entry_gateways (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) bincode = NULL;
  JsonObject *root;
  JsonArray *data;

  /* What the client sends first, before it has a gateway: bincode asked, JSON answered. */
  bincode = request (fixture, "GET", "/v2/unstable/nym-nodes/skimmed/entry-gateways?page=0&output=bincode",
                     "Accept", "application/bincode", NULL);
  g_assert_cmpuint (bincode->status, ==, 200);
  g_assert_cmpstr (bincode->content_type, ==, "application/json");

  root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/entry-gateways?page=0", &response);
  data = check_page (check_metadata (root), 2, 0, 2);
  g_assert_cmpuint (json_array_get_length (data), ==, 2);
  for (guint i = 0; i < 2; i++)
    check_skimmed_node (fixture, json_array_get_object_element (data, i));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, 0), "node_id"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, 1), "node_id"), ==, 8);

  /* The client drops the whole topology if the two lists disagree on the metadata. */
  {
    g_autoptr(Response) mix_response = NULL;
    JsonObject *mix_root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/mixnodes/active", &mix_response);
    JsonObject *a = json_object_get_object_member (root, "metadata");
    JsonObject *b = json_object_get_object_member (mix_root, "metadata");

    g_assert_cmpint (json_object_get_int_member (a, "absolute_epoch_id"), ==, json_object_get_int_member (b, "absolute_epoch_id"));
    g_assert_cmpint (json_object_get_int_member (a, "rotation_id"), ==, json_object_get_int_member (b, "rotation_id"));
    g_assert_cmpint (json_object_get_null_member (a, "status"), ==, json_object_get_null_member (b, "status"));
  }
}

static void
test_api_paging (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint page = 0; page < 4; page++)
    {
      g_autoptr(Response) response = NULL;
      g_autofree char *path = g_strdup_printf ("/v2/unstable/nym-nodes/skimmed/mixnodes/active?page=%u&per_page=4", page);
      JsonObject *root = get_json_object (fixture, path, &response);
      JsonArray *data = check_page (check_metadata (root), 6, page, 4);

      g_assert_cmpuint (json_array_get_length (data), ==, page == 0 ? 4 : page == 1 ? 2 : 0);
      for (guint i = 0; i < json_array_get_length (data); i++)
        g_string_append_printf (ids, "%" G_GINT64_FORMAT " ",
                                json_object_get_int_member (json_array_get_object_element (data, i), "node_id"));
    }
  /* Paging through gives every node exactly once, in order. */
  g_assert_cmpstr (ids->str, ==, "1 2 3 4 5 6 ");

  {
    g_autoptr(Response) response = NULL;
    JsonObject *root = get_json_object (fixture, "/v2/nym-nodes/described?page=3&per_page=2", &response);
    JsonArray *data = check_page (root, 8, 3, 2);

    g_assert_cmpuint (json_array_get_length (data), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, 0), "node_id"), ==, 7);
  }
  {
    g_autoptr(Response) response = NULL;
    JsonObject *root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/mixnodes/active?page=4294967295&per_page=4294967295", &response);
    JsonArray *data = check_page (check_metadata (root), 6, 4294967295, 4294967295);

    g_assert_cmpuint (json_array_get_length (data), ==, 0);
  }
}

static void
test_api_no_updates (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) other = NULL;
  JsonObject *root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/mixnodes/active?epoch_id=25", &response);
  JsonObject *metadata = json_object_get_object_member (root, "metadata");

  g_assert_cmpstr (json_object_get_string_member (metadata, "status"), ==, "no-updates");
  g_assert_cmpuint (json_array_get_length (check_page (json_object_get_object_member (root, "nodes"), 0, 0, 0)), ==, 0);
  /* An older epoch gets the full answer. */
  root = get_json_object (fixture, "/v2/unstable/nym-nodes/skimmed/mixnodes/active?epoch_id=24", &other);
  g_assert_cmpuint (json_array_get_length (check_page (check_metadata (root), 6, 0, 6)), ==, 6);
}

static void
test_api_described (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(Response) response = NULL;
  JsonObject *root = get_json_object (fixture, "/v2/nym-nodes/described", &response);
  JsonArray *data = check_page (root, 8, 0, 8);

  g_assert_cmpuint (json_array_get_length (data), ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      JsonObject *object = json_array_get_object_element (data, i);
      const LocalnetNodeInfo *node = node_by_id (fixture, json_object_get_int_member (object, "node_id"));
      JsonObject *description = json_object_get_object_member (object, "description");
      JsonObject *host = json_object_get_object_member (description, "host_information");
      JsonObject *keys = json_object_get_object_member (host, "keys");
      JsonObject *sphinx = json_object_get_object_member (keys, "current_x25519_sphinx_key");
      JsonObject *aux = json_object_get_object_member (description, "auxiliary_details");
      JsonObject *ports = json_object_get_object_member (aux, "announce_ports");
      JsonObject *ws = json_object_get_object_member (description, "mixnet_websockets");
      JsonNode *nr = json_object_get_member (description, "network_requester");
      JsonNode *ipr = json_object_get_member (description, "ip_packet_router");

      assert_members (object, "node_id,contract_node_type,description");
      g_assert_cmpstr (json_object_get_string_member (object, "contract_node_type"), ==, "nym_node");
      assert_members (description, "last_polled,host_information,declared_role,auxiliary_details,"
                                   "build_information,network_requester,ip_packet_router,authenticator,"
                                   "wireguard,mixnet_websockets,lewes_protocol");
      assert_members (host, "ip_address,hostname,keys");
      assert_members (keys, "ed25519,x25519,current_x25519_sphinx_key,pre_announced_x25519_sphinx_key,x25519_versioned_noise");
      assert_key (keys, "ed25519", node->identity);
      assert_key (keys, "x25519", node->sphinx_key);
      assert_members (sphinx, "rotation_id,public_key");
      assert_key (sphinx, "public_key", node->sphinx_key);
      g_assert_cmpint (json_object_get_int_member (sphinx, "rotation_id"), ==, 1);
      assert_members (json_object_get_object_member (description, "declared_role"), "mixnode,entry,exit_nr,exit_ipr");
      assert_members (aux, "location,announce_ports,accepted_operator_terms_and_conditions");
      /* Without the announced port a reader would assume 1789. */
      g_assert_cmpint (json_object_get_int_member (ports, "mix_port"), ==, node->mix_port);
      assert_members (json_object_get_object_member (description, "build_information"),
                      "binary_name,build_timestamp,build_version,commit_sha,commit_timestamp,"
                      "commit_branch,rustc_version,rustc_channel,cargo_profile,cargo_triple");
      assert_members (ws, "ws_port,wss_port");
      g_assert_cmpint (json_object_get_int_member (ws, "ws_port"), ==, node->ws_port);
      if (node->exit)
        {
          JsonObject *nr_object = json_node_get_object (nr);

          assert_members (nr_object, "address,uses_exit_policy");
          g_assert_cmpstr (json_object_get_string_member (nr_object, "address"), ==, node->network_requester_address);
          g_assert_true (json_object_get_boolean_member (nr_object, "uses_exit_policy"));
          assert_members (json_node_get_object (ipr), "address");
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (ipr), "address"), ==,
                           node->ip_packet_router_address);
        }
      else
        {
          g_assert_true (JSON_NODE_HOLDS_NULL (nr));
          g_assert_true (JSON_NODE_HOLDS_NULL (ipr));
        }
    }
}

static void
test_api_cors (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(Response) preflight = NULL;
  g_autoptr(Response) plain = NULL;

  preflight = request (fixture, "OPTIONS", "/v1/nym-nodes/rewarded-set",
                       "Origin", "http://localhost:8000",
                       "Access-Control-Request-Method", "GET",
                       "Access-Control-Request-Headers", "accept, content-type, x-custom",
                       NULL);
  g_assert_cmpuint (preflight->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (preflight->body), ==, 0);
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Origin"), ==, "*");
  g_assert_nonnull (strstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Methods"), "GET"));
  g_assert_cmpstr (soup_message_headers_get_one (preflight->headers, "Access-Control-Allow-Headers"), ==,
                   "accept, content-type, x-custom");

  plain = request (fixture, "OPTIONS", "/v2/unstable/nym-nodes/skimmed/entry-gateways", NULL);
  g_assert_cmpuint (plain->status, ==, 204);
  g_assert_nonnull (strstr (soup_message_headers_get_one (plain->headers, "Access-Control-Allow-Headers"), "Content-Type"));
}

static void
test_api_paths_and_errors (Fixture       *fixture,
                           gconstpointer  user_data)
{
  struct { const char *method, *path; guint status; } cases[] = {
    { "GET", "/api/v1/api-status/health", 200 },
    { "GET", "/v1/api-status/health/", 200 },
    { "GET", "/api/v2/unstable/nym-nodes/skimmed/entry-gateways?page=0", 200 },
    { "GET", "/v2/unstable/nym-nodes/skimmed/exit-gateways", 200 },
    { "GET", "/v2/unstable/nym-nodes/skimmed", 200 },
    { "GET", "/v1/no/such/thing", 404 },
    { "GET", "/", 404 },
    { "GET", "/v2/unstable/nym-nodes/skimmed/mixnodes/active?page=abc", 400 },
    { "GET", "/v2/unstable/nym-nodes/skimmed/mixnodes/active?page=-1", 400 },
    { "GET", "/v2/unstable/nym-nodes/skimmed/mixnodes/active?per_page=0", 400 },
    { "GET", "/v2/nym-nodes/described?page=4294967296", 400 },
    { "POST", "/v1/api-status/health", 405 },
    { "DELETE", "/v1/nym-nodes/rewarded-set", 405 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Response) response = request (fixture, cases[i].method, cases[i].path, NULL);

      g_test_message ("%s %s", cases[i].method, cases[i].path);
      g_assert_cmpuint (response->status, ==, cases[i].status);
      /* Errors are JSON with a message, and carry CORS headers too so a page can read them. */
      g_assert_cmpstr (response->content_type, ==, "application/json");
      g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Access-Control-Allow-Origin"), ==, "*");
      if (cases[i].status != 200)
        {
          JsonObject *object = json_node_get_object (json_parser_get_root (response->parser));
          assert_members (object, "message");
        }
    }
}

/* The node list comes from the running nodes: a node added later, also by another
 * process, shows up at the next request without restarting the server. */
static void
test_api_live_nodes (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) other = localnet_network_new (fixture->dir, &error);
  LocalnetNodeInfo info = { 0 };
  g_autoptr(Response) response = NULL;
  JsonObject *set;

  g_assert_no_error (error);
  info.name = (char *) "mix-1-3";
  info.kind = LOCALNET_NODE_MIXNODE;
  info.layer = 1;
  info.mix_port = 32000;
  randombytes_buf (info.identity, 32);
  randombytes_buf (info.sphinx_key, 32);
  g_assert_cmpuint (localnet_network_add_node (other, &info, &error), ==, 9);

  set = get_json_object (fixture, "/v1/nym-nodes/rewarded-set", &response);
  assert_id_list (set, "layer1", "1,2,9");
  g_assert_nonnull (localnet_network_find_node (fixture->network, "mix-1-3"));
}

static void
test_api_properties (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autofree char *url = NULL;
  guint port = 0;

  g_object_get (fixture->api, "network", &network, "port", &port, "url", &url, NULL);
  g_assert_true (network == fixture->network);
  g_assert_cmpuint (port, ==, localnet_nym_api_get_port (fixture->api));
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpstr (url, ==, localnet_nym_api_get_url (fixture->api));
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/nym-api/health", test_api_health);
  ADD ("/localnet/nym-api/key-rotation-info", test_api_key_rotation);
  ADD ("/localnet/nym-api/rewarded-set", test_api_rewarded_set);
  ADD ("/localnet/nym-api/mixnodes-active", test_api_mixnodes);
  ADD ("/localnet/nym-api/entry-gateways", test_api_entry_gateways);
  ADD ("/localnet/nym-api/paging", test_api_paging);
  ADD ("/localnet/nym-api/no-updates", test_api_no_updates);
  ADD ("/localnet/nym-api/described", test_api_described);
  ADD ("/localnet/nym-api/cors", test_api_cors);
  ADD ("/localnet/nym-api/paths-and-errors", test_api_paths_and_errors);
  ADD ("/localnet/nym-api/live-nodes", test_api_live_nodes);
  ADD ("/localnet/nym-api/properties", test_api_properties);
#undef ADD

  return g_test_run ();
}
