/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the topology client: parsing, snapshot, paging, failover, gateway choice and refresh, over real HTTP. */
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "localnet-network.h"
#include "../localnet/localnet-test-util.h"
#include "nym-api/localnet-nym-api.h"
#include "topology/nym-api-client.h"
#include "topology/nym-topology-refresher.h"

#define MIXES_PER_LAYER 4
#define N_GATEWAYS      3
#define PAGE_SIZE       4

/* ---- helpers --------------------------------------------------------------------------- */

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Iterates the thread-default context until an async call completes; the long timeout
 * only keeps a broken build from hanging the suite. */
static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  gboolean timed_out = FALSE;
  GSource *guard = g_timeout_source_new_seconds (60);
  GMainContext *context = g_main_context_ref_thread_default ();

  g_source_set_callback (guard, localnet_test_timeout_cb, &timed_out, NULL);
  g_source_attach (guard, context);
  while (*slot == NULL && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  g_main_context_unref (context);
  g_assert_false (timed_out);
  return *slot;
}

static GBytes *
read_data (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "nym-api", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* A port on 127.0.0.1 where nothing listens: bound once, then closed. */
static guint16
dead_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
dead_url (void)
{
  return g_strdup_printf ("http://127.0.0.1:%u/api/", dead_port ());
}

static NymApiClient *
client_for (const char *first,
            ...)
{
  g_autoptr(GPtrArray) urls = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  NymApiClient *client;
  const char *url;
  va_list args;

  va_start (args, first);
  for (url = first; url != NULL; url = va_arg (args, const char *))
    g_ptr_array_add (urls, (gpointer) url);
  va_end (args);
  g_ptr_array_add (urls, NULL);
  client = nym_api_client_new ((const char *const *) urls->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static NymTopologySnapshot *
fetch_topology (NymApiClient *client,
                GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nym_api_client_fetch_topology_async (client, NULL, store_result, &result);
  return nym_api_client_fetch_topology_finish (client, wait_result (&result), error);
}

static NymTopologyNodeInfo *
select_gateway (NymApiClient        *client,
                NymTopologySnapshot *snapshot,
                NymGatewaySelection  mode,
                const char          *identity,
                GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nym_api_client_select_gateway_async (client, snapshot, mode, identity, NULL, store_result, &result);
  return nym_api_client_select_gateway_finish (client, wait_result (&result), error);
}

/* ---- a tiny nym-api that answers whatever a test wants ----------------------------------- */

typedef struct
{
  SoupServer *server;
  GHashTable *bodies;   /* path without leading "/" → GBytes */
  GHashTable *statuses; /* path → status other than 200 */
  bool        hang;     /* pause every request: a server that never answers */
  GPtrArray  *paused;   /* messages held while hanging */
  char       *url;
  guint       requests;
} FakeApi;

static void
fake_api_handle (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  FakeApi *api = user_data;
  const char *relative = path[0] == '/' ? path + 1 : path;
  GBytes *body;
  gpointer status;

  api->requests++;
  if (g_str_has_prefix (relative, "api/"))
    relative += 4;
  /* A later page may have its own body under "path?page=N". */
  if (query != NULL && g_hash_table_lookup (query, "page") != NULL)
    {
      g_autofree char *paged = g_strdup_printf ("%s?page=%s", relative, (const char *) g_hash_table_lookup (query, "page"));

      if (g_hash_table_contains (api->bodies, paged))
        relative = g_intern_string (paged);
    }
  if (api->hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (api->paused, g_object_ref (msg));
      return;
    }
  if (g_hash_table_lookup_extended (api->statuses, relative, NULL, &status))
    {
      soup_server_message_set_status (msg, GPOINTER_TO_UINT (status), NULL);
      return;
    }
  body = g_hash_table_lookup (api->bodies, relative);
  if (body == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
fake_api_set (FakeApi    *api,
              const char *path,
              GBytes     *body)
{
  g_hash_table_replace (api->bodies, g_strdup (path), g_bytes_ref (body));
}

/* Replaces the body of path with its first occurrence of `from` replaced by `to`. */
static void
fake_api_edit (FakeApi    *api,
               const char *path,
               const char *from,
               const char *to)
{
  GBytes *body = g_hash_table_lookup (api->bodies, path);
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));
  g_autoptr(GBytes) edited = NULL;

  g_assert_cmpuint (g_string_replace (text, from, to, 1), ==, 1);
  edited = g_bytes_new (text->str, text->len);
  fake_api_set (api, path, edited);
}

static FakeApi *
fake_api_new (void)
{
  static const char *const fixtures[][2] = {
    { NYM_API_PATH_KEY_ROTATION_INFO, "key-rotation-info.json" },
    { NYM_API_PATH_REWARDED_SET, "rewarded-set.json" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "mixnodes-active.json" },
    { NYM_API_PATH_ENTRY_GATEWAYS, "entry-gateways.json" },
    { NYM_API_PATH_DESCRIBED, "described.json" },
  };
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  FakeApi *api = g_new0 (FakeApi, 1);
  GSList *uris;

  api->bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  api->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  api->paused = g_ptr_array_new_with_free_func (g_object_unref);
  for (size_t i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GBytes) body = read_data (fixtures[i][1]);
      fake_api_set (api, fixtures[i][0], body);
    }
  api->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (api->server, NULL, fake_api_handle, api, NULL);
  g_assert_true (soup_server_listen (api->server, address, 0, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (api->server);
  api->url = g_strdup_printf ("http://127.0.0.1:%d/api", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return api;
}

static void
fake_api_free (FakeApi *api)
{
  for (guint i = 0; i < api->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (api->paused, i));
  g_ptr_array_unref (api->paused);
  soup_server_disconnect (api->server);
  g_object_unref (api->server);
  localnet_test_drain ();
  g_hash_table_unref (api->bodies);
  g_hash_table_unref (api->statuses);
  g_free (api->url);
  g_free (api);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeApi, fake_api_free)

/* ---- the localnet fixture ------------------------------------------------------------- */

typedef struct
{
  char            *dir;
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  GSocketListener *listener;   /* gateway-2's websocket port: the one gateway that accepts */
  guint16          live_ws_port;
} Fixture;

static void
add_node (Fixture          *fixture,
          const char       *name,
          LocalnetNodeKind  kind,
          guint             layer,
          bool              entry,
          bool              exit,
          guint16           ws_port)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo info = { 0 };
  uint8_t secret[64];

  info.name = (char *) name;
  info.kind = kind;
  info.layer = layer;
  /* Nothing connects to the mix ports here; they only have to be distinct. */
  info.mix_port = (guint16) (40000 + localnet_network_get_nodes (fixture->network)->len);
  info.ws_port = ws_port;
  /* Identities must be Ed25519 points; any 32 bytes are an X25519 key. */
  crypto_sign_keypair (info.identity, secret);
  randombytes_buf (info.sphinx_key, 32);
  info.entry = entry;
  info.exit = exit;
  if (exit)
    {
      info.network_requester_address = (char *) "nr-identity.nr-key@exit-gateway";
      info.ip_packet_router_address = (char *) "ipr-identity.ipr-key@exit-gateway";
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
  fixture->listener = g_socket_listener_new ();
  fixture->live_ws_port = g_socket_listener_add_any_inet_port (fixture->listener, NULL, &error);
  g_assert_no_error (error);

  /* Several mix nodes per layer so that the lists span several pages. */
  for (guint layer = 1; layer <= 3; layer++)
    for (guint i = 1; i <= MIXES_PER_LAYER; i++)
      {
        g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, i);
        add_node (fixture, name, LOCALNET_NODE_MIXNODE, layer, false, false, 0);
      }
  add_node (fixture, "gateway-1", LOCALNET_NODE_GATEWAY, 0, true, false, dead_port ());
  add_node (fixture, "gateway-2", LOCALNET_NODE_GATEWAY, 0, false, true, fixture->live_ws_port);
  add_node (fixture, "gateway-3", LOCALNET_NODE_GATEWAY, 0, true, true, dead_port ());

  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  localnet_nym_api_stop (fixture->api);
  g_socket_listener_close (fixture->listener);
  localnet_test_drain ();
  g_clear_object (&fixture->listener);
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static const LocalnetNodeInfo *
network_node (Fixture    *fixture,
              const char *name)
{
  const LocalnetNodeInfo *node = localnet_network_find_node (fixture->network, name);

  g_assert_nonnull (node);
  return node;
}

static const char *
api_url (Fixture *fixture)
{
  return localnet_nym_api_get_url (fixture->api);
}

/* ---- object life ----------------------------------------------------------------------- */

static void
test_new_and_finalize (void)
{
  g_autoptr(GError) error = NULL;
  const char *const urls[] = { "https://validator.nymtech.net/api", NULL };
  NymApiClient *client = nym_api_client_new (urls, &error);
  NymTopologyRefresher *refresher;

  g_assert_no_error (error);
  g_assert_cmpstr (nym_api_client_get_current_url (client), ==, "https://validator.nymtech.net/api/");
  refresher = nym_topology_refresher_new (client);
  g_assert_cmpuint (nym_topology_refresher_get_interval (refresher), ==, 5 * 60 * 1000);
  g_assert_null (nym_topology_refresher_get_snapshot (refresher));
  g_assert_finalize_object (refresher);
  g_assert_finalize_object (client);
}

static void
test_bad_urls (void)
{
  const char *const empty[] = { NULL };
  const char *const ftp[] = { "http://127.0.0.1:1/", "ftp://example.org/api/", NULL };
  const char *const junk[] = { "not a url", NULL };
  const char *const query[] = { "http://example.org/api?x=1", NULL };
  const char *const *cases[] = { empty, ftp, junk, query };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      NymApiClient *client = nym_api_client_new (cases[i], &error);

      g_assert_null (client);
      g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_URL);
    }
}

/* ---- parsing the fixtures of spec §3.2 ---------------------------------------------------- */

static void
test_parse_fixtures (void)
{
  g_autoptr(GBytes) rotation_json = read_data ("key-rotation-info.json");
  g_autoptr(GBytes) rewarded_json = read_data ("rewarded-set.json");
  g_autoptr(GBytes) mix_json = read_data ("mixnodes-active.json");
  g_autoptr(GBytes) gateway_json = read_data ("entry-gateways.json");
  g_autoptr(GBytes) described_json = read_data ("described.json");
  g_autoptr(GBytes) identity1 = read_data ("node-1-identity.bin");
  g_autoptr(GBytes) sphinx1 = read_data ("node-1-sphinx.bin");
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologyRewardedSet) rewarded = NULL;
  g_autoptr(NymTopologySkimmedPage) mixnodes = NULL;
  g_autoptr(NymTopologySkimmedPage) gateways = NULL;
  g_autoptr(NymTopologyDescribedPage) described = NULL;
  NymTopologyKeyRotationInfo rotation;
  const NymTopologyNodeInfo *node;
  const NymTopologyDescribedNode *desc;
  g_autofree char *address = NULL;

  g_assert_true (nym_topology_parse_key_rotation_info ("k", g_bytes_get_data (rotation_json, NULL),
                                                       g_bytes_get_size (rotation_json), &rotation, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rotation.validity_epochs, ==, 24);
  g_assert_cmpuint (rotation.initial_epoch_id, ==, 0);
  g_assert_cmpuint (rotation.current_absolute_epoch_id, ==, 123);
  g_assert_cmpint (rotation.current_epoch_start, ==, 1778925600); /* 2026-05-16T10:00:00Z */
  g_assert_cmpuint (rotation.epoch_duration_secs, ==, 3600);
  g_assert_cmpuint (rotation.current_key_rotation_id, ==, 5);
  g_assert_cmpuint (rotation.current_rotation_starting_epoch, ==, 120);
  g_assert_cmpuint (rotation.current_rotation_ending_epoch, ==, 143);
  /* The rule of §3.2: rotation id = (epoch − initial) / validity. */
  g_assert_cmpuint ((rotation.current_absolute_epoch_id - rotation.initial_epoch_id) / rotation.validity_epochs,
                    ==, rotation.current_key_rotation_id);

  rewarded = nym_topology_parse_rewarded_set ("r", g_bytes_get_data (rewarded_json, NULL),
                                              g_bytes_get_size (rewarded_json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rewarded->epoch_id, ==, 123);
  g_assert_cmpuint (rewarded->layers[1]->len, ==, 2);
  g_assert_cmpuint (g_array_index (rewarded->layers[1], uint32_t, 1), ==, 4);
  g_assert_cmpuint (g_array_index (rewarded->entry_gateways, uint32_t, 0), ==, 7);
  g_assert_cmpuint (g_array_index (rewarded->exit_gateways, uint32_t, 0), ==, 9);
  g_assert_cmpuint (g_array_index (rewarded->standby, uint32_t, 0), ==, 8);

  mixnodes = nym_topology_parse_skimmed_page ("m", g_bytes_get_data (mix_json, NULL),
                                              g_bytes_get_size (mix_json), &error);
  g_assert_no_error (error);
  g_assert_cmpint (mixnodes->metadata.status, ==, NYM_TOPOLOGY_STATUS_FULL);
  g_assert_cmpuint (mixnodes->metadata.absolute_epoch_id, ==, 123);
  g_assert_cmpuint (mixnodes->metadata.rotation_id, ==, 5);
  g_assert_cmpuint (mixnodes->total, ==, 6);
  g_assert_cmpuint (mixnodes->nodes->len, ==, 6);
  node = g_ptr_array_index (mixnodes->nodes, 0);
  g_assert_cmpuint (node->node_id, ==, 1);
  g_assert_cmpmem (node->identity, 32, g_bytes_get_data (identity1, NULL), g_bytes_get_size (identity1));
  g_assert_cmpmem (node->sphinx_key, 32, g_bytes_get_data (sphinx1, NULL), g_bytes_get_size (sphinx1));
  g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_MIXNODE);
  g_assert_cmpuint (node->layer, ==, 1);
  g_assert_true (node->supported_roles.mixnode);
  g_assert_false (node->has_entry);
  g_assert_cmpuint (node->performance_percent, ==, 97);
  g_assert_cmpfloat_with_epsilon (node->performance, 0.97, 1e-12);
  address = nym_node_address_to_string (&node->mix_address);
  g_assert_cmpstr (address, ==, "10.0.1.1:1789");
  /* The first IP is the mixing address, also for IPv6. */
  node = g_ptr_array_index (mixnodes->nodes, 2);
  g_assert_cmpstr (node->ip_addresses[1], ==, "10.9.9.9");
  node = g_ptr_array_index (mixnodes->nodes, 3);
  g_assert_true (node->has_mix_address);
  g_assert_cmpuint (node->mix_address.ip_version, ==, 6);
  g_assert_cmpuint (node->performance_percent, ==, 50);
  g_assert_cmpuint (((NymTopologyNodeInfo *) g_ptr_array_index (mixnodes->nodes, 4))->performance_percent, ==, 49);

  gateways = nym_topology_parse_skimmed_page ("g", g_bytes_get_data (gateway_json, NULL),
                                              g_bytes_get_size (gateway_json), &error);
  g_assert_no_error (error);
  node = g_ptr_array_index (gateways->nodes, 0);
  g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY);
  g_assert_true (node->has_entry);
  g_assert_cmpstr (node->hostname, ==, "gw7.example");
  g_assert_cmpuint (node->ws_port, ==, 9000);
  g_assert_cmpuint (node->wss_port, ==, 9001);
  node = g_ptr_array_index (gateways->nodes, 1);
  g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_STANDBY);
  g_assert_null (node->hostname);
  g_assert_cmpuint (node->wss_port, ==, 0);
  node = g_ptr_array_index (gateways->nodes, 2);
  g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_EXIT_GATEWAY);
  g_assert_true (node->supported_roles.exit_nr && node->supported_roles.exit_ipr);

  described = nym_topology_parse_described_page ("d", g_bytes_get_data (described_json, NULL),
                                                 g_bytes_get_size (described_json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (described->total, ==, 9);
  g_assert_cmpuint (described->nodes->len, ==, 9);
  desc = g_ptr_array_index (described->nodes, 8);
  g_assert_cmpuint (desc->node_id, ==, 9);
  g_assert_true (g_str_has_suffix (desc->network_requester_address, "@5HkPZcFceoheni5KaNCC6eDtVRtcZvPgRenyt3ko9NTK"));
  g_assert_true (desc->uses_exit_policy);
  g_assert_nonnull (desc->ip_packet_router_address);
  g_assert_null (desc->authenticator_address);
  g_assert_cmpstr (desc->location, ==, "DE");
  g_assert_cmpstr (desc->hostname, ==, "exit9.example");
  g_assert_cmpuint (desc->wss_port, ==, 9443);
  g_assert_true (desc->declared_roles.exit_nr);
  desc = g_ptr_array_index (described->nodes, 0);
  g_assert_null (desc->network_requester_address);
  g_assert_null (desc->location);
}

/* NodeRole's serde aliases and the `epoch_role` member name parse like the canonical forms. */
static void
test_parse_role_aliases (void)
{
  g_autoptr(GBytes) json = read_data ("entry-gateways.json");
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (json, NULL), (gssize) g_bytes_get_size (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySkimmedPage) page = NULL;

  g_assert_cmpuint (g_string_replace (text, "\"role\":\"EntryGateway\"", "\"epoch_role\":\"gateway\"", 1), ==, 1);
  g_assert_cmpuint (g_string_replace (text, "\"role\":\"ExitGateway\"", "\"role\":\"exit\"", 1), ==, 1);
  page = nym_topology_parse_skimmed_page ("g", text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, 0))->role, ==,
                   NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY);
  g_assert_cmpint (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, 2))->role, ==,
                   NYM_TOPOLOGY_ROLE_EXIT_GATEWAY);
}

