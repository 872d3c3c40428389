/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checks that "nymph-cli mixnet run" never looks up the host names it proxies: an LD_PRELOAD shim logs every resolver call of the client while curl fetches through it. */
#include "socks5-test-util.h"

static const char *cli_path;
static const char *localnet_path;
static const char *curl_path;
static const char *shim_path;

typedef struct
{
  char *dir;
  char *log_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-socks5-no-dns-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->log_path = g_build_filename (fixture->dir, "lookups.log", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  socks_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->log_path);
}

/*
 * The environment for a program watched by the shim. Under AddressSanitizer the shim comes
 * before the sanitizer runtime in the library list, which ASan refuses by default although
 * the shim only wraps resolver functions ASan does not intercept.
 */
static char **
shim_environ (const char *log_path)
{
  char **env = g_get_environ ();
  const char *asan = g_environ_getenv (env, "ASAN_OPTIONS");
  g_autofree char *asan_options = g_strdup_printf ("%s%sverify_asan_link_order=0", asan != NULL ? asan : "",
                                                   asan != NULL && *asan != '\0' ? ":" : "");

  env = g_environ_setenv (env, "LD_PRELOAD", shim_path, TRUE);
  env = g_environ_setenv (env, "NYMPH_DNS_LOG", log_path, TRUE);
  env = g_environ_setenv (env, "ASAN_OPTIONS", asan_options, TRUE);
  return env;
}

static char *
read_log (const char *log_path)
{
  char *contents = NULL;

  if (!g_file_get_contents (log_path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* True if a line of @log is a lookup (any function) of exactly @name. */
static bool
log_has_lookup (const char *log,
                const char *name)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strchr (lines[i], ' ');

      if (space != NULL && !g_str_has_prefix (lines[i], "loaded ") && g_ascii_strcasecmp (space + 1, name) == 0)
        return true;
    }
  return false;
}

/*
 * The shim itself works: getent (glibc's getaddrinfo) run under it leaves a line for the
 * name it resolved. Without this the main test could pass with a shim that logs nothing.
 */
static void
test_shim_counts (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto (GStrv) env = shim_environ (fixture->log_path);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) getent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  g_subprocess_launcher_set_environ (launcher, env);
  getent = g_subprocess_launcher_spawn (launcher, &error, "getent", "ahosts", "localhost", NULL);
  if (getent == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("getent cannot run here: %s", error->message);

      g_test_skip (reason);
      return;
    }
  g_assert_true (g_subprocess_wait (getent, NULL, &error));
  g_assert_no_error (error);
  log = read_log (fixture->log_path);
  g_test_message ("shim log of getent: %s", log);
  g_assert_true (g_str_has_prefix (log, "loaded getaddrinfo-count\n"));
  g_assert_true (log_has_lookup (log, "localhost"));
}

/*
 * The client runs under the shim; curl (not watched) asks the proxy for localhost and for a
 * made-up name in .invalid that no resolver can answer. The first download arrives intact,
 * the second ends in an error from the exit and reaches no server, and the client's log
 * holds neither name: both were sent to the exit as text.
 */
static void
test_proxied_names (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(SocksTestHttp) http = NULL;
  g_autoptr(SocksTestLocalnet) localnet = NULL;
  g_autoptr(SocksTestClient) client = NULL;
  g_auto (GStrv) env = NULL;
  g_autofree char *data_dir = g_build_filename (fixture->dir, "client", NULL);
  g_autofree char *made_up = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *log = NULL;
  const char *extra[] = { "--zero-delay", NULL };

  if (curl_path[0] == '\0')
    {
      g_test_skip ("curl was not found at configure time");
      return;
    }
  http = socks_test_http_new (false);
  body = socks_test_http_add_random (http, "/named", 64 * 1024);
  localnet = socks_test_localnet_start (localnet_path, fixture->dir, true);
  g_assert_nonnull (localnet->exit_address);
  env = shim_environ (fixture->log_path);
  client = socks_test_client_start (cli_path, localnet, data_dir, NULL, extra, (const char * const *) env);

  {
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/named", http->port);
    g_autofree char *out_path = g_build_filename (fixture->dir, "named", NULL);
    g_autoptr(GSubprocess) curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", client->proxy, url,
                                                         out_path, NULL);

    g_assert_cmpint (socks_test_curl_finish (curl, NULL, NULL), ==, 0);
    socks_test_assert_file_matches (out_path, body);
  }

  made_up = g_strdup_printf ("nymph-exit-only-%08x.invalid", g_random_int ());
  {
    g_autofree char *url = g_strdup_printf ("http://%s:%u/named", made_up, http->port);
    g_autofree char *out_path = g_build_filename (fixture->dir, "made-up", NULL);
    g_autoptr(GSubprocess) curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", client->proxy, url,
                                                         out_path, NULL);
    int status = socks_test_curl_finish (curl, NULL, NULL);

    /* The exit could not connect and said so: curl fails at once (not by its own timeout,
     * 28) and nothing was written. */
    g_assert_cmpint (status, !=, 0);
    g_assert_cmpint (status, !=, 28);
    g_assert_cmpint (socks_test_file_size (out_path), ==, 0);
  }
  g_assert_cmpuint (socks_test_http_hits_for_host (http, made_up), ==, 0);

  /* The exit refused the made-up name itself (its resolver failed) and said so. */
  socks_test_client_stop (client);
  {
    g_autofree char *localnet_err = socks_test_localnet_stop (localnet);
    g_autofree char *exit_counters = socks_test_localnet_counters (localnet_err, "exit");

    g_assert_nonnull (exit_counters);
    g_assert_cmpint (socks_test_counter (exit_counters, "connections-refused"), ==, 1);
    g_assert_cmpint (socks_test_counter (exit_counters, "connections-opened"), ==, 1);
  }

  log = read_log (fixture->log_path);
  g_test_message ("shim log of the client: %s", log);
  g_assert_true (g_str_has_prefix (log, "loaded getaddrinfo-count\n"));
  g_assert_false (log_has_lookup (log, "localhost"));
  g_assert_false (log_has_lookup (log, made_up));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 5)
    g_error ("usage: %s NYMPH-CLI NYMPH-LOCALNET CURL-OR-EMPTY GETADDRINFO-COUNT.so", argv[0]);
  cli_path = argv[1];
  localnet_path = argv[2];
  curl_path = argv[3];
  shim_path = argv[4];

  g_test_add ("/socks5/no-dns/shim-counts", Fixture, NULL, fixture_set_up, test_shim_counts, fixture_tear_down);
  g_test_add ("/socks5/no-dns/proxied-names", Fixture, NULL, fixture_set_up, test_proxied_names, fixture_tear_down);
  return g_test_run ();
}
