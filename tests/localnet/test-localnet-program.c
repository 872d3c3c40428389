/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the nymph-localnet program itself: run, the single roles, readiness, signals, usage errors. */
#include <signal.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "localnet-test-util.h"

typedef struct
{
  char *dir;
  char *program;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = localnet_test_mkdtemp ();
  /* G_TEST_BUILDDIR is the build's tests/ folder; the program is built next to it. */
  fixture->program = g_test_build_filename (G_TEST_BUILT, "..", "localnet", "nymph-localnet", NULL);
  if (!g_file_test (fixture->program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_free (fixture->program);
      fixture->program = g_test_build_filename (G_TEST_BUILT, "..", "..", "localnet", "nymph-localnet", NULL);
    }
  g_assert_true (g_file_test (fixture->program, G_FILE_TEST_IS_EXECUTABLE));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->program);
}

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
} Program;

static void
program_free (Program *program)
{
  if (program->process != NULL && !g_subprocess_get_if_exited (program->process)
      && !g_subprocess_get_if_signaled (program->process))
    {
      g_subprocess_force_exit (program->process);
      g_subprocess_wait (program->process, NULL, NULL);
    }
  g_clear_object (&program->out);
  g_clear_object (&program->process);
  g_free (program);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Program, program_free)

static Program *
spawn (Fixture            *fixture,
       const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  Program *program = g_new0 (Program, 1);

  g_ptr_array_add (argv, fixture->program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  program->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                        &error);
  g_assert_no_error (error);
  program->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (program->process));
  return program;
}

/* Reads stdout up to the readiness line and returns the localnet.json path it names. */
static char *
wait_ready (Program *program)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_utf8 (program->out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "nymph-localnet: ready "));
  return g_strdup (line + strlen ("nymph-localnet: ready "));
}

/* Sends the signal and returns stderr; the program must exit with status 0. */
static char *
stop (Program *program,
      int      signal_number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  g_subprocess_send_signal (program->process, signal_number);
  g_subprocess_communicate_utf8 (program->process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (program->process));
  g_assert_cmpint (g_subprocess_get_exit_status (program->process), ==, 0);
  return g_steal_pointer (&err);
}

static JsonObject *
load_json (const char *path,
           JsonParser *parser)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
http_get_json (const char *base,
               const char *path,
               JsonParser *parser)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  gsize len;
  const char *data;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL), ==,
                   "application/json");
  data = g_bytes_get_data (body, &len);
  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_listening (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, address, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (connection);
}

static void
test_program_run (Fixture       *fixture,
                  gconstpointer  user_data)
{
  int signal_number = GPOINTER_TO_INT (user_data);
  g_autofree char *dir = g_build_filename (fixture->dir, "net", NULL);
  const char *args[] = { "run", "--dir", dir, "--mixnodes-per-layer", "2", "--zero-delay", NULL };
  g_autoptr(Program) program = spawn (fixture, args);
  g_autofree char *json_path = wait_ready (program);
  g_autofree char *expected_path = g_build_filename (dir, "localnet.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) health_parser = json_parser_new ();
  g_autoptr(JsonParser) mix_parser = json_parser_new ();
  g_autofree char *err = NULL;
  JsonObject *root, *health, *mixnodes;
  JsonArray *nodes;
  const char *api;
  guint mixes = 0, gateways = 0;

  g_assert_cmpstr (json_path, ==, expected_path);
  g_assert_cmpuint (localnet_test_mode (dir), ==, 0700);
  root = load_json (json_path, parser);
  api = json_object_get_string_member (root, "nym_api_url");
  g_assert_true (g_str_has_prefix (api, "http://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (root, "gateway"),
                                                                  "websocket_url"), "ws://127.0.0.1:"));

  /* Every listener named in localnet.json is up when the readiness line appears. */
  nodes = json_object_get_array_member (root, "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      const char *kind = json_object_get_string_member (node, "kind");

      assert_listening (json_object_get_string_member (node, "mix_address"));
      if (g_str_equal (kind, "mixnode"))
        mixes++;
      else
        {
          const char *ws = json_object_get_string_member (node, "websocket_url");
          g_autofree char *host = g_strndup (ws + 5, strlen (ws) - 6);
          assert_listening (host);
          gateways++;
        }
    }
  g_assert_cmpuint (mixes, ==, 6);
  g_assert_cmpuint (gateways, ==, 1);

  health = http_get_json (api, "v1/api-status/health", health_parser);
  g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "up");
  mixnodes = http_get_json (api, "v2/unstable/nym-nodes/skimmed/mixnodes/active?page=0", mix_parser);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (mixnodes, "nodes"),
                                                                              "pagination"), "total"), ==, 6);

  err = stop (program, signal_number);
  /* The counters of every node are printed on the way out. */
  g_assert_nonnull (strstr (err, "mix-1-1 received=0 forwarded=0"));
  g_assert_nonnull (strstr (err, "mix-3-2 received="));
  g_assert_nonnull (strstr (err, "gateway-1 clients=0"));
  {
    const char *requests = strstr (err, "nym-api requests=");

    /* At least the two requests above (other roles may ask too). */
    g_assert_nonnull (requests);
    g_assert_cmpuint (g_ascii_strtoull (requests + strlen ("nym-api requests="), NULL, 10), >=, 2);
  }
}