static void
test_parse_performance (void)
{
  static const struct { const char *text; unsigned percent; } good[] = {
    { "0", 0 }, { "1", 100 }, { "1.0", 100 }, { "1.000", 100 }, { "0.5", 50 }, { "0.50", 50 },
    { "0.499", 49 }, { "0.57", 57 }, { "0.999999", 99 }, { "0.01", 1 }, { "0.009", 0 },
  };
  static const char *const bad[] = { "", ".5", "0.", "-0.1", "1.01", "1.5", "2", "10", "0.5x", "1e-1", " 0.5", "abc" };

  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      double value = -1;
      unsigned percent = 1000;

      g_assert_true (nym_topology_parse_performance (good[i].text, &value, &percent));
      g_assert_cmpuint (percent, ==, good[i].percent);
      g_assert_cmpfloat (value, >=, 0.0);
      g_assert_cmpfloat (value, <=, 1.0);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double value = -1;
      unsigned percent = 1000;

      g_assert_false (nym_topology_parse_performance (bad[i], &value, &percent));
      g_assert_cmpuint (percent, ==, 1000);
    }
}

/* ---- against the localnet nym-api ------------------------------------------------------- */

static void
test_key_rotation_info (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  NymTopologyKeyRotationInfo info;

  nym_api_client_get_key_rotation_info_async (client, NULL, store_result, &result);
  g_assert_true (nym_api_client_get_key_rotation_info_finish (client, wait_result (&result), &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.current_absolute_epoch_id, ==, LOCALNET_EPOCH_ID);
  g_assert_cmpuint (info.validity_epochs, ==, LOCALNET_KEY_ROTATION_VALIDITY);
  g_assert_cmpuint (info.current_key_rotation_id, ==, LOCALNET_KEY_ROTATION_ID);
  g_assert_cmpuint (info.epoch_duration_secs, ==, 3600);
}

static void
test_rewarded_set (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologyRewardedSet) set = NULL;

  nym_api_client_get_rewarded_set_async (client, NULL, store_result, &result);
  set = nym_api_client_get_rewarded_set_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->epoch_id, ==, LOCALNET_EPOCH_ID);
  for (guint layer = 1; layer <= 3; layer++)
    {
      g_assert_cmpuint (set->layers[layer - 1]->len, ==, MIXES_PER_LAYER);
      for (guint i = 0; i < MIXES_PER_LAYER; i++)
        {
          g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, i + 1);
          g_assert_cmpuint (g_array_index (set->layers[layer - 1], uint32_t, i), ==,
                            network_node (fixture, name)->node_id);
        }
    }
  /* gateway-1 and gateway-3 are entries; gateway-2 is the exit-only one. */
  g_assert_cmpuint (set->entry_gateways->len, ==, 2);
  g_assert_cmpuint (set->exit_gateways->len, ==, 1);
  g_assert_cmpuint (g_array_index (set->exit_gateways, uint32_t, 0), ==, network_node (fixture, "gateway-2")->node_id);
}

