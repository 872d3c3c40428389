/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of LocalnetNetwork: the localnet directory, the node table and the contents of localnet.json. */
#include <string.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "localnet-network.h"
#include "localnet-test-util.h"

typedef struct
{
  char            *tmp;
  char            *dir;
  LocalnetNetwork *network;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmp = localnet_test_mkdtemp ();
  fixture->dir = g_build_filename (fixture->tmp, "a", "localnet", NULL);
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->network);
  localnet_test_rmdir (fixture->tmp);
  g_free (fixture->tmp);
  g_free (fixture->dir);
}

static LocalnetNodeInfo
make_node (const char       *name,
           LocalnetNodeKind  kind,
           guint             layer,
           guint16           mix_port,
           guint16           ws_port,
           uint8_t           seed)
{
  LocalnetNodeInfo info = { 0 };

  info.name = (char *) name;
  info.kind = kind;
  info.layer = layer;
  info.mix_port = mix_port;
  info.ws_port = ws_port;
  for (guint i = 0; i < 32; i++)
    {
      info.identity[i] = (uint8_t) (seed + i);
      info.sphinx_key[i] = (uint8_t) (seed * 3 + i * 7);
    }
  return info;
}

static JsonObject *
load_json (const char *path,
           JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_key (JsonObject    *object,
            const char    *member,
            const uint8_t  expected[static 32])
{
  const char *text = json_object_get_string_member (object, member);
  g_autoptr(GError) error = NULL;
  uint8_t decoded[32];
  size_t len = 0;

  g_assert_true (nym_base58_decode (text, decoded, sizeof decoded, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (decoded, len, expected, 32);
}

static void
test_network_new (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *json = g_build_filename (fixture->dir, "localnet.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *node_dir = NULL;
  g_autofree char *dir_prop = NULL;

  g_assert_cmpuint (localnet_test_mode (fixture->dir), ==, 0700);
  g_assert_cmpstr (localnet_network_get_dir (fixture->network), ==, fixture->dir);
  g_assert_cmpstr (localnet_network_get_json_path (fixture->network), ==, json);
  g_assert_cmpuint (localnet_network_get_nodes (fixture->network)->len, ==, 0);
  g_assert_null (localnet_network_get_nym_api_url (fixture->network));
  g_object_get (fixture->network, "dir", &dir_prop, NULL);
  g_assert_cmpstr (dir_prop, ==, fixture->dir);

  node_dir = localnet_network_node_dir (fixture->network, "mix-1-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (localnet_test_mode (node_dir), ==, 0700);

  /* Names are single path components. */
  g_assert_null (localnet_network_node_dir (fixture->network, "../escape", &error));
  g_assert_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (localnet_network_node_dir (fixture->network, "", &error));
  g_assert_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID);
}

static void
test_network_default_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) network = localnet_network_new (NULL, &error);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "nymph", "localnet", NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (localnet_network_get_dir (network), ==, expected);
  g_assert_cmpuint (localnet_test_mode (expected), ==, 0700);
}

static void
count_change (LocalnetNetwork *network,
              gpointer         user_data)
{
  guint *changes = user_data;
  (*changes)++;
}

static void
test_network_json (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  LocalnetNodeInfo mix1 = make_node ("mix-1-1", LOCALNET_NODE_MIXNODE, 1, 40001, 0, 1);
  LocalnetNodeInfo mix2 = make_node ("mix-2-1", LOCALNET_NODE_MIXNODE, 2, 40002, 0, 2);
  LocalnetNodeInfo mix3 = make_node ("mix-3-1", LOCALNET_NODE_MIXNODE, 3, 40003, 0, 3);
  LocalnetNodeInfo gateway = make_node ("gateway-1", LOCALNET_NODE_GATEWAY, 0, 40004, 40005, 4);
  const LocalnetNodeInfo *all[] = { &mix1, &mix2, &mix3, &gateway };
  JsonObject *root, *gw;
  JsonArray *nodes;
  guint changes = 0;

  g_signal_connect (fixture->network, "changed", G_CALLBACK (count_change), &changes);

  gateway.entry = true;
  gateway.exit = true;
  gateway.network_requester_address = (char *) "nr.address@gw";
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      guint32 id = localnet_network_add_node (fixture->network, all[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (id, ==, i + 1);
    }
  g_assert_cmpuint (changes, ==, 4);
  g_assert_true (localnet_network_set_nym_api_url (fixture->network, "http://127.0.0.1:40000/", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (localnet_test_mode (localnet_network_get_json_path (fixture->network)), ==, 0600);

  root = load_json (localnet_network_get_json_path (fixture->network), parser);
  g_assert_cmpint (json_object_get_int_member (root, "version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (root, "nym_api_url"), ==, "http://127.0.0.1:40000/");
  g_assert_cmpint (json_object_get_int_member (root, "absolute_epoch_id"), ==, LOCALNET_EPOCH_ID);
  g_assert_cmpint (json_object_get_int_member (root, "key_rotation_id"), ==, LOCALNET_KEY_ROTATION_ID);
  gw = json_object_get_object_member (root, "gateway");
  assert_key (gw, "identity", gateway.identity);
  g_assert_cmpstr (json_object_get_string_member (gw, "websocket_url"), ==, "ws://127.0.0.1:40005/");

  nodes = json_object_get_array_member (root, "nodes");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      g_autofree char *mix_address = g_strdup_printf ("127.0.0.1:%u", all[i]->mix_port);

      g_assert_cmpstr (json_object_get_string_member (node, "name"), ==, all[i]->name);
      g_assert_cmpint (json_object_get_int_member (node, "node_id"), ==, i + 1);
      g_assert_cmpint (json_object_get_int_member (node, "layer"), ==, all[i]->layer);
      g_assert_cmpstr (json_object_get_string_member (node, "kind"), ==,
                       all[i]->kind == LOCALNET_NODE_MIXNODE ? "mixnode" : "gateway");
      assert_key (node, "identity", all[i]->identity);
      assert_key (node, "sphinx_key", all[i]->sphinx_key);
      g_assert_cmpstr (json_object_get_string_member (node, "mix_address"), ==, mix_address);
      g_assert_cmpint (json_object_has_member (node, "websocket_url"), ==, all[i]->kind == LOCALNET_NODE_GATEWAY);
    }
  {
    JsonObject *node = json_array_get_object_element (nodes, 3);
    g_assert_true (json_object_get_boolean_member (node, "entry"));
    g_assert_true (json_object_get_boolean_member (node, "exit"));
    g_assert_cmpstr (json_object_get_string_member (node, "network_requester_address"), ==, "nr.address@gw");
    g_assert_true (json_object_get_null_member (node, "ip_packet_router_address"));
  }
}

static void
test_network_stable_ids (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo mix1 = make_node ("mix-1-1", LOCALNET_NODE_MIXNODE, 1, 40001, 0, 1);
  LocalnetNodeInfo mix2 = make_node ("mix-2-1", LOCALNET_NODE_MIXNODE, 2, 40002, 0, 2);
  const LocalnetNodeInfo *found;

  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix1, &error), ==, 1);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix2, &error), ==, 2);
  /* A restarted node (same name, new port) keeps its id and replaces its entry. */
  mix1.mix_port = 41001;
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix1, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (localnet_network_get_nodes (fixture->network)->len, ==, 2);
  found = localnet_network_find_node (fixture->network, "mix-1-1");
  g_assert_nonnull (found);
  g_assert_cmpuint (found->mix_port, ==, 41001);
  g_assert_cmpuint (found->node_id, ==, 1);

  g_assert_true (localnet_network_remove_node (fixture->network, "mix-1-1", &error));
  g_assert_no_error (error);
  g_assert_null (localnet_network_find_node (fixture->network, "mix-1-1"));
  g_assert_false (localnet_network_remove_node (fixture->network, "mix-1-1", &error));
  g_assert_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID);
}

/* Single-role processes share the directory: a second LocalnetNetwork (as another
 * process would open) sees what the first wrote and adds to it. */
static void
test_network_shared (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) other = NULL;
  LocalnetNodeInfo mix1 = make_node ("mix-1-1", LOCALNET_NODE_MIXNODE, 1, 40001, 0, 1);
  LocalnetNodeInfo mix2 = make_node ("mix-2-1", LOCALNET_NODE_MIXNODE, 2, 40002, 0, 2);
  const LocalnetNodeInfo *loaded;

  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix1, &error), ==, 1);
  other = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  loaded = localnet_network_find_node (other, "mix-1-1");
  g_assert_nonnull (loaded);
  g_assert_cmpmem (loaded->identity, 32, mix1.identity, 32);
  g_assert_cmpmem (loaded->sphinx_key, 32, mix1.sphinx_key, 32);
  g_assert_cmpuint (loaded->mix_port, ==, 40001);
  g_assert_cmpuint (loaded->layer, ==, 1);

  g_assert_cmpuint (localnet_network_add_node (other, &mix2, &error), ==, 2);
  g_assert_no_error (error);
  /* The first one notices on reload, and its own next write keeps the other's node. */
  g_assert_true (localnet_network_reload (fixture->network, &error));
  g_assert_no_error (error);
  g_assert_nonnull (localnet_network_find_node (fixture->network, "mix-2-1"));
  g_assert_true (localnet_network_set_nym_api_url (fixture->network, "http://127.0.0.1:1/", &error));
  g_assert_true (localnet_network_reload (other, &error));
  g_assert_cmpstr (localnet_network_get_nym_api_url (other), ==, "http://127.0.0.1:1/");
  g_assert_cmpuint (localnet_network_get_nodes (other)->len, ==, 2);
}