/* Two gateways: the first is the entry, the second the exit, and nym-api says so. */
static void
test_program_two_gateways (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *args[] = { "run", "--dir", fixture->dir, "--gateways", "2", NULL };
  g_autoptr(Program) program = spawn (fixture, args);
  g_autofree char *json_path = wait_ready (program);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) set_parser = json_parser_new ();
  g_autoptr(JsonParser) gw_parser = json_parser_new ();
  JsonObject *root = load_json (json_path, parser);
  JsonArray *nodes = json_object_get_array_member (root, "nodes");
  const char *api = json_object_get_string_member (root, "nym_api_url");
  JsonObject *set, *gateways;
  JsonObject *first, *second;

  g_assert_cmpuint (json_array_get_length (nodes), ==, 5);
  first = json_array_get_object_element (nodes, 3);
  second = json_array_get_object_element (nodes, 4);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "gateway-1");
  g_assert_true (json_object_get_boolean_member (first, "entry"));
  g_assert_false (json_object_get_boolean_member (first, "exit"));
  g_assert_cmpstr (json_object_get_string_member (second, "name"), ==, "gateway-2");
  g_assert_false (json_object_get_boolean_member (second, "entry"));
  g_assert_true (json_object_get_boolean_member (second, "exit"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "gateway"), "identity"), ==,
                   json_object_get_string_member (first, "identity"));

  set = http_get_json (api, "v1/nym-nodes/rewarded-set", set_parser);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (set, "entry_gateways"), 0), ==, 4);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (set, "exit_gateways"), 0), ==, 5);
  gateways = http_get_json (api, "v2/unstable/nym-nodes/skimmed/entry-gateways?page=0", gw_parser);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (gateways, "nodes"),
                                                                              "pagination"), "total"), ==, 2);
  g_free (stop (program, SIGTERM));
}

static char *
node_identity (const char *json_path,
               const char *name,
               gint64     *node_id,
               char      **mix_address)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = load_json (json_path, parser);
  JsonArray *nodes = json_object_get_array_member (root, "nodes");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      if (g_str_equal (json_object_get_string_member (node, "name"), name))
        {
          *node_id = json_object_get_int_member (node, "node_id");
          *mix_address = g_strdup (json_object_get_string_member (node, "mix_address"));
          return g_strdup (json_object_get_string_member (node, "identity"));
        }
    }
  g_assert_not_reached ();
}

/* A test that kills and restarts one node: the single roles share localnet.json, the
 * restarted node keeps its keys, id and port, and nym-api follows without a restart. */
