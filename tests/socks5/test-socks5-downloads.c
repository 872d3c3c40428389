/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Transfers through "nymph-cli mixnet run"'s SOCKS proxy and the localnet exit with curl: downloads up to 10 MB, 50 at once, SOCKS4a, SOCKS5 with IPv4, IPv6 and host names, a 4 MB upload, the open-proxy and legacy modes, every body checked by SHA-256. */
#include "socks5-test-util.h"

static const char *cli_path;
static const char *localnet_path;
static const char *curl_path;

/* One network for every case of this program: starting it is the slow part. */
static struct
{
  char              *dir;
  SocksTestHttp     *http;
  SocksTestLocalnet *localnet;
  SocksTestClient   *client;
} world;

typedef struct
{
  char *dir;  /* this case's downloads */
} Fixture;

static void
world_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  const char *extra[] = { "--zero-delay", NULL };

  if (world.client != NULL)
    return;
  world.dir = g_dir_make_tmp ("test-socks5-downloads-XXXXXX", &error);
  g_assert_no_error (error);
  world.http = socks_test_http_new (true);
  world.localnet = socks_test_localnet_start (localnet_path, world.dir, true);
  g_assert_nonnull (world.localnet->exit_address);
  data_dir = g_build_filename (world.dir, "client", NULL);
  world.client = socks_test_client_start (cli_path, world.localnet, data_dir, NULL, extra, NULL);
}

static void
world_stop (void)
{
  g_clear_pointer (&world.client, socks_test_client_free);
  g_clear_pointer (&world.localnet, socks_test_localnet_free);
  g_clear_pointer (&world.http, socks_test_http_free);
  socks_test_remove_tree (world.dir);
  g_clear_pointer (&world.dir, g_free);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  if (curl_path[0] == '\0')
    {
      g_test_skip ("curl was not found at configure time");
      return;
    }
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

/*
 * Fetches @url through the proxy with curl's @proxy_option and checks that the file it wrote
 * is @expected byte for byte (length and SHA-256).
 */
static void
fetch_and_check (Fixture    *fixture,
                 const char *proxy_option,
                 const char *url,
                 GBytes     *expected)
{
  g_autofree char *out_path = g_build_filename (fixture->dir, "body", NULL);
  g_autoptr(GSubprocess) curl = socks_test_curl_spawn (curl_path, proxy_option, world.client->proxy, url,
                                                       out_path, NULL);
  int status = socks_test_curl_finish (curl, NULL, NULL);

  g_assert_cmpint (status, ==, 0);
  socks_test_assert_file_matches (out_path, expected);
}

/* --socks5-hostname: curl sends the name "localhost"; the exit resolves it. */
static void
test_hostname_size (Fixture       *fixture,
                    gconstpointer  user_data)
{
  gsize size = GPOINTER_TO_SIZE (user_data);
  g_autofree char *path = g_strdup_printf ("/random-%" G_GSIZE_FORMAT, size);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  if (fixture->dir == NULL)
    return;
  body = socks_test_http_add_random (world.http, path, size);
  url = g_strdup_printf ("http://localhost:%u%s", world.http->port, path);
  fetch_and_check (fixture, "--socks5-hostname", url, body);
}

/*
 * 50 curls at once, each its own SOCKS connection and its own file, so a mix-up between
 * connections (a wrong connection id, a reordering across connections) shows as a bad hash.
 */
#define PARALLEL      50
#define PARALLEL_SIZE (64 * 1024)

static void
test_parallel (Fixture       *fixture,
               gconstpointer  user_data)
{
  GBytes *bodies[PARALLEL];
  GSubprocess *curls[PARALLEL];
  char *outs[PARALLEL];

  if (fixture->dir == NULL)
    return;
  for (guint i = 0; i < PARALLEL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/parallel-%u", i);
      g_autofree char *url = g_strdup_printf ("http://localhost:%u%s", world.http->port, path);

      bodies[i] = socks_test_http_add_random (world.http, path, PARALLEL_SIZE);
      outs[i] = g_strdup_printf ("%s/parallel-%u", fixture->dir, i);
      curls[i] = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy, url, outs[i], NULL);
    }
  for (guint i = 0; i < PARALLEL; i++)
    {
      int status = socks_test_curl_finish (curls[i], NULL, NULL);

      g_test_message ("download %u: curl exit %d", i, status);
      g_assert_cmpint (status, ==, 0);
      socks_test_assert_file_matches (outs[i], bodies[i]);
      g_object_unref (curls[i]);
      g_bytes_unref (bodies[i]);
      g_free (outs[i]);
    }
  /* Each download is one request at the server (a repeated one would be a repeated POST in
   * real life). */
  for (guint i = 0; i < PARALLEL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/parallel-%u", i);

      socks_test_http_check_once (world.http, path);
    }
}

