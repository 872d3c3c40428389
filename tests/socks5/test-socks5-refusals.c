/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the SOCKS proxy of "nymph-cli mixnet run" refuses, and how it fails: BIND and UDP ASSOCIATE by hand, its gateway killed in the middle of a download, and no connection at all while it is disconnected. */
#include "socks5-test-util.h"

static const char *cli_path;
static const char *localnet_path;
static const char *curl_path;

/*
 * The client uses its own gateway, gateway-2, run as a single-role process in the directory
 * of the "run" localnet, so the test can kill and restart it on the same ports while the
 * rest of the network, the exit and its gateway-1 carry on. The nym-api of "run" reads
 * localnet.json again on every request, so it lists gateway-2 as soon as it has joined.
 */
static struct
{
  char              *dir;
  SocksTestHttp     *http;
  SocksTestLocalnet *localnet;
  SocksTestChild    *gateway;
  guint16            gateway_ws_port;
  guint16            gateway_mix_port;
  char              *gateway_id;
  SocksTestClient   *client;
  guint              client_lines;  /* client output lines already looked at */
} world;

typedef struct
{
  char *dir;
} Fixture;

/* A port the kernel just handed out on 127.0.0.1 and that is free again. */
static guint16
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
gateway_start (void)
{
  g_autofree char *ws_port = g_strdup_printf ("%u", world.gateway_ws_port);
  g_autofree char *mix_port = g_strdup_printf ("%u", world.gateway_mix_port);
  const char *argv[] = { localnet_path, "gateway", "--dir", world.localnet->dir, "--index", "2",
                         "--ws-port", ws_port, "--mix-port", mix_port, NULL };
  g_autofree char *line = NULL;

  world.gateway = socks_test_child_spawn ("gateway-2", argv, NULL);
  line = socks_test_child_wait_line (world.gateway, "nymph-localnet: ready ", NULL, SOCKS_TEST_GUARD_S);
  g_assert_nonnull (line);
}

static void
world_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(JsonObject) gateway = NULL;
  const char *extra[] = { "--zero-delay", NULL };

  if (world.client != NULL)
    return;
  world.dir = g_dir_make_tmp ("test-socks5-refusals-XXXXXX", &error);
  g_assert_no_error (error);
  world.http = socks_test_http_new (false);
  world.localnet = socks_test_localnet_start (localnet_path, world.dir, true);
  g_assert_nonnull (world.localnet->exit_address);
  world.gateway_ws_port = free_port ();
  world.gateway_mix_port = free_port ();
  gateway_start ();
  gateway = socks_test_localnet_node (world.localnet, "gateway-2");
  g_assert_nonnull (gateway);
  world.gateway_id = g_strdup (json_object_get_string_member (gateway, "identity"));
  data_dir = g_build_filename (world.dir, "client", NULL);
  world.client = socks_test_client_start (cli_path, world.localnet, data_dir, world.gateway_id, extra, NULL);
  world.client_lines = socks_test_child_n_lines (world.client->child);
}