static void
test_skimmed_pages (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  guint page_sizes[] = { PAGE_SIZE, 5, 1, 0 };

  for (size_t k = 0; k < G_N_ELEMENTS (page_sizes); k++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(NymTopologySkimmedPage) page = NULL;
      guint64 before = localnet_nym_api_get_requests (fixture->api);
      guint expected_pages = page_sizes[k] == 0 ? 1 : (3 * MIXES_PER_LAYER + page_sizes[k] - 1) / page_sizes[k];

      nym_api_client_set_page_size (client, page_sizes[k]);
      nym_api_client_get_skimmed_async (client, NYM_API_PATH_ACTIVE_MIXNODES, NULL, store_result, &result);
      page = nym_api_client_get_skimmed_finish (client, wait_result (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (localnet_nym_api_get_requests (fixture->api) - before, ==, expected_pages);
      g_assert_cmpuint (page->total, ==, 3 * MIXES_PER_LAYER);
      g_assert_cmpuint (page->nodes->len, ==, 3 * MIXES_PER_LAYER);
      g_assert_cmpuint (page->metadata.rotation_id, ==, LOCALNET_KEY_ROTATION_ID);
      g_assert_cmpuint (page->metadata.absolute_epoch_id, ==, LOCALNET_EPOCH_ID);
      /* Every node of the table, in order, with its keys, port and layer. */
      for (guint i = 0; i < page->nodes->len; i++)
        {
          const NymTopologyNodeInfo *node = g_ptr_array_index (page->nodes, i);
          g_autofree char *name = g_strdup_printf ("mix-%u-%u", i / MIXES_PER_LAYER + 1, i % MIXES_PER_LAYER + 1);
          const LocalnetNodeInfo *expected = network_node (fixture, name);

          g_assert_cmpuint (node->node_id, ==, expected->node_id);
          g_assert_cmpmem (node->identity, 32, expected->identity, 32);
          g_assert_cmpmem (node->sphinx_key, 32, expected->sphinx_key, 32);
          g_assert_cmpuint (node->mix_port, ==, expected->mix_port);
          g_assert_cmpuint (node->mix_address.port, ==, expected->mix_port);
          g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_MIXNODE);
          g_assert_cmpuint (node->layer, ==, expected->layer);
          g_assert_cmpuint (node->performance_percent, ==, 100);
        }
    }
}

static void
test_entry_gateways (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySkimmedPage) page = NULL;
  const NymTopologyNodeInfo *node;

  nym_api_client_set_page_size (client, 2);
  nym_api_client_get_skimmed_async (client, NYM_API_PATH_ENTRY_GATEWAYS, NULL, store_result, &result);
  page = nym_api_client_get_skimmed_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->nodes->len, ==, N_GATEWAYS);
  node = g_ptr_array_index (page->nodes, 1);
  g_assert_cmpmem (node->identity, 32, network_node (fixture, "gateway-2")->identity, 32);
  g_assert_cmpint (node->role, ==, NYM_TOPOLOGY_ROLE_EXIT_GATEWAY);
  g_assert_true (node->has_entry);
  g_assert_cmpuint (node->ws_port, ==, fixture->live_ws_port);
  g_assert_cmpuint (node->wss_port, ==, 0);
  g_assert_true (node->supported_roles.exit_nr);
  g_assert_cmpint (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, 0))->role, ==,
                   NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY);
}

