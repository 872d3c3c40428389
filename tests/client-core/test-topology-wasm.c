/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cross-check of the topology client against the real Nym client (WASM 1.4.1): both read the same localnet nym-api. */
#include <string.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "../localnet/localnet-test-util.h"
#include "crypto/nym-base58.h"
#include "localnet-network.h"
#include "nym-api/localnet-nym-api.h"
#include "topology/nym-api-client.h"

static char *node_path;
static char *script_path;
static char *node_modules;

static void
add_node (LocalnetNetwork  *network,
          const char       *name,
          LocalnetNodeKind  kind,
          guint             layer,
          bool              entry,
          bool              exit)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo info = { 0 };
  uint8_t secret[64];

  info.name = (char *) name;
  info.kind = kind;
  info.layer = layer;
  info.mix_port = (guint16) (41000 + localnet_network_get_nodes (network)->len);
  info.ws_port = kind == LOCALNET_NODE_GATEWAY ? (guint16) (42000 + localnet_network_get_nodes (network)->len) : 0;
  /* Identities must be Ed25519 points; any 32 bytes are an X25519 key. */
  crypto_sign_keypair (info.identity, secret);
  randombytes_buf (info.sphinx_key, 32);
  info.entry = entry;
  info.exit = exit;
  g_assert_cmpuint (localnet_network_add_node (network, &info, &error), !=, 0);
  g_assert_no_error (error);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