static void
test_program_single_roles (Fixture       *fixture,
                           gconstpointer  user_data)
{
  const char *api_args[] = { "nym-api", "--dir", fixture->dir, NULL };
  const char *mix_args[] = { "mixnode", "--dir", fixture->dir, "--layer", "2", NULL };
  g_autoptr(Program) api = spawn (fixture, api_args);
  g_autofree char *json_path = wait_ready (api);
  g_autoptr(Program) mix = spawn (fixture, mix_args);
  g_autofree char *json_again = wait_ready (mix);
  g_autofree char *identity = NULL;
  g_autofree char *identity_after = NULL;
  g_autofree char *address = NULL;
  g_autofree char *address_after = NULL;
  g_autofree char *port = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) set_parser = json_parser_new ();
  g_autoptr(Program) restarted = NULL;
  gint64 id = 0, id_after = 0;
  const char *api_url;

  g_assert_cmpstr (json_path, ==, json_again);
  api_url = json_object_get_string_member (load_json (json_path, parser), "nym_api_url");
  identity = node_identity (json_path, "mix-2-1", &id, &address);
  port = g_strdup (strrchr (address, ':') + 1);

  {
    JsonObject *set = http_get_json (api_url, "v1/nym-nodes/rewarded-set", set_parser);
    JsonArray *layer2 = json_object_get_array_member (set, "layer2");
    g_assert_cmpuint (json_array_get_length (layer2), ==, 1);
    g_assert_cmpint (json_array_get_int_element (layer2, 0), ==, id);
  }

  err = stop (mix, SIGTERM);
  g_assert_nonnull (strstr (err, "mix-2-1 received=0"));
  {
    const char *restart_args[] = { "mixnode", "--dir", fixture->dir, "--layer", "2", "--port", port, NULL };
    g_autofree char *ready = NULL;

    restarted = spawn (fixture, restart_args);
    ready = wait_ready (restarted);
  }
  identity_after = node_identity (json_path, "mix-2-1", &id_after, &address_after);
  g_assert_cmpstr (identity_after, ==, identity);
  g_assert_cmpint (id_after, ==, id);
  g_assert_cmpstr (address_after, ==, address);
  assert_listening (address_after);
  {
    g_autoptr(JsonParser) mix_parser = json_parser_new ();
    JsonObject *root = http_get_json (api_url, "v2/unstable/nym-nodes/skimmed/mixnodes/active", mix_parser);
    JsonArray *data = json_object_get_array_member (json_object_get_object_member (root, "nodes"), "data");

    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "ed25519_identity_pubkey"),
                     ==, identity);
  }
  g_free (stop (restarted, SIGINT));
  g_free (stop (api, SIGTERM));
}

/* Reads stdout up to the readiness line of a single-role gateway, after its facts. */
static char *
wait_gateway_ready (Program *program)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (program->out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "nymph-localnet: ready "))
        return g_strdup (line + strlen ("nymph-localnet: ready "));
    }
}

/* The gateway running alone adds itself to localnet.json, so a nym-api in another process
 * lists it as the entry and exit; restarted on the same ports it keeps its entry, keys and
 * node id; its --stats-file holds its counters. */