/* The exit list of §3.1 (for the exit choice in the UI): the two exit-capable gateways. */
static void
test_exit_gateways (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySkimmedPage) page = NULL;

  nym_api_client_set_page_size (client, 1);
  nym_api_client_get_skimmed_async (client, NYM_API_PATH_EXIT_GATEWAYS, NULL, store_result, &result);
  page = nym_api_client_get_skimmed_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->nodes->len, ==, 2);
  g_assert_cmpuint (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, 0))->node_id, ==,
                    network_node (fixture, "gateway-2")->node_id);
  g_assert_cmpuint (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, 1))->node_id, ==,
                    network_node (fixture, "gateway-3")->node_id);
  for (guint i = 0; i < page->nodes->len; i++)
    g_assert_true (((NymTopologyNodeInfo *) g_ptr_array_index (page->nodes, i))->supported_roles.exit_nr);
}

static void
test_described (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologyDescribedPage) page = NULL;
  guint64 before = localnet_nym_api_get_requests (fixture->api);
  const NymTopologyDescribedNode *node;

  nym_api_client_set_page_size (client, PAGE_SIZE);
  nym_api_client_get_described_async (client, NULL, store_result, &result);
  page = nym_api_client_get_described_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->nodes->len, ==, 3 * MIXES_PER_LAYER + N_GATEWAYS);
  g_assert_cmpuint (localnet_nym_api_get_requests (fixture->api) - before, ==,
                    (3 * MIXES_PER_LAYER + N_GATEWAYS + PAGE_SIZE - 1) / PAGE_SIZE);
  node = g_ptr_array_index (page->nodes, 3 * MIXES_PER_LAYER + 1);
  g_assert_cmpuint (node->node_id, ==, network_node (fixture, "gateway-2")->node_id);
  g_assert_cmpmem (node->identity, 32, network_node (fixture, "gateway-2")->identity, 32);
  g_assert_cmpstr (node->network_requester_address, ==, "nr-identity.nr-key@exit-gateway");
  g_assert_cmpstr (node->ip_packet_router_address, ==, "ipr-identity.ipr-key@exit-gateway");
  g_assert_cmpuint (node->ws_port, ==, fixture->live_ws_port);
  g_assert_true (node->declared_roles.entry && node->declared_roles.exit_nr);
  g_assert_cmpstr (node->ip_addresses[0], ==, "127.0.0.1");
  node = g_ptr_array_index (page->nodes, 0);
  g_assert_null (node->network_requester_address);
  g_assert_true (node->declared_roles.mixnode);
}

