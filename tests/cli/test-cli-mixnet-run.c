/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs "nymph-cli mixnet run" as a child process against a "nymph-localnet run" child: its output lines, where it finds the exit, its SOCKS5 proxy, SIGTERM, and its usage errors. */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cli-localnet-test-util.h"

static const char *cli_path;
static const char *localnet_path;

typedef struct
{
  char        *dir;
  GSubprocess *localnet;
  char        *network_file;
  char        *nym_api;
  char        *exit_address;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *localnet_dir = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *nodes;

  fixture->dir = g_dir_make_tmp ("test-cli-mixnet-run-XXXXXX", &error);
  g_assert_no_error (error);
  localnet_dir = g_build_filename (fixture->dir, "localnet", NULL);
  fixture->localnet = cli_test_localnet_start (localnet_path, localnet_dir, parser,
                                               &fixture->network_file, &fixture->nym_api);
  nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      const char *exit = json_object_get_string_member_with_default (json_array_get_object_element (nodes, i),
                                                                     "network_requester_address", NULL);

      if (exit != NULL)
        fixture->exit_address = g_strdup (exit);
    }
  g_assert_nonnull (fixture->exit_address);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  cli_test_localnet_stop (&fixture->localnet);
  cli_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->network_file);
  g_free (fixture->nym_api);
  g_free (fixture->exit_address);
}

static GSubprocess *
spawn_run (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, (char *) "mixnet");
  g_ptr_array_add (argv, (char *) "run");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

/* Runs to the end; returns the exit status with stdout and stderr. */
static int
run_to_end (const char * const *args,
            char              **out,
            char              **err)
{
  g_autoptr(GSubprocess) process = spawn_run (args);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  g_test_message ("exit %d, stdout: %s, stderr: %s", g_subprocess_get_exit_status (process), *out, *err);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static char *
read_line (GDataInputStream *out)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("%s", line);
  return line;
}

/* Reads lines until one starts with prefix; returns the rest of it. */
static char *
read_until (GDataInputStream *out,
            const char       *prefix)
{
  for (;;)
    {
      g_autofree char *line = read_line (out);

      if (g_str_has_prefix (line, prefix))
        return g_strdup (line + strlen (prefix));
    }
}

/* A CONNECT through the proxy to the localnet's own nym-api, by host name, and a GET of the
 * described nodes there: the answer came back through the mixnet and the exit. */
static void
fetch_through_proxy (guint16     port,
                     const char *nym_api)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = g_uri_parse (nym_api, G_URI_FLAGS_NONE, &error);
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  GOutputStream *output;
  GInputStream *input;
  guint16 api_port;
  uint8_t buffer[4096];
  gssize n;
  static const uint8_t expected[] = { 5, 0, 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 };
  const char *host = "localhost";

  g_assert_no_error (error);
  api_port = (guint16) g_uri_get_port (uri);
  g_socket_client_set_timeout (client, 30);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_string_append_len (request, "\x05\x01\x00\x05\x01\x00\x03", 7);
  g_string_append_c (request, (char) strlen (host));
  g_string_append (request, host);
  g_string_append_c (request, (char) (api_port >> 8));
  g_string_append_c (request, (char) (api_port & 0xff));
  g_string_append_printf (request, "GET %sv2/nym-nodes/described HTTP/1.0\r\nHost: localhost\r\n\r\n",
                          g_uri_get_path (uri));
  g_assert_true (g_output_stream_write_all (output, request->str, request->len, NULL, NULL, &error));
  g_assert_no_error (error);
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (reply, buffer, (guint) n);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->len, >, sizeof expected);
  g_assert_cmpmem (reply->data, sizeof expected, expected, sizeof expected);
  g_byte_array_append (reply, (const guint8 *) "", 1);
  g_assert_true (g_str_has_prefix ((const char *) reply->data + sizeof expected, "HTTP/1."));
  g_assert_nonnull (strstr ((const char *) reply->data + sizeof expected, "network_requester"));
}