/* SOCKS4a: the host name travels after the user id; the exit resolves it. */
static void
test_socks4a (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  if (fixture->dir == NULL)
    return;
  body = socks_test_http_add_random (world.http, "/socks4a", 100 * 1024);
  url = g_strdup_printf ("http://localhost:%u/socks4a", world.http->port);
  fetch_and_check (fixture, "--socks4a", url, body);
}

/* SOCKS5 with an IPv4 address (ATYP 1): curl resolves nothing for a literal. */
static void
test_socks5_ipv4 (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  if (fixture->dir == NULL)
    return;
  body = socks_test_http_add_random (world.http, "/ipv4", 100 * 1024);
  url = g_strdup_printf ("http://127.0.0.1:%u/ipv4", world.http->port);
  fetch_and_check (fixture, "--socks5", url, body);
}

/*
 * SOCKS5 with an IPv6 address (ATYP 4): the proxy hands the exit "0:0:0:0:0:0:0:1:PORT"
 * (colon-hex without brackets, spec nym-gateway.md §5.1) and the exit must connect to ::1.
 */
static void
test_socks5_ipv6 (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;

  if (fixture->dir == NULL)
    return;
  if (world.http->port6 == 0)
    {
      g_test_skip (world.http->ipv6_problem);
      return;
    }
  body = socks_test_http_add_random (world.http, "/ipv6", 100 * 1024);
  url = g_strdup_printf ("http://[::1]:%u/ipv6", world.http->port6);
  fetch_and_check (fixture, "--socks5", url, body);
}

/*
 * An upload: curl POSTs 4 MB of random bytes and the server answers with their SHA-256,
 * so the client-to-exit direction (Send requests in sequence) is checked byte for byte.
 */
static void
test_upload (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GBytes) upload = NULL;
  g_autofree char *upload_path = NULL;
  g_autofree char *upload_arg = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(GError) error = NULL;
  gsize digest_len = 0;
  guint8 expected[32];

  if (fixture->dir == NULL)
    return;
  upload = socks_test_random_bytes (4 * 1024 * 1024);
  upload_path = g_build_filename (fixture->dir, "upload", NULL);
  g_file_set_contents (upload_path, g_bytes_get_data (upload, NULL), (gssize) g_bytes_get_size (upload), &error);
  g_assert_no_error (error);
  upload_arg = g_strconcat ("@", upload_path, NULL);
  out_path = g_build_filename (fixture->dir, "digest", NULL);
  url = g_strdup_printf ("http://localhost:%u/sha256", world.http->port);
  {
    /* "Expect:" off: curl would otherwise wait a second for "100 Continue" before the body. */
    const char *extra[] = { "--data-binary", upload_arg, "--header", "Expect:", NULL };

    curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy, url, out_path, extra);
  }
  g_assert_cmpint (socks_test_curl_finish (curl, NULL, NULL), ==, 0);
  g_file_get_contents (out_path, &digest, &digest_len, &error);
  g_assert_no_error (error);
  socks_test_sha256 (g_bytes_get_data (upload, NULL), g_bytes_get_size (upload), expected);
  g_assert_cmpmem (digest, digest_len, expected, sizeof expected);
}