static void
test_topology (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;
  const NymTopology *topology;
  const NymTopologyNodeInfo *exit_node;
  const LocalnetNodeInfo *gateway2 = network_node (fixture, "gateway-2");
  NymRoute route;

  nym_api_client_set_page_size (client, PAGE_SIZE);
  snapshot = fetch_topology (client, &error);
  g_assert_no_error (error);
  topology = nym_topology_snapshot_get_topology (snapshot);
  g_assert_cmpuint (topology->rotation_id, ==, LOCALNET_KEY_ROTATION_ID);
  g_assert_cmpint (nym_topology_key_rotation (topology), ==, NYM_KEY_ROTATION_ODD);
  g_assert_cmpuint (nym_topology_snapshot_get_key_rotation (snapshot)->current_key_rotation_id, ==,
                    LOCALNET_KEY_ROTATION_ID);
  g_assert_cmpuint (nym_topology_snapshot_get_nodes (snapshot)->len, ==, 3 * MIXES_PER_LAYER + N_GATEWAYS);
  for (guint layer = 1; layer <= 3; layer++)
    {
      GArray *nodes = topology->layers[layer - 1];

      g_assert_cmpuint (nodes->len, ==, MIXES_PER_LAYER);
      for (guint i = 0; i < nodes->len; i++)
        {
          const NymTopologyNode *node = &g_array_index (nodes, NymTopologyNode, i);
          g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, i + 1);
          const LocalnetNodeInfo *expected = network_node (fixture, name);
          g_autofree char *address = nym_node_address_to_string (&node->address);
          g_autofree char *expected_address = g_strdup_printf ("127.0.0.1:%u", expected->mix_port);

          g_assert_cmpuint (node->node_id, ==, expected->node_id);
          g_assert_cmpmem (node->identity, 32, expected->identity, 32);
          g_assert_cmpmem (node->sphinx_key, 32, expected->sphinx_key, 32);
          g_assert_cmpstr (address, ==, expected_address);
        }
    }
  g_assert_cmpuint (topology->gateways->len, ==, N_GATEWAYS);
  g_assert_nonnull (nym_topology_find_gateway (topology, gateway2->identity));

  /* The described data is merged into the node table. */
  exit_node = nym_topology_snapshot_find_identity (snapshot, gateway2->identity);
  g_assert_nonnull (exit_node);
  g_assert_true (exit_node->described);
  g_assert_cmpstr (exit_node->network_requester_address, ==, "nr-identity.nr-key@exit-gateway");
  g_assert_true (nym_topology_snapshot_find_node (snapshot, gateway2->node_id) == exit_node);

  /* The packet layer can route over it: three mix hops and the egress gateway. */
  g_assert_true (nym_topology_random_route (topology, gateway2->identity, false, &route, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (route.len, ==, 4);
  g_assert_cmpmem (route.hops[3].pub, 32, gateway2->sphinx_key, 32);
}

static void
test_select_gateway (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = fetch_topology (client, &error);
  const LocalnetNodeInfo *gateway3 = network_node (fixture, "gateway-3");
  g_autofree char *identity3 = nym_base58_encode (gateway3->identity, 32);
  g_autofree char *unknown = NULL;
  uint8_t other[32];
  bool seen[N_GATEWAYS] = { false };

  g_assert_no_error (error);

  /* By identity. */
  {
    g_autoptr(NymTopologyNodeInfo) chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_IDENTITY,
                                                            identity3, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (chosen->identity, 32, gateway3->identity, 32);
    g_assert_cmpuint (chosen->node_id, ==, gateway3->node_id);
  }
  randombytes_buf (other, sizeof other);
  unknown = nym_base58_encode (other, 32);
  {
    NymTopologyNodeInfo *chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_IDENTITY, unknown, &error);
    g_assert_null (chosen);
    g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY);
    g_assert_nonnull (strstr (error->message, unknown));
    g_clear_error (&error);
  }
  {
    NymTopologyNodeInfo *chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_IDENTITY, "0OIl", &error);
    g_assert_null (chosen);
    g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INVALID_KEY);
    g_clear_error (&error);
  }

  /* Random: every gateway comes up (a miss in 200 draws has probability below 1e-35). */
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(NymTopologyNodeInfo) chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_RANDOM,
                                                              NULL, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < N_GATEWAYS; k++)
        {
          g_autofree char *name = g_strdup_printf ("gateway-%u", k + 1);
          if (chosen->node_id == network_node (fixture, name)->node_id)
            seen[k] = true;
        }
    }
  for (guint k = 0; k < N_GATEWAYS; k++)
    g_assert_true (seen[k]);

  /* Lowest latency: only gateway-2's websocket port accepts, so it is the fastest. */
  {
    g_autoptr(NymTopologyNodeInfo) chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_LOWEST_LATENCY,
                                                            NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (chosen->node_id, ==, network_node (fixture, "gateway-2")->node_id);
  }
  /* ... and with it gone none answers. */
  g_socket_listener_close (fixture->listener);
  {
    NymTopologyNodeInfo *chosen = select_gateway (client, snapshot, NYM_GATEWAY_SELECTION_LOWEST_LATENCY,
                                                  NULL, &error);
    g_assert_null (chosen);
    g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY);
  }
}

static void
test_failover (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autofree char *dead1 = dead_url ();
  g_autofree char *dead2 = dead_url ();
  g_autoptr(NymApiClient) client = client_for (dead1, api_url (fixture), NULL);
  g_autoptr(NymApiClient) all_dead = client_for (dead1, dead2, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;
  g_autoptr(NymTopologySnapshot) none = NULL;
  g_autoptr(FakeApi) broken = fake_api_new ();
  g_autoptr(NymApiClient) via_broken = client_for (broken->url, api_url (fixture), NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(NymTopologyRewardedSet) set = NULL;

  g_assert_cmpstr (nym_api_client_get_current_url (client), ==, dead1);
  snapshot = fetch_topology (client, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nym_topology_snapshot_get_topology (snapshot)->layers[0]->len, ==, MIXES_PER_LAYER);
  /* The URL that worked is tried first from now on. */
  g_assert_cmpstr (nym_api_client_get_current_url (client), ==, api_url (fixture));

  none = fetch_topology (all_dead, &error);
  g_assert_null (none);
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "All 2 nym-api URLs failed"));
  g_clear_error (&error);

  /* A server that answers HTTP 500 for one endpoint is skipped like a dead one. */
  g_hash_table_replace (broken->statuses, g_strdup (NYM_API_PATH_REWARDED_SET),
                        GUINT_TO_POINTER (SOUP_STATUS_INTERNAL_SERVER_ERROR));
  nym_api_client_get_rewarded_set_async (via_broken, NULL, store_result, &result);
  set = nym_api_client_get_rewarded_set_finish (via_broken, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->epoch_id, ==, LOCALNET_EPOCH_ID);
  g_assert_cmpuint (broken->requests, ==, 1);
  g_assert_cmpstr (nym_api_client_get_current_url (via_broken), ==, api_url (fixture));
}