static void
run_and_stop (Fixture            *fixture,
              const char * const *args)
{
  g_autoptr(GSubprocess) process = spawn_run (args);
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;
  g_autofree char *exit = NULL;
  g_autofree char *first = NULL;
  g_autofree char *socks = NULL;
  g_autofree char *address = NULL;
  g_autofree char *last = NULL;
  guint64 port = 0;

  exit = read_until (out, "exit: ");
  g_assert_cmpstr (exit, ==, fixture->exit_address);
  first = read_line (out);
  g_assert_cmpstr (first, ==, "state: fetching-topology");
  g_free (read_until (out, "state: ready"));
  socks = read_line (out);
  g_assert_true (g_str_has_prefix (socks, "socks5: 127.0.0.1:"));
  g_assert_true (g_ascii_string_to_unsigned (socks + strlen ("socks5: 127.0.0.1:"), 10, 1, 65535, &port, NULL));
  address = read_line (out);
  g_assert_true (g_str_has_prefix (address, "address: "));
  g_assert_nonnull (strchr (address, '@'));

  fetch_through_proxy ((guint16) port, fixture->nym_api);

  /* SIGTERM ends it cleanly, and the last state it reports is off. */
  g_subprocess_send_signal (process, SIGTERM);
  last = read_until (out, "state: ");
  g_assert_cmpstr (last, ==, "off");
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* --network: the nym-api and the exit both come from localnet.json. */
static void
test_network_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *data_dir = g_build_filename (fixture->dir, "client", NULL);
  const char *args[] = { "--network", fixture->network_file, "--data-dir", data_dir, "--socks5", "127.0.0.1:0",
                         "--zero-delay", NULL };

  run_and_stop (fixture, args);
}

/* --nym-api without --exit: the exit is found in the nym-api's described nodes (§6); open
 * proxy mode works as well. */
static void
test_nym_api_exit (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *data_dir = g_build_filename (fixture->dir, "client", NULL);
  const char *args[] = { "--nym-api", fixture->nym_api, "--data-dir", data_dir, "--socks5", "127.0.0.1:0",
                         "--zero-delay", "--open-proxy-mode", NULL };

  run_and_stop (fixture, args);
}

/* Usage errors and configurations that cannot run, each with a message saying why. */
static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *data_dir = g_build_filename (fixture->dir, "client", NULL);
  g_autofree char *no_exit_file = g_build_filename (fixture->dir, "no-exit.json", NULL);
  g_autofree char *no_exit_json = g_strdup_printf ("{\"nym_api_url\": \"%s\", \"nodes\": []}", fixture->nym_api);
  g_autoptr(GError) error = NULL;
  static const struct
  {
    const char *name;
    int         status;
    const char *in_stderr;
  } expectations[] = {
    { "network-and-nym-api", 2, "--network or --nym-api" },
    { "no-network", 2, "--nym-api" },
    { "bad-exit", 1, "not a Nym address" },
    { "no-exit-known", 1, "No exit is known" },
    { "open-address", 1, "other machines" },
    { "bad-address", 1, "not an IP address" },
    { "missing-network-file", 1, "no-such.json" },
  };
  const char *cases[][12] = {
    { "--network", fixture->network_file, "--nym-api", fixture->nym_api, "--data-dir", data_dir, NULL },
    { "--data-dir", data_dir, NULL },
    { "--nym-api", fixture->nym_api, "--data-dir", data_dir, "--exit", "not-an-address", NULL },
    { "--network", no_exit_file, "--data-dir", data_dir, NULL },
    { "--network", fixture->network_file, "--data-dir", data_dir, "--socks5", "0.0.0.0:0", NULL },
    { "--network", fixture->network_file, "--data-dir", data_dir, "--socks5", "proxy.example:1080", NULL },
    { "--network", "no-such.json", "--data-dir", data_dir, NULL },
  };

  g_assert_true (g_file_set_contents (no_exit_file, no_exit_json, -1, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("case %s", expectations[i].name);
      g_assert_cmpint (run_to_end (cases[i], &out, &err), ==, expectations[i].status);
      g_assert_nonnull (strstr (err, expectations[i].in_stderr));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    g_error ("usage: %s NYMPH-CLI NYMPH-LOCALNET", argv[0]);
  cli_path = argv[1];
  localnet_path = argv[2];
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/cli-mixnet-run/network-file", test_network_file);
  ADD ("/cli-mixnet-run/nym-api-exit", test_nym_api_exit);
  ADD ("/cli-mixnet-run/errors", test_errors);
#undef ADD
  return g_test_run ();
}