static void
world_stop (void)
{
  g_clear_pointer (&world.client, socks_test_client_free);
  if (world.gateway != NULL)
    socks_test_child_stop (world.gateway, SIGTERM);
  g_clear_pointer (&world.gateway, socks_test_child_free);
  g_clear_pointer (&world.localnet, socks_test_localnet_free);
  g_clear_pointer (&world.http, socks_test_http_free);
  g_clear_pointer (&world.gateway_id, g_free);
  socks_test_remove_tree (world.dir);
  g_clear_pointer (&world.dir, g_free);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  world_start ();
  fixture->dir = g_dir_make_tmp ("socks5-case-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  socks_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* SOCKS5 greeting with NO-AUTH; the proxy must choose it. */
static GSocketConnection *
socks5_greet (void)
{
  static const guint8 greeting[] = { 0x05, 0x01, 0x00 };
  GSocketConnection *connection = socks_test_connect (world.client->port);
  guint8 choice[2];

  socks_test_write (connection, greeting, sizeof greeting);
  g_assert_cmpuint (socks_test_read (connection, choice, 2), ==, 2);
  g_assert_cmpuint (choice[0], ==, 0x05);
  g_assert_cmpuint (choice[1], ==, 0x00);
  return connection;
}

/* Sends a SOCKS5 request for @command to 127.0.0.1:@port; returns the reply code. */
static guint8
socks5_request (GSocketConnection *connection,
                guint8             command,
                guint16            port)
{
  guint8 request[] = { 0x05, command, 0x00, 0x01, 127, 0, 0, 1, (guint8) (port >> 8), (guint8) port };
  guint8 reply[10];

  socks_test_write (connection, request, sizeof request);
  /* The reply to a refusal still has the full RFC 1928 shape with an IPv4 bound address. */
  g_assert_cmpuint (socks_test_read (connection, reply, sizeof reply), ==, sizeof reply);
  g_assert_cmpuint (reply[0], ==, 0x05);
  g_assert_cmpuint (reply[2], ==, 0x00);
  g_assert_cmpuint (reply[3], ==, 0x01);
  return reply[1];
}

/* A SOCKS4a request for @command to localhost:@port; returns the reply code. */
static guint8
socks4a_request (guint8  command,
                 guint16 port)
{
  g_autoptr(GSocketConnection) connection = socks_test_connect (world.client->port);
  guint8 request[] = { 0x04, command, (guint8) (port >> 8), (guint8) port, 0, 0, 0, 1,
                       'u', 0, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0 };
  guint8 reply[8];

  socks_test_write (connection, request, sizeof request);
  g_assert_cmpuint (socks_test_read (connection, reply, sizeof reply), ==, sizeof reply);
  g_assert_cmpuint (reply[0], ==, 0x00);
  if (reply[1] != 0x5a)
    socks_test_assert_closed (connection);
  return reply[1];
}

/* RFC 1928 §4/§6: BIND and UDP ASSOCIATE get "command not supported" (7), then a close. */
static void
test_commands (Fixture       *fixture,
               gconstpointer  user_data)
{
  static const guint8 commands[] = { 0x02, 0x03 };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GSocketConnection) connection = socks5_greet ();

      g_assert_cmpuint (socks5_request (connection, commands[i], world.http->port), ==, 0x07);
      socks_test_assert_closed (connection);
    }

  /* Only NO-AUTH is offered: a client that offers nothing else gets 0xFF and a close. */
  {
    static const guint8 greeting[] = { 0x05, 0x02, 0x01, 0x02 };
    g_autoptr(GSocketConnection) connection = socks_test_connect (world.client->port);
    guint8 choice[2];

    socks_test_write (connection, greeting, sizeof greeting);
    g_assert_cmpuint (socks_test_read (connection, choice, 2), ==, 2);
    g_assert_cmpuint (choice[0], ==, 0x05);
    g_assert_cmpuint (choice[1], ==, 0xff);
    socks_test_assert_closed (connection);
  }

  /* SOCKS4 has no "not supported": BIND is rejected with 0x5B. */
  g_assert_cmpuint (socks4a_request (0x02, world.http->port), ==, 0x5b);

  /* And a CONNECT after all that still works: the refusals harmed nothing. */
  {
    g_autoptr(GBytes) body = socks_test_http_add_random (world.http, "/after-refusals", 4096);
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/after-refusals", world.http->port);
    g_autofree char *out_path = g_build_filename (fixture->dir, "after-refusals", NULL);
    g_autoptr(GSubprocess) curl = NULL;

    if (curl_path[0] == '\0')
      return;
    curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy, url, out_path, NULL);
    g_assert_cmpint (socks_test_curl_finish (curl, NULL, NULL), ==, 0);
    socks_test_assert_file_matches (out_path, body);
  }
}

/* The bytes that arrived must be the start of @expected: fewer is fine, different is not. */
static void
assert_prefix (const char *path,
               GBytes     *expected)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, NULL);
  g_assert_cmpuint (len, <=, g_bytes_get_size (expected));
  g_assert_cmpmem (contents, len, g_bytes_get_data (expected, NULL), len);
}

/*
 * Kills the client's gateway while curl downloads 10 MB: curl either finishes with the whole
 * file intact or sees the connection end with a prefix of it, never wrong bytes. While the
 * gateway is gone the proxy refuses every new connection at once (SOCKS5 0x03, SOCKS4 0x5B)
 * instead of waiting or going direct; after the gateway is back on the same ports the
 * client reconnects and downloads work again.
 */