/* ---- refresh ------------------------------------------------------------------------------ */

typedef struct
{
  guint                changed;
  guint                failed;
  NymTopologySnapshot *last;
} RefreshCount;

static void
on_changed (NymTopologyRefresher *refresher,
            NymTopologySnapshot  *snapshot,
            gpointer              user_data)
{
  RefreshCount *count = user_data;

  count->changed++;
  count->last = snapshot;
}

static void
on_failed (NymTopologyRefresher *refresher,
           GError               *error,
           gpointer              user_data)
{
  RefreshCount *count = user_data;

  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_HTTP);
  count->failed++;
}

static void
wait_count (const guint *counter,
            guint        target)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);

  while (*counter < target && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

static void
test_refresher_keeps_last_good (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(NymApiClient) client = client_for (api_url (fixture), NULL);
  NymTopologyRefresher *refresher = nym_topology_refresher_new (client);
  RefreshCount count = { 0 };
  NymTopologySnapshot *good;

  g_signal_connect (refresher, "changed", G_CALLBACK (on_changed), &count);
  g_signal_connect (refresher, "refresh-failed", G_CALLBACK (on_failed), &count);
  nym_topology_refresher_set_interval (refresher, 50);
  nym_topology_refresher_start (refresher);
  /* The first fetch starts at once, later ones come from the timer. */
  g_assert_true (nym_topology_refresher_get_refreshing (refresher));
  wait_count (&count.changed, 3);
  good = nym_topology_refresher_get_snapshot (refresher);
  g_assert_nonnull (good);
  g_assert_true (good == count.last);
  g_assert_null (nym_topology_refresher_get_last_error (refresher));

  /* The API goes away: refreshes fail, the last good topology stays. */
  localnet_nym_api_stop (fixture->api);
  wait_count (&count.failed, 2);
  g_assert_true (nym_topology_refresher_get_snapshot (refresher) == good);
  g_assert_cmpuint (nym_topology_snapshot_get_topology (good)->layers[2]->len, ==, MIXES_PER_LAYER);
  g_assert_nonnull (nym_topology_refresher_get_last_error (refresher));

  nym_topology_refresher_stop (refresher);
  localnet_test_drain ();
  g_assert_finalize_object (refresher);
}

static void
test_refresher_own_context (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  NymApiClient *client;
  NymTopologyRefresher *refresher;
  RefreshCount count = { 0 };
  gboolean timed_out = FALSE;
  GSource *guard;

  /* The server answers on the default context, so both are iterated; the refresher's
   * work must happen on its own. */
  g_main_context_push_thread_default (context);
  client = client_for (api_url (fixture), NULL);
  refresher = nym_topology_refresher_new (client);
  g_signal_connect (refresher, "changed", G_CALLBACK (on_changed), &count);
  nym_topology_refresher_set_interval (refresher, 20);
  nym_topology_refresher_start (refresher);
  guard = g_timeout_source_new_seconds (60);
  g_source_set_callback (guard, localnet_test_timeout_cb, &timed_out, NULL);
  g_source_attach (guard, context);
  while (count.changed < 2 && !timed_out)
    {
      g_main_context_iteration (NULL, FALSE);
      g_main_context_iteration (context, FALSE);
      g_usleep (1000);
    }
  g_source_destroy (guard);
  g_source_unref (guard);
  g_assert_false (timed_out);
  nym_topology_refresher_stop (refresher);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_assert_finalize_object (refresher);
  g_assert_finalize_object (client);
  g_main_context_pop_thread_default (context);
}

/* ---- filters, malformed answers, timeouts, cancellation (tiny test server) -------------- */

static NymTopologySnapshot *
fake_topology (FakeApi *api,
               guint    min_mix,
               guint    min_gateway,
               GError **error)
{
  g_autoptr(NymApiClient) client = client_for (api->url, NULL);

  nym_api_client_set_min_performance (client, min_mix, min_gateway);
  return fetch_topology (client, error);
}

static bool
layer_has (const NymTopology *topology,
           unsigned           layer,
           uint32_t           node_id)
{
  GArray *nodes = topology->layers[layer - 1];

  for (guint i = 0; i < nodes->len; i++)
    if (g_array_index (nodes, NymTopologyNode, i).node_id == node_id)
      return true;
  return false;
}

static void
test_performance_filter (void)
{
  g_autoptr(FakeApi) api = fake_api_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) identity9 = read_data ("node-9-identity.bin");
  g_autoptr(NymTopologySnapshot) all = fake_topology (api, 0, 0, &error);
  g_autoptr(NymTopologySnapshot) fifty = NULL;
  g_autoptr(NymTopologySnapshot) none = NULL;
  const NymTopology *topology;
  const NymTopologyNodeInfo *exit_node;

  g_assert_no_error (error);
  topology = nym_topology_snapshot_get_topology (all);
  g_assert_cmpuint (topology->rotation_id, ==, 5);
  for (unsigned layer = 1; layer <= 3; layer++)
    g_assert_cmpuint (topology->layers[layer - 1]->len, ==, 2);
  g_assert_cmpuint (topology->gateways->len, ==, 3);

  /* The default 50: 0.45 and 0.499 (floor 49) drop, 0.5 stays; gateway 8 (0.3) drops. */
  fifty = fake_topology (api, 50, 50, &error);
  g_assert_no_error (error);
  topology = nym_topology_snapshot_get_topology (fifty);
  g_assert_cmpuint (topology->layers[0]->len, ==, 1);
  g_assert_true (layer_has (topology, 1, 1));
  g_assert_cmpuint (topology->layers[1]->len, ==, 2);
  g_assert_true (layer_has (topology, 2, 4));
  g_assert_cmpuint (topology->layers[2]->len, ==, 1);
  g_assert_true (layer_has (topology, 3, 6));
  g_assert_cmpuint (topology->gateways->len, ==, 2);
  g_assert_null (nym_topology_find_gateway (topology, nym_topology_snapshot_find_node (fifty, 8)->identity));
  /* Filtered nodes stay in the node table for display. */
  g_assert_cmpuint (nym_topology_snapshot_get_nodes (fifty)->len, ==, 9);
  exit_node = nym_topology_snapshot_find_identity (fifty, g_bytes_get_data (identity9, NULL));
  g_assert_nonnull (exit_node);
  g_assert_cmpuint (exit_node->node_id, ==, 9);
  g_assert_cmpstr (exit_node->location, ==, "DE");
  g_assert_nonnull (exit_node->network_requester_address);
  /* wss from described data where the skimmed entry had none. */
  g_assert_cmpuint (exit_node->wss_port, ==, 9443);

  /* Gateway candidates follow the same threshold; wss narrows them. */
  {
    g_autoptr(GPtrArray) candidates = nym_topology_snapshot_gateway_candidates (fifty, 50, false);
    g_autoptr(GPtrArray) wss = nym_topology_snapshot_gateway_candidates (fifty, 50, true);
    g_autoptr(GPtrArray) strict = nym_topology_snapshot_gateway_candidates (fifty, 80, false);

    g_assert_cmpuint (candidates->len, ==, 2);
    g_assert_cmpuint (wss->len, ==, 2);
    g_assert_cmpuint (strict->len, ==, 1);
    g_assert_cmpuint (((NymTopologyNodeInfo *) g_ptr_array_index (strict, 0))->node_id, ==, 7);
  }
  /* Random selection never picks a gateway below the threshold. */
  for (guint i = 0; i < 100; i++)
    {
      const NymTopologyNodeInfo *chosen = nym_topology_snapshot_select_gateway (fifty, NULL, 50, false, &error);

      g_assert_no_error (error);
      g_assert_true (chosen->node_id == 7 || chosen->node_id == 9);
    }
  g_assert_null (nym_topology_snapshot_select_gateway (fifty, NULL, 100, false, &error));
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY);
  g_clear_error (&error);
  /* By identity the user's choice wins over performance (gateway 8 is at 0.3). */
  g_assert_nonnull (nym_topology_snapshot_select_gateway (fifty, nym_topology_snapshot_find_node (fifty, 8)->identity,
                                                          50, false, &error));
  g_assert_no_error (error);

  /* forceTls: only gateways with wss (7 directly, 9 through its description). */
  {
    g_autoptr(NymApiClient) client = client_for (api->url, NULL);
    g_autofree char *identity8 = nym_base58_encode (nym_topology_snapshot_find_node (fifty, 8)->identity, 32);

    nym_api_client_set_require_wss (client, TRUE);
    nym_api_client_set_min_performance (client, 50, 80);
    for (guint i = 0; i < 20; i++)
      {
        g_autoptr(NymTopologyNodeInfo) chosen = select_gateway (client, fifty, NYM_GATEWAY_SELECTION_RANDOM, NULL, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (chosen->node_id, ==, 7);
        g_assert_cmpuint (chosen->wss_port, ==, 9001);
      }
    g_assert_null (select_gateway (client, fifty, NYM_GATEWAY_SELECTION_IDENTITY, identity8, &error));
    g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY);
    g_assert_nonnull (strstr (error->message, "wss"));
    g_clear_error (&error);
  }

  /* A threshold that empties layer 1 makes the network unroutable. */
  none = fake_topology (api, 98, 50, &error);
  g_assert_null (none);
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NOT_ROUTABLE);
  g_assert_nonnull (strstr (error->message, "layer 1"));
}