static void
test_network_bad_nodes (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo bad_layer = make_node ("mix-4-1", LOCALNET_NODE_MIXNODE, 4, 40001, 0, 1);
  LocalnetNodeInfo no_port = make_node ("mix-1-1", LOCALNET_NODE_MIXNODE, 1, 0, 0, 1);
  LocalnetNodeInfo no_ws = make_node ("gateway-1", LOCALNET_NODE_GATEWAY, 0, 40001, 0, 1);
  LocalnetNodeInfo bad_name = make_node ("a/b", LOCALNET_NODE_MIXNODE, 1, 40001, 0, 1);
  const LocalnetNodeInfo *all[] = { &bad_layer, &no_port, &no_ws, &bad_name };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_assert_cmpuint (localnet_network_add_node (fixture->network, all[i], &error), ==, 0);
      g_assert_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_cmpuint (localnet_network_get_nodes (fixture->network)->len, ==, 0);
  g_assert_false (g_file_test (localnet_network_get_json_path (fixture->network), G_FILE_TEST_EXISTS));
}

static void
test_network_corrupt_json (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *bad[] = {
    "not json",
    "[]",
    "{\"version\":2,\"nodes\":[]}",
    "{\"version\":1}",
    "{\"version\":1,\"nodes\":[{\"name\":\"m\",\"node_id\":1,\"kind\":\"mixnode\",\"layer\":1,"
      "\"identity\":\"0OIl\",\"sphinx_key\":\"x\",\"mix_address\":\"127.0.0.1:1\"}]}",
    "{\"version\":1,\"nodes\":[{\"name\":\"m\",\"node_id\":1,\"kind\":\"mixnode\",\"layer\":7}]}",
  };
  g_autofree char *json = g_build_filename (fixture->dir, "localnet.json", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LocalnetNetwork) network = NULL;

      g_assert_true (g_file_set_contents (json, bad[i], -1, NULL));
      network = localnet_network_new (fixture->dir, &error);
      g_assert_null (network);
      g_assert_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, json));
    }
}