static void
test_gateway_stop (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *big_url = NULL;
  g_autofree char *out_path = g_build_filename (fixture->dir, "big", NULL);
  g_autofree char *after_path = g_build_filename (fixture->dir, "after", NULL);
  g_autoptr(GSubprocess) curl = NULL;
  g_autofree char *line = NULL;
  gint64 deadline;
  int status;
  const char *slow[] = { "--limit-rate", "1M", NULL };

  if (curl_path[0] == '\0')
    {
      g_test_skip ("curl was not found at configure time");
      return;
    }
  big = socks_test_http_add_random (world.http, "/big", 10 * 1024 * 1024);
  big_url = g_strdup_printf ("http://localhost:%u/big", world.http->port);
  curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy, big_url, out_path, slow);

  /* Wait until part of the body has arrived, so the kill lands in the middle. */
  deadline = g_get_monotonic_time () + SOCKS_TEST_GUARD_S * G_TIME_SPAN_SECOND;
  while (socks_test_file_size (out_path) < 512 * 1024)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  socks_test_child_stop (world.gateway, SIGKILL);
  g_clear_pointer (&world.gateway, socks_test_child_free);

  status = socks_test_curl_finish (curl, NULL, NULL);
  g_test_message ("curl ended with %d after %" G_GOFFSET_FORMAT " bytes", status, socks_test_file_size (out_path));
  /* 28 would be curl's own timeout: a connection that neither finishes nor closes. */
  g_assert_cmpint (status, !=, 28);
  if (status == 0)
    socks_test_assert_file_matches (out_path, big);
  else
    assert_prefix (out_path, big);

  /* The client reports that it left READY (it prints every state change). */
  line = socks_test_child_wait_line (world.client->child, "reconnecting", &world.client_lines, SOCKS_TEST_GUARD_S);
  g_assert_nonnull (line);

  /* Fail closed: refused at once, whatever the version. */
  {
    g_autoptr(GSocketConnection) connection = socks5_greet ();

    g_assert_cmpuint (socks5_request (connection, 0x01, world.http->port), ==, 0x03);
    socks_test_assert_closed (connection);
  }
  g_assert_cmpuint (socks4a_request (0x01, world.http->port), ==, 0x5b);
  {
    g_autofree char *refused_path = g_build_filename (fixture->dir, "refused", NULL);
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/big", world.http->port);
    g_autoptr(GSubprocess) refused = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy,
                                                            url, refused_path, NULL);

    status = socks_test_curl_finish (refused, NULL, NULL);
    /* 97: curl's "proxy handshake error" (the SOCKS reply refused the connection). */
    g_assert_cmpint (status, ==, 97);
    g_assert_cmpint (socks_test_file_size (refused_path), ==, 0);
  }

  /* The gateway comes back on the same ports with the same keys; the client reconnects. */
  gateway_start ();
  g_clear_pointer (&line, g_free);
  line = socks_test_child_wait_line (world.client->child, SOCKS_TEST_READY_NEEDLE, &world.client_lines,
                                     SOCKS_TEST_GUARD_S);
  g_assert_nonnull (line);
  after = socks_test_http_add_random (world.http, "/after", 1024 * 1024);
  {
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/after", world.http->port);
    g_autoptr(GSubprocess) again = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy,
                                                          url, after_path, NULL);

    g_assert_cmpint (socks_test_curl_finish (again, NULL, NULL), ==, 0);
    socks_test_assert_file_matches (after_path, after);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (argc != 4)
    g_error ("usage: %s NYMPH-CLI NYMPH-LOCALNET CURL-OR-EMPTY", argv[0]);
  cli_path = argv[1];
  localnet_path = argv[2];
  curl_path = argv[3];

  g_test_add ("/socks5/refusals/commands", Fixture, NULL, fixture_set_up, test_commands, fixture_tear_down);
  g_test_add ("/socks5/refusals/gateway-stop", Fixture, NULL, fixture_set_up, test_gateway_stop, fixture_tear_down);
  status = g_test_run ();
  world_stop ();
  return status;
}