typedef struct
{
  const char *path;
  const char *from;
  const char *to;
  int         code;
  const char *field; /* must appear in the message */
} Malformation;

static void
test_malformed (void)
{
  static const Malformation cases[] = {
    { NYM_API_PATH_REWARDED_SET, "\"layer2\":[3,4],", "", NYM_TOPOLOGY_ERROR_MISSING_FIELD, "“layer2”" },
    { NYM_API_PATH_REWARDED_SET, "\"layer1\":[1,2]", "\"layer1\":[1,\"2\"]", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“layer1[1]”" },
    { NYM_API_PATH_REWARDED_SET, "\"epoch_id\":123", "\"epoch_id\":-1", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“epoch_id”" },
    { NYM_API_PATH_REWARDED_SET, "{", "[{", NYM_TOPOLOGY_ERROR_INVALID_JSON, NYM_API_PATH_REWARDED_SET },
    { NYM_API_PATH_KEY_ROTATION_INFO, ",\"progress\"", ",\"progress_\"", NYM_TOPOLOGY_ERROR_MISSING_FIELD, "“progress”" },
    { NYM_API_PATH_KEY_ROTATION_INFO, "\"secs\":3600", "\"secs\":\"3600\"", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“epoch_duration.secs”" },
    { NYM_API_PATH_KEY_ROTATION_INFO, "2026-05-16T10:00:00Z", "yesterday", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“current_epoch_start”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"node_id\":1,", "\"node_id\":\"1\",", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“nodes.data[0].node_id”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"x25519_sphinx_pubkey\":\"4", "\"x25519_sphinx_pubkey\":\"0O", NYM_TOPOLOGY_ERROR_INVALID_KEY, "“nodes.data[0].x25519_sphinx_pubkey”" },
    /* A valid base58 string of the wrong length (here 3 bytes). */
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"ed25519_identity_pubkey\":\"DWLWLiQotSodfxLMvCbuYCQ6PxTHTmJEUSnizqxTN2SW\"",
      "\"ed25519_identity_pubkey\":\"2UzHM\"", NYM_TOPOLOGY_ERROR_INVALID_KEY, "not 32" },
    /* 32 bytes of 0xff: base58 of the right length, but not an Ed25519 point. */
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"ed25519_identity_pubkey\":\"DWLWLiQotSodfxLMvCbuYCQ6PxTHTmJEUSnizqxTN2SW\"",
      "\"ed25519_identity_pubkey\":\"JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG\"", NYM_TOPOLOGY_ERROR_INVALID_KEY,
      "“nodes.data[0].ed25519_identity_pubkey” (“JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG”) is not an Ed25519 public key" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"performance\":\"0.97\"", "\"performance\":\"1.5\"", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“nodes.data[0].performance”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"performance\":\"0.97\"", "\"performance\":[]", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“nodes.data[0].performance”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"ip_addresses\":[\"10.0.1.1\"]", "\"ip_addresses\":[\"10.0.1.300\"]", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“nodes.data[0].ip_addresses[0]”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "{\"Mixnode\":{\"layer\":1}}", "\"Bogus\"", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“nodes.data[0].role”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "{\"Mixnode\":{\"layer\":1}}", "{\"Mixnode\":{\"layer\":4}}", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "layer" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"mix_port\":1789", "\"mix_port\":65536", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“nodes.data[0].mix_port”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"absolute_epoch_id\":123", "\"absolute_epoch_id\":124", NYM_TOPOLOGY_ERROR_INCONSISTENT, "epoch 124" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"status\":null", "\"status\":7", NYM_TOPOLOGY_ERROR_INVALID_VALUE, "“metadata.status”" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"total\":6", "\"total\":7", NYM_TOPOLOGY_ERROR_INCONSISTENT, "node 1 is listed twice (again on page 1)" },
    { NYM_API_PATH_ACTIVE_MIXNODES, "\"node_id\":2,", "\"node_id\":1,", NYM_TOPOLOGY_ERROR_INCONSISTENT, "node 1 is listed twice" },
    { NYM_API_PATH_ENTRY_GATEWAYS, "\"ws_port\":9000", "\"ws_port\":null", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“nodes.data[0].entry.ws_port”" },
    { NYM_API_PATH_ENTRY_GATEWAYS, "\"rotation_id\":5", "\"rotation_id\":6", NYM_TOPOLOGY_ERROR_INCONSISTENT, "rotation 5" },
    { NYM_API_PATH_DESCRIBED, "\"mixnet_websockets\":", "\"mixnet_websocketz\":", NYM_TOPOLOGY_ERROR_MISSING_FIELD, "“data[0].description.mixnet_websockets”" },
    { NYM_API_PATH_DESCRIBED, "\"network_requester\":null", "\"network_requester\":{\"address\":5}", NYM_TOPOLOGY_ERROR_WRONG_TYPE, "“data[0].description.network_requester.address”" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FakeApi) api = fake_api_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(NymTopologySnapshot) snapshot = NULL;

      g_test_message ("case %zu: %s %s → %s", i, cases[i].path, cases[i].from, cases[i].to);
      fake_api_edit (api, cases[i].path, cases[i].from, cases[i].to);
      snapshot = fake_topology (api, 0, 0, &error);
      g_assert_null (snapshot);
      g_assert_nonnull (error);
      g_test_message ("error: %s", error->message);
      g_assert_error (error, NYM_TOPOLOGY_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].field));
      /* The endpoint is named, except where two answers disagree. */
      if (cases[i].code != NYM_TOPOLOGY_ERROR_INCONSISTENT || strstr (error->message, "page") != NULL
          || strstr (error->message, "twice") != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].path));
    }
}