static void
test_program_single_gateway (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *api_args[] = { "nym-api", "--dir", fixture->dir, NULL };
  g_autoptr(Program) api = spawn (fixture, api_args);
  g_autofree char *json_path = wait_ready (api);
  g_autofree char *stats_path = g_build_filename (fixture->dir, "stats.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Program) gateway = NULL;
  g_autoptr(Program) restarted = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *identity_after = NULL;
  g_autofree char *address = NULL;
  g_autofree char *address_after = NULL;
  g_autofree char *ws_port = NULL;
  g_autofree char *mix_port = NULL;
  g_autofree char *err = NULL;
  gint64 id = 0, id_after = 0;
  const char *api_url;

  api_url = json_object_get_string_member (load_json (json_path, parser), "nym_api_url");
  {
    const char *args[] = { "gateway", "--dir", fixture->dir, "--stats-file", stats_path, NULL };
    g_autofree char *ready = NULL;

    gateway = spawn (fixture, args);
    ready = wait_gateway_ready (gateway);
    g_assert_cmpstr (ready, ==, json_path);
  }
  identity = node_identity (json_path, "gateway-1", &id, &address);
  mix_port = g_strdup (strrchr (address, ':') + 1);
  assert_listening (address);
  {
    g_autoptr(JsonParser) json_parser = json_parser_new ();
    JsonObject *root = load_json (json_path, json_parser);
    JsonObject *entry = json_object_get_object_member (root, "gateway");
    const char *url = json_object_get_string_member (entry, "websocket_url");

    g_assert_cmpstr (json_object_get_string_member (entry, "identity"), ==, identity);
    g_assert_true (g_str_has_prefix (url, "ws://127.0.0.1:"));
    ws_port = g_strndup (url + strlen ("ws://127.0.0.1:"), strspn (url + strlen ("ws://127.0.0.1:"), "0123456789"));
  }
  {
    g_autoptr(JsonParser) set_parser = json_parser_new ();
    g_autoptr(JsonParser) gw_parser = json_parser_new ();
    JsonObject *set = http_get_json (api_url, "v1/nym-nodes/rewarded-set", set_parser);
    JsonObject *root = http_get_json (api_url, "v2/unstable/nym-nodes/skimmed/entry-gateways?page=0", gw_parser);
    JsonArray *data = json_object_get_array_member (json_object_get_object_member (root, "nodes"), "data");

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (set, "entry_gateways")), ==, 1);
    g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (set, "entry_gateways"), 0), ==, id);
    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (data, 0), "ed25519_identity_pubkey"),
                     ==, identity);
  }
  {
    g_autoptr(JsonParser) stats_parser = json_parser_new ();
    JsonObject *stats = load_json (stats_path, stats_parser);

    g_assert_true (json_object_get_boolean_member (stats, "running"));
    g_assert_cmpint (json_object_get_int_member (stats, "registrations"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (stats, "client_packets"), ==, 0);
  }

  err = stop (gateway, SIGTERM);
  g_assert_nonnull (strstr (err, "gateway-1 clients=0 registrations=0 authentications=0"));
  {
    g_autoptr(JsonParser) stats_parser = json_parser_new ();
    JsonObject *stats = load_json (stats_path, stats_parser);

    g_assert_false (json_object_get_boolean_member (stats, "running"));
  }
  {
    const char *args[] = { "gateway", "--dir", fixture->dir, "--ws-port", ws_port, "--mix-port", mix_port, NULL };
    g_autofree char *ready = NULL;

    restarted = spawn (fixture, args);
    ready = wait_gateway_ready (restarted);
  }
  identity_after = node_identity (json_path, "gateway-1", &id_after, &address_after);
  g_assert_cmpstr (identity_after, ==, identity);
  g_assert_cmpint (id_after, ==, id);
  g_assert_cmpstr (address_after, ==, address);
  assert_listening (address_after);
  {
    g_autoptr(JsonParser) gw_parser = json_parser_new ();
    JsonObject *root = http_get_json (api_url, "v2/unstable/nym-nodes/skimmed/entry-gateways?page=0", gw_parser);
    JsonArray *data = json_object_get_array_member (json_object_get_object_member (root, "nodes"), "data");

    g_assert_cmpuint (json_array_get_length (data), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (data, 0), "node_id"), ==, id);
  }
  g_free (stop (restarted, SIGINT));
  g_free (stop (api, SIGTERM));
}

static void
test_program_usage (Fixture       *fixture,
                    gconstpointer  user_data)
{
  struct { const char *args[8]; int status; const char *needle; } cases[] = {
    { { "--help" }, 0, "run" },
    { { "run", "--gateways", "3" }, 2, "--gateways must be 1 or 2" },
    { { "run", "--mixnodes-per-layer", "0" }, 2, "--mixnodes-per-layer" },
    { { "run", "--nym-api-port", "70000" }, 2, "70000" },
    { { "run", "extra" }, 2, "extra" },
    { { "mixnode", "--layer", "1" }, 2, "Usage" },
    { { "mixnode", "--dir", "/nonexistent", "--layer", "4" }, 2, "Usage" },
    { { "nym-api" }, 2, "Usage" },
    { { "gateway", "--ws-port", "1" }, 2, "Usage" },
    { { "gateway", "--dir", "/nonexistent", "--index", "0" }, 2, "Usage" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Program) program = spawn (fixture, cases[i].args);
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_subprocess_communicate_utf8 (program->process, NULL, NULL, &out, &err, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (program->process));
      g_assert_cmpint (g_subprocess_get_exit_status (program->process), ==, cases[i].status);
      g_assert_true (strstr (out, cases[i].needle) != NULL || strstr (err, cases[i].needle) != NULL);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/program/run/sigterm", test_program_run, GINT_TO_POINTER (SIGTERM));
  ADD ("/localnet/program/run/sigint", test_program_run, GINT_TO_POINTER (SIGINT));
  ADD ("/localnet/program/two-gateways", test_program_two_gateways, NULL);
  ADD ("/localnet/program/single-roles", test_program_single_roles, NULL);
  ADD ("/localnet/program/single-gateway", test_program_single_gateway, NULL);
  ADD ("/localnet/program/usage", test_program_usage, NULL);
#undef ADD

  return g_test_run ();
}
