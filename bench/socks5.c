/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the SOCKS5 proxy over a localnet: 10 MB download throughput (anonymous, and with --open-proxy-mode) against the X25519 limit of its packets, time to proxy ready against the real WASM client's time to ready, and time to first byte with default delays and cover traffic. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

#include "packet/nym-packet-size.h"
#include "socks5-test-util.h"

#define DOWNLOAD_SIZE  (10 * 1024 * 1024)
#define DOWNLOAD_TRIES 2
#define TTFB_TRIES     15
#define READY_TRIES    5

/*
 * The path of every data packet from the exit to us: mix layers 1-3 and the client's
 * gateway, each unwrapping one Sphinx layer. We count one X25519 per hop, on one core, as
 * the goal states it; so this limit is generous. What a downloaded packet really costs, as
 * counted in the processes (2026-11): 7 X25519 to unwrap it (a forward hop also blinds α),
 * 7 more for its SURB-ACK's way back, about 5 for the exit to make that SURB-ACK and 5 for
 * the client to make the reply SURB it travels on, and in anonymous mode about 0.3 packets
 * of AdditionalSurbs per reply packet: some 31 X25519 in all, spread over the machine's cores.
 */
#define HOPS_PER_PACKET 4

static const char *cli_path;
static const char *localnet_path;
static const char *curl_path;
static const char *node_path;
static const char *wasm_script;

/* X25519 scalar multiplications per second on one core, best of three rounds of ~0.3 s. */
static double
measure_x25519 (void)
{
  uint8_t scalar[32];
  uint8_t point[32];
  uint8_t out[32];
  double best = 0;

  randombytes_buf (scalar, sizeof scalar);
  crypto_scalarmult_base (point, scalar);
  for (int round = 0; round < 3; round++)
    {
      gint64 start = g_get_monotonic_time ();
      guint64 ops = 0;
      gint64 elapsed;

      do
        {
          for (int i = 0; i < 256; i++)
            {
              if (crypto_scalarmult (out, scalar, point) != 0)
                g_error ("X25519 gave the all-zero point");
              /* Feed the result back so the work cannot be skipped. */
              point[i % 32] ^= out[0];
            }
          ops += 256;
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < 300 * 1000);
      best = MAX (best, (double) ops * G_USEC_PER_SEC / (double) elapsed);
    }
  return best;
}

/* Runs curl through @proxy for @url, writing to @out_path; returns curl's -w line. */
static char *
curl_timed (const char *proxy,
            const char *url,
            const char *out_path)
{
  const char *extra[] = { "--write-out", "%{time_starttransfer} %{time_total} %{size_download}", NULL };
  g_autoptr(GSubprocess) curl = socks_test_curl_spawn (curl_path, "--socks5-hostname", proxy, url, out_path, extra);
  g_autofree char *out = NULL;
  int status = socks_test_curl_finish (curl, &out, NULL);

  if (status != 0)
    g_error ("curl through %s for %s failed with exit status %d", proxy, url, status);
  return g_steal_pointer (&out);
}

/* The median time the real WASM client needs to be ready on @localnet, or NAN (with the reason on stderr). */
static double
wasm_ready_ms (SocksTestLocalnet *localnet)
{
  g_autofree char *tries = g_strdup_printf ("%d", READY_TRIES);
  const char *argv[] = { node_path, wasm_script, localnet->json_path, tries, NULL };
  g_autoptr(SocksTestChild) node = NULL;
  g_autofree char *line = NULL;

  if (node_path[0] == '\0')
    {
      fprintf (stderr, "socks5: node (Node.js 20) was not found; no WASM ready time\n");
      return NAN;
    }
  node = socks_test_child_spawn ("node", argv, NULL);
  line = socks_test_child_wait_line (node, "wasm_ready_ms=", NULL, SOCKS_TEST_GUARD_S);
  socks_test_child_stop (node, SIGTERM);
  if (line == NULL)
    {
      fprintf (stderr, "socks5: the WASM client did not report ready (skipped, or it failed: see above)\n");
      return NAN;
    }
  return g_ascii_strtod (line + strlen ("wasm_ready_ms="), NULL);
}

/* The shortest of DOWNLOAD_TRIES downloads of url (checked against expected) through client. */
static double
best_download_s (SocksTestClient *client,
                 const char      *url,
                 const char      *out_path,
                 GBytes          *expected)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < DOWNLOAD_TRIES; i++)
    {
      g_autofree char *timing = curl_timed (client->proxy, url, out_path);
      double start_transfer = 0, total = 0;

      socks_test_assert_file_matches (out_path, expected);
      if (sscanf (timing, "%lf %lf", &start_transfer, &total) != 2 || total <= 0)
        g_error ("unexpected curl timing line: %s", timing);
      best = MIN (best, total);
    }
  return best;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (double *values,
        size_t  n)
{
  qsort (values, n, sizeof values[0], compare_doubles);
  return values[n / 2];
}

/*
 * The median time from spawning "nymph-cli mixnet run" with a fresh data directory (so it
 * registers, as the fresh WASM clients do) to its "socks5: ADDRESS" line.
 */