static void
test_network_clear (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) again = NULL;
  LocalnetNodeInfo mix1 = make_node ("mix-1-1", LOCALNET_NODE_MIXNODE, 1, 40001, 0, 1);
  LocalnetNodeInfo mix2 = make_node ("mix-2-1", LOCALNET_NODE_MIXNODE, 2, 40002, 0, 2);

  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix1, &error), ==, 1);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &mix2, &error), ==, 2);
  /* A new run starts from an empty table; its first write replaces the old file. */
  again = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  localnet_network_clear (again);
  g_assert_cmpuint (localnet_network_get_nodes (again)->len, ==, 0);
  g_assert_cmpuint (localnet_network_add_node (again, &mix2, &error), ==, 1);
  g_assert_true (localnet_network_reload (fixture->network, &error));
  g_assert_cmpuint (localnet_network_get_nodes (fixture->network)->len, ==, 1);
  g_assert_null (localnet_network_find_node (fixture->network, "mix-1-1"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/network/new", test_network_new);
  ADD ("/localnet/network/json", test_network_json);
  ADD ("/localnet/network/stable-ids", test_network_stable_ids);
  ADD ("/localnet/network/shared", test_network_shared);
  ADD ("/localnet/network/bad-nodes", test_network_bad_nodes);
  ADD ("/localnet/network/corrupt-json", test_network_corrupt_json);
  ADD ("/localnet/network/clear", test_network_clear);
#undef ADD
  g_test_add_func ("/localnet/network/default-dir", test_network_default_dir);

  return g_test_run ();
}