/*
 * The proxy's other modes each get their own client on the same network: with our address as
 * the exit's return address instead of reply SURBs (--open-proxy-mode, spec nym-gateway.md
 * §5.3), and with the legacy request encoding (--socks5-legacy, §5.2), which the exit must
 * answer in kind.
 */
static void
test_mode (Fixture       *fixture,
           gconstpointer  user_data)
{
  const char *mode = user_data;
  const char *extra[] = { "--zero-delay", mode, NULL };
  g_autofree char *data_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(SocksTestClient) client = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GSubprocess) curl = NULL;

  if (fixture->dir == NULL)
    return;
  data_dir = g_build_filename (fixture->dir, "client", NULL);
  client = socks_test_client_start (cli_path, world.localnet, data_dir, NULL, extra, NULL);
  path = g_strdup_printf ("/mode%s", mode + 1);
  body = socks_test_http_add_random (world.http, path, 1024 * 1024);
  url = g_strdup_printf ("http://localhost:%u%s", world.http->port, path);
  out_path = g_build_filename (fixture->dir, "body", NULL);
  curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", client->proxy, url, out_path, NULL);
  g_assert_cmpint (socks_test_curl_finish (curl, NULL, NULL), ==, 0);
  socks_test_assert_file_matches (out_path, body);
}

/* A path the server does not have: the 404 travels back, curl --fail reports 22. */
static void
test_not_found (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *out_path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) curl = NULL;

  if (fixture->dir == NULL)
    return;
  out_path = g_build_filename (fixture->dir, "missing", NULL);
  url = g_strdup_printf ("http://localhost:%u/missing", world.http->port);
  curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", world.client->proxy, url, out_path, NULL);
  g_assert_cmpint (socks_test_curl_finish (curl, NULL, NULL), ==, 22);
  socks_test_http_check_once (world.http, "/missing");
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

  g_test_add ("/socks5/downloads/hostname-1KB", Fixture, GSIZE_TO_POINTER (1024),
              fixture_set_up, test_hostname_size, fixture_tear_down);
  g_test_add ("/socks5/downloads/hostname-1MB", Fixture, GSIZE_TO_POINTER (1024 * 1024),
              fixture_set_up, test_hostname_size, fixture_tear_down);
  g_test_add ("/socks5/downloads/hostname-10MB", Fixture, GSIZE_TO_POINTER (10 * 1024 * 1024),
              fixture_set_up, test_hostname_size, fixture_tear_down);
  g_test_add ("/socks5/downloads/parallel-50", Fixture, NULL, fixture_set_up, test_parallel, fixture_tear_down);
  g_test_add ("/socks5/downloads/socks4a", Fixture, NULL, fixture_set_up, test_socks4a, fixture_tear_down);
  g_test_add ("/socks5/downloads/socks5-ipv4", Fixture, NULL, fixture_set_up, test_socks5_ipv4, fixture_tear_down);
  g_test_add ("/socks5/downloads/socks5-ipv6", Fixture, NULL, fixture_set_up, test_socks5_ipv6, fixture_tear_down);
  g_test_add ("/socks5/downloads/upload-4MB", Fixture, NULL, fixture_set_up, test_upload, fixture_tear_down);
  g_test_add ("/socks5/downloads/open-proxy-mode", Fixture, "--open-proxy-mode",
              fixture_set_up, test_mode, fixture_tear_down);
  g_test_add ("/socks5/downloads/legacy", Fixture, "--socks5-legacy", fixture_set_up, test_mode, fixture_tear_down);
  g_test_add ("/socks5/downloads/not-found", Fixture, NULL, fixture_set_up, test_not_found, fixture_tear_down);
  status = g_test_run ();
  world_stop ();
  return status;
}