static double
cli_ready_ms (SocksTestLocalnet *localnet,
              const char        *dir)
{
  double times[READY_TRIES];
  const char *extra[] = { "--zero-delay", NULL };

  for (guint i = 0; i < READY_TRIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("ready-%u", i);
      g_autofree char *client_dir = g_build_filename (dir, name, NULL);
      g_autoptr(SocksTestClient) client = socks_test_client_start (cli_path, localnet, client_dir, NULL, extra, NULL);

      times[i] = (double) client->ready_us / 1000.0;
    }
  return median (times, READY_TRIES);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *fast_dir = NULL;
  g_autofree char *slow_dir = NULL;
  g_autoptr(SocksTestHttp) http = NULL;
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) small = NULL;
  double x25519_per_s, limit_bytes_per_s, throughput_bytes_per_s, download_s, open_download_s;
  double cli_ms, wasm_ms, ttfb_median_ms;
  double ttfb_ms[TTFB_TRIES];
  size_t payload = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  if (argc != 6)
    {
      fprintf (stderr, "usage: %s NYMPH-CLI NYMPH-LOCALNET CURL NODE-OR-EMPTY WASM-READY.mjs\n", argv[0]);
      return 2;
    }
  cli_path = argv[1];
  localnet_path = argv[2];
  curl_path = argv[3];
  node_path = argv[4];
  wasm_script = argv[5];
  if (curl_path[0] == '\0')
    {
      fprintf (stderr, "socks5: curl was not found at configure time\n");
      return 77;
    }
  if (sodium_init () < 0)
    g_error ("libsodium failed to initialise");
  dir = g_dir_make_tmp ("bench-socks5-XXXXXX", &error);
  g_assert_no_error (error);
  fast_dir = g_build_filename (dir, "zero-delay", NULL);
  slow_dir = g_build_filename (dir, "default-delays", NULL);
  g_mkdir (fast_dir, 0700);
  g_mkdir (slow_dir, 0700);

  http = socks_test_http_new (false);
  big = socks_test_http_add_random (http, "/big", DOWNLOAD_SIZE);
  small = socks_test_http_add_random (http, "/small", 1024);

  /* (a) and (b): a zero-delay localnet, the client without cover traffic. */
  {
    g_autoptr(SocksTestLocalnet) localnet = socks_test_localnet_start (localnet_path, fast_dir, true);
    g_autoptr(SocksTestClient) client = NULL;
    g_autofree char *client_dir = g_build_filename (fast_dir, "client", NULL);
    g_autofree char *out_path = g_build_filename (fast_dir, "big", NULL);
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/big", http->port);
    g_autofree char *open_dir = g_build_filename (fast_dir, "open-client", NULL);
    const char *extra[] = { "--zero-delay", NULL };
    const char *open_extra[] = { "--zero-delay", "--open-proxy-mode", NULL };

    /* The best of a few downloads: other work on the machine only ever slows one down. */
    client = socks_test_client_start (cli_path, localnet, client_dir, NULL, extra, NULL);
    download_s = best_download_s (client, url, out_path, big);
    throughput_bytes_per_s = DOWNLOAD_SIZE / download_s;
    socks_test_client_free (g_steal_pointer (&client));

    /* The same with the client's address in each Connect instead of reply SURBs. */
    client = socks_test_client_start (cli_path, localnet, open_dir, NULL, open_extra, NULL);
    open_download_s = best_download_s (client, url, out_path, big);

    /* Measured after the download so the download has the machine to itself. */
    socks_test_client_free (g_steal_pointer (&client));
    cli_ms = cli_ready_ms (localnet, fast_dir);
    wasm_ms = wasm_ready_ms (localnet);
  }

  x25519_per_s = measure_x25519 ();
  limit_bytes_per_s = x25519_per_s / HOPS_PER_PACKET * (double) payload;

  /* (c): mix delays as the packets' headers say, cover traffic on. */
  {
    g_autoptr(SocksTestLocalnet) localnet = socks_test_localnet_start (localnet_path, slow_dir, false);
    g_autoptr(SocksTestClient) client = NULL;
    g_autofree char *client_dir = g_build_filename (slow_dir, "client", NULL);
    g_autofree char *out_path = g_build_filename (slow_dir, "small", NULL);
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/small", http->port);

    client = socks_test_client_start (cli_path, localnet, client_dir, NULL, NULL, NULL);
    for (guint i = 0; i < TTFB_TRIES; i++)
      {
        g_autofree char *timing = curl_timed (client->proxy, url, out_path);
        double start_transfer = 0;

        socks_test_assert_file_matches (out_path, small);
        if (sscanf (timing, "%lf", &start_transfer) != 1)
          g_error ("unexpected curl timing line: %s", timing);
        ttfb_ms[i] = start_transfer * 1000.0;
      }
    ttfb_median_ms = median (ttfb_ms, TTFB_TRIES);
  }

  printf ("socks5 download_10MB_s=%.2f throughput_KiB_s=%.0f x25519_per_s=%.0f limit_KiB_s=%.0f "
          "throughput_ratio=%.3f open_proxy_download_10MB_s=%.2f open_proxy_throughput_ratio=%.3f "
          "cli_ready_ms=%.0f wasm_ready_ms=%.0f ready_ratio=%.3f "
          "ttfb_median_ms=%.0f ttfb_tries=%d\n",
          download_s, throughput_bytes_per_s / 1024.0, x25519_per_s, limit_bytes_per_s / 1024.0,
          throughput_bytes_per_s / limit_bytes_per_s, open_download_s,
          DOWNLOAD_SIZE / open_download_s / limit_bytes_per_s, cli_ms, wasm_ms, cli_ms / wasm_ms,
          ttfb_median_ms, TTFB_TRIES);

  socks_test_http_free (g_steal_pointer (&http));
  socks_test_remove_tree (dir);
  return 0;
}