assert_key (JsonObject    *object,
            const char    *member,
            const uint8_t  expected[static 32])
{
  g_autoptr(GError) error = NULL;
  uint8_t decoded[64];
  size_t len = 0;

  g_assert_true (nym_base58_decode (json_object_get_string_member (object, member), decoded, sizeof decoded,
                                    &len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (decoded, len, expected, 32);
}

static void
assert_ids (JsonObject   *set,
            const char   *member,
            const GArray *ours)
{
  JsonArray *theirs = json_object_get_array_member (set, member);

  /* Same length and every id of ours in theirs: equal sets, as neither repeats an id. */
  g_assert_cmpuint (json_array_get_length (theirs), ==, ours->len);
  for (guint i = 0; i < ours->len; i++)
    {
      bool found = false;

      for (guint k = 0; k < json_array_get_length (theirs); k++)
        if ((uint32_t) json_array_get_int_element (theirs, k) == g_array_index (ours, uint32_t, i))
          found = true;
      g_assert_true (found);
    }
}

/* Both clients read one nym-api (mix nodes spread over pages for ours): the same epoch and
 * rotation, the same rewarded set, and every node with the same keys, mixing address, client
 * websocket and roles. */
static void
test_same_topology (void)
{
  g_autofree char *dir = localnet_test_mkdtemp ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetNymApi) api = NULL;
  g_autoptr(NymApiClient) client = NULL;
  g_autoptr(GAsyncResult) fetched = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const NymTopologyRewardedSet *rewarded;
  const NymTopologyMetadata *metadata;
  JsonObject *root, *theirs_metadata, *theirs_set;
  JsonArray *nodes;
  GPtrArray *ours;

  if (node_path == NULL || *node_path == '\0' || !g_file_test (node_modules, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("node or tests/node_modules is missing");
      localnet_test_rmdir (dir);
      return;
    }

  network = localnet_network_new (dir, &error);
  g_assert_no_error (error);
  for (guint layer = 1; layer <= 3; layer++)
    for (guint i = 1; i <= 3; i++)
      {
        g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, i);
        add_node (network, name, LOCALNET_NODE_MIXNODE, layer, false, false);
      }
  add_node (network, "gateway-1", LOCALNET_NODE_GATEWAY, 0, true, false);
  add_node (network, "gateway-2", LOCALNET_NODE_GATEWAY, 0, false, true);
  api = localnet_nym_api_new (network);
  g_assert_true (localnet_nym_api_listen (api, 0, &error));
  g_assert_no_error (error);

  client = nym_api_client_new ((const char *const[]) { localnet_nym_api_get_url (api), NULL }, &error);
  g_assert_no_error (error);
  nym_api_client_set_page_size (client, 2);
  nym_api_client_fetch_topology_async (client, NULL, store_result, &fetched);
  localnet_test_wait_for ((const gboolean *) &fetched);
  snapshot = nym_api_client_fetch_topology_finish (client, fetched, &error);
  g_assert_no_error (error);

  /* The server answers on this loop while node runs. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawn (launcher, &error, node_path, script_path,
                                         localnet_nym_api_get_url (api), NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, store_result, &answered);
  localnet_test_wait_for ((const gboolean *) &answered);
  g_assert_true (g_subprocess_communicate_utf8_finish (process, answered, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("the WASM client failed: %s", err);

  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  metadata = nym_topology_snapshot_get_metadata (snapshot);
  theirs_metadata = json_object_get_object_member (root, "metadata");
  g_assert_cmpint (json_object_get_int_member (theirs_metadata, "key_rotation_id"), ==, metadata->rotation_id);
  g_assert_cmpint (json_object_get_int_member (theirs_metadata, "absolute_epoch_id"), ==, metadata->absolute_epoch_id);
  g_assert_cmpint (nym_topology_snapshot_get_topology (snapshot)->rotation_id, ==, metadata->rotation_id);

  rewarded = nym_topology_snapshot_get_rewarded_set (snapshot);
  theirs_set = json_object_get_object_member (root, "rewardedSet");
  g_assert_cmpint (json_object_get_int_member (theirs_set, "epoch_id"), ==, rewarded->epoch_id);
  assert_ids (theirs_set, "layer1", rewarded->layers[0]);
  assert_ids (theirs_set, "layer2", rewarded->layers[1]);
  assert_ids (theirs_set, "layer3", rewarded->layers[2]);
  assert_ids (theirs_set, "entry_gateways", rewarded->entry_gateways);
  assert_ids (theirs_set, "exit_gateways", rewarded->exit_gateways);
  assert_ids (theirs_set, "standby", rewarded->standby);

  nodes = json_object_get_array_member (root, "nodes");
  ours = nym_topology_snapshot_get_nodes (snapshot);
  g_assert_cmpuint (json_array_get_length (nodes), ==, ours->len);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *theirs = json_array_get_object_element (nodes, i);
      JsonObject *roles = json_object_get_object_member (theirs, "supportedRoles");
      const NymTopologyNodeInfo *node = nym_topology_snapshot_find_node (snapshot,
                                                                         (uint32_t) json_object_get_int_member (theirs, "nodeId"));
      NymNodeAddress mix_host;

      g_assert_nonnull (node);
      assert_key (theirs, "identityKey", node->identity);
      assert_key (theirs, "sphinxKey", node->sphinx_key);
      g_assert_true (nym_node_address_parse (json_object_get_string_member (theirs, "mixHost"), &mix_host, &error));
      g_assert_no_error (error);
      g_assert_true (node->has_mix_address);
      g_assert_true (nym_node_address_equal (&mix_host, &node->mix_address));
      g_assert_cmpint (json_object_get_boolean_member (roles, "mixnode"), ==, node->supported_roles.mixnode);
      if (json_object_get_null_member (theirs, "entry"))
        {
          g_assert_false (node->has_entry);
        }
      else
        {
          JsonObject *entry = json_object_get_object_member (theirs, "entry");

          g_assert_true (node->has_entry);
          g_assert_cmpint (json_object_get_int_member (entry, "clients_ws_port"), ==, node->ws_port);
          g_assert_true (json_object_get_null_member (entry, "hostname") == (node->hostname == NULL));
          g_assert_true (json_object_get_null_member (entry, "clients_wss_port") == (node->wss_port == 0));
          g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (entry, "ip_addresses"), 0),
                           ==, node->ip_addresses[0]);
          g_assert_cmpint (json_object_get_boolean_member (roles, "mixnet_entry"), ==, node->supported_roles.entry);
        }
    }

  localnet_nym_api_stop (api);
  localnet_test_drain ();
  localnet_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_FILENAME, &node_path, "node binary", NULL },
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path, "wasm-topology.mjs", NULL },
    { "node-modules", 0, 0, G_OPTION_ARG_FILENAME, &node_modules, "tests/node_modules", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/topology-wasm/same-topology", test_same_topology);
  return g_test_run ();
}