/* A list whose later page comes back empty before the total is reached is refused. */
static void
test_short_pages (void)
{
  g_autoptr(FakeApi) api = fake_api_new ();
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;
  const char *text = "{\"metadata\":{\"status\":null,\"absolute_epoch_id\":123,\"rotation_id\":5,"
                     "\"refreshed_at\":\"2026-05-16T10:00:00Z\"},\"nodes\":{\"pagination\":"
                     "{\"total\":7,\"page\":1,\"size\":6},\"data\":[]}}";

  fake_api_edit (api, NYM_API_PATH_ACTIVE_MIXNODES, "\"total\":6", "\"total\":7");
  empty = g_bytes_new_static (text, strlen (text));
  fake_api_set (api, NYM_API_PATH_ACTIVE_MIXNODES "?page=1", empty);
  snapshot = fake_topology (api, 0, 0, &error);
  g_assert_null (snapshot);
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT);
  g_assert_nonnull (strstr (error->message, "page 1 ended the list after 6 of 7 nodes"));
  g_assert_nonnull (strstr (error->message, NYM_API_PATH_ACTIVE_MIXNODES));
}

static void
test_http_errors (void)
{
  g_autoptr(FakeApi) api = fake_api_new ();
  g_autoptr(NymApiClient) client = client_for (api->url, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;

  g_hash_table_replace (api->statuses, g_strdup (NYM_API_PATH_ENTRY_GATEWAYS),
                        GUINT_TO_POINTER (SOUP_STATUS_SERVICE_UNAVAILABLE));
  snapshot = fetch_topology (client, &error);
  g_assert_null (snapshot);
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_HTTP);
  g_assert_nonnull (strstr (error->message, "503"));
  g_assert_nonnull (strstr (error->message, NYM_API_PATH_ENTRY_GATEWAYS));
}

static void
test_timeout (void)
{
  g_autoptr(FakeApi) api = fake_api_new ();
  g_autoptr(NymApiClient) client = client_for (api->url, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologyRewardedSet) set = NULL;

  api->hang = true;
  nym_api_client_set_timeout (client, 1);
  nym_api_client_get_rewarded_set_async (client, NULL, store_result, &result);
  set = nym_api_client_get_rewarded_set_finish (client, wait_result (&result), &error);
  g_assert_null (set);
  g_assert_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_TIMEOUT);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr(FakeApi) api = fake_api_new ();
  g_autoptr(NymApiClient) client = client_for (api->url, NULL);
  g_autoptr(GCancellable) before = g_cancellable_new ();
  g_autoptr(GCancellable) during = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (before);
  nym_api_client_fetch_topology_async (client, before, store_result, &first);
  g_assert_null (nym_api_client_fetch_topology_finish (client, wait_result (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (api->requests, ==, 0);

  /* Cancelled while the server holds the request. */
  api->hang = true;
  nym_api_client_fetch_topology_async (client, during, store_result, &second);
  g_timeout_add (50, cancel_soon, during);
  g_assert_null (nym_api_client_fetch_topology_finish (client, wait_result (&second), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  g_test_add_func ("/topology-client/new-and-finalize", test_new_and_finalize);
  g_test_add_func ("/topology-client/bad-urls", test_bad_urls);
  g_test_add_func ("/topology-client/parse/fixtures", test_parse_fixtures);
  g_test_add_func ("/topology-client/parse/role-aliases", test_parse_role_aliases);
  g_test_add_func ("/topology-client/parse/performance", test_parse_performance);
  ADD ("/topology-client/localnet/key-rotation-info", test_key_rotation_info);
  ADD ("/topology-client/localnet/rewarded-set", test_rewarded_set);
  ADD ("/topology-client/localnet/skimmed-pages", test_skimmed_pages);
  ADD ("/topology-client/localnet/entry-gateways", test_entry_gateways);
  ADD ("/topology-client/localnet/exit-gateways", test_exit_gateways);
  ADD ("/topology-client/localnet/described", test_described);
  ADD ("/topology-client/localnet/topology", test_topology);
  ADD ("/topology-client/localnet/select-gateway", test_select_gateway);
  ADD ("/topology-client/localnet/failover", test_failover);
  ADD ("/topology-client/localnet/refresher-keeps-last-good", test_refresher_keeps_last_good);
  ADD ("/topology-client/localnet/refresher-own-context", test_refresher_own_context);
  g_test_add_func ("/topology-client/performance-filter", test_performance_filter);
  g_test_add_func ("/topology-client/malformed", test_malformed);
  g_test_add_func ("/topology-client/short-pages", test_short_pages);
  g_test_add_func ("/topology-client/http-errors", test_http_errors);
  g_test_add_func ("/topology-client/timeout", test_timeout);
  g_test_add_func ("/topology-client/cancel", test_cancel);
#undef ADD
  return g_test_run ();
}
