/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs NymGatewaySession against an independent gateway in Node (tests/interop/gateway-client): registration, claim, forwarding, push, AuthenticateV2. */
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "crypto/nym-keys.h"
#include "gateway/nym-client-store.h"
#include "gateway/nym-gateway-session.h"

/* Set from the command line by tests/client-core/meson.build. */
static char *node_path = NULL;
static char *script_path = NULL;
static char *node_modules = NULL;

#define WAIT_SECONDS 20

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *stdout_lines;
  GPtrArray        *lines;
  bool              eof;
  bool              exited;
  bool              successful;
} NodeGateway;

static void read_next_line (NodeGateway *gateway);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  NodeGateway *gateway = user_data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  if (line == NULL)
    {
      gateway->eof = true;
      return;
    }
  g_test_message ("node: %s", line);
  g_ptr_array_add (gateway->lines, line);
  read_next_line (gateway);
}

static void
read_next_line (NodeGateway *gateway)
{
  g_data_input_stream_read_line_async (gateway->stdout_lines, G_PRIORITY_DEFAULT, NULL, on_line, gateway);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  NodeGateway *gateway = user_data;

  gateway->successful = g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, NULL);
  gateway->exited = true;
}

/* Node reports a step after answering it, so its line can arrive after our side moved on:
 * callers wait for lines rather than assert them. */
static bool
has_line (NodeGateway *gateway,
          const char  *line)
{
  for (guint i = 0; i < gateway->lines->len; i++)
    if (g_str_equal (g_ptr_array_index (gateway->lines, i), line))
      return true;
  return false;
}

static guint
count_prefix (NodeGateway *gateway,
              const char  *prefix)
{
  guint n = 0;

  for (guint i = 0; i < gateway->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (gateway->lines, i), prefix))
      n++;
  return n;
}

static void
on_received (NymGatewaySession *session,
             GBytes            *plaintext,
             GPtrArray         *received)
{
  g_ptr_array_add (received, g_bytes_ref (plaintext));
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
connect_session (NymGatewaySession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  nym_gateway_session_connect_async (session, NULL, on_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nym_gateway_session_connect_finish (session, result, &error));
  g_assert_no_error (error);
}

static void
close_session (NymGatewaySession *session)
{
  g_autoptr(GAsyncResult) result = NULL;

  nym_gateway_session_close_async (session, NULL, on_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (nym_gateway_session_close_finish (session, result, NULL));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
test_node_gateway (void)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *dir = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *ciphers = NULL;
  g_autofree char *url = NULL;
  g_autoptr(NymClientStore) store = NULL;
  g_autoptr(NymClientKeys) keys = NULL;
  g_autoptr(NymGatewaySession) first = NULL;
  g_autoptr(NymGatewaySession) second = NULL;
  g_auto(GStrv) ready = NULL;
  uint8_t identity[32], packet[2413];
  NymNodeAddress first_hop;
  NodeGateway gateway = { 0 };

  if (node_path == NULL || *node_path == '\0' || !g_file_test (node_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("node was not found at configure time");
      return;
    }
  ws = g_build_filename (node_modules != NULL ? node_modules : "", "ws", "package.json", NULL);
  ciphers = g_build_filename (node_modules != NULL ? node_modules : "", "@noble", "ciphers", "package.json", NULL);
  if (!g_file_test (ws, G_FILE_TEST_EXISTS) || !g_file_test (ciphers, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("ws or @noble/ciphers is not installed in tests/node_modules (run npm ci in tests/)");
      return;
    }

  gateway.lines = g_ptr_array_new_with_free_func (g_free);
  gateway.process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                      node_path, script_path, NULL);
  g_assert_no_error (error);
  gateway.stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (gateway.process));
  read_next_line (&gateway);
  g_subprocess_wait_check_async (gateway.process, NULL, on_exited, &gateway);
  WAIT_UNTIL (gateway.lines->len >= 1 || gateway.exited);
  ready = g_strsplit (g_ptr_array_index (gateway.lines, 0), " ", 3);
  g_assert_cmpstr (ready[0], ==, "READY");
  g_assert_cmpuint (strlen (ready[2]), ==, 64);
  for (int i = 0; i < 32; i++)
    identity[i] = (uint8_t) (g_ascii_xdigit_value (ready[2][2 * i]) << 4 | g_ascii_xdigit_value (ready[2][2 * i + 1]));
  url = g_strdup_printf ("ws://127.0.0.1:%s/", ready[1]);

  dir = g_dir_make_tmp ("test-gateway-session-interop-XXXXXX", &error);
  g_assert_no_error (error);
  store = nym_client_store_open (dir, &error);
  g_assert_no_error (error);
  keys = nym_client_store_ensure_keys (store, &error);
  g_assert_no_error (error);

  /* A new client: registration (§1.4) and a claim, each step checked on the Node side. */
  first = nym_gateway_session_new (url, identity, keys, store);
  g_signal_connect (first, "received", G_CALLBACK (on_received), received);
  connect_session (first);
  WAIT_UNTIL (has_line (&gateway, "STEP registered"));
  WAIT_UNTIL (has_line (&gateway, "STEP bandwidth"));
  g_assert_cmpuint (nym_gateway_session_get_protocol_version (first), ==, 6);

  /* §1.8: Node opens our frame, finds the first hop and the packet, and pushes the packet back. */
  nym_random_bytes (packet, sizeof packet);
  nym_node_address_init_ipv4 (&first_hop, loopback, 1789);
  g_assert_true (nym_gateway_session_send_packet (first, &first_hop, packet, sizeof packet, NYM_KEY_ROTATION_EVEN,
                                                  &error));
  g_assert_no_error (error);
  WAIT_UNTIL (received->len == 1 && nym_gateway_session_get_packets_acknowledged (first) == 1);
  WAIT_UNTIL (has_line (&gateway, "STEP forwarded 127.0.0.1:1789 rotation=2"));
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (received, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (received, 0)), packet, sizeof packet);
  close_session (first);

  /* A returning client: AuthenticateV2 (§1.5), verified by Node against the shared key. */
  second = nym_gateway_session_new (url, identity, keys, store);
  connect_session (second);
  WAIT_UNTIL (has_line (&gateway, "STEP authenticated"));
  close_session (second);
  WAIT_UNTIL (count_prefix (&gateway, "STEP closed") == 2);
  /* The returning client had bandwidth left and claimed none. */
  g_assert_cmpuint (count_prefix (&gateway, "STEP bandwidth"), ==, 1);

  g_assert_cmpuint (count_prefix (&gateway, "FAIL"), ==, 0);
  g_output_stream_close (g_subprocess_get_stdin_pipe (gateway.process), NULL, NULL);
  WAIT_UNTIL (gateway.exited && gateway.eof);
  g_assert_true (gateway.successful);

  g_clear_object (&gateway.stdout_lines);
  g_clear_object (&gateway.process);
  g_ptr_array_unref (gateway.lines);
  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_FILENAME, &node_path, "Node.js binary", "PATH" },
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path, "tests/interop/gateway-client/gateway.mjs", "PATH" },
    { "node-modules", 0, 0, G_OPTION_ARG_FILENAME, &node_modules, "tests/node_modules", "DIR" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("bad arguments: %s", error->message);

  g_test_add_func ("/gateway-session-interop/node-gateway", test_node_gateway);
  return g_test_run ();
}
