/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the SOCKS5 proxy over a localnet: 10 MB download throughput (anonymous, and with --open-proxy-mode) against the X25519 limit of its packets (per hop, and as counted in the processes), time to proxy ready against the real WASM client's time to ready, and time to first byte with default delays and cover traffic. */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>

#include "packet/nym-packet-size.h"
#include "socks5-test-util.h"
#include "x25519-count.h"

#define DOWNLOAD_SIZE  (10 * 1024 * 1024)
#define DOWNLOAD_TRIES 2
#define TTFB_TRIES     15
#define READY_TRIES    5

/*
 * Two limits, two ratios (download throughput / limit), for each mode:
 *
 * throughput_ratio (and open_proxy_throughput_ratio) uses the per-hop limit: the path of
 * every data packet from the exit to us is mix layers 1-3 and the client's gateway, each
 * unwrapping one Sphinx layer; we count one X25519 per hop, on one core, as the goal states
 * it. So limit_KiB_s = x25519_per_s / 4 × payload per packet, and this limit is generous:
 * it leaves out every other X25519 a downloaded packet costs, and it gives all of them one
 * core although a localnet has the whole machine.
 *
 * throughput_ratio_counted (and open_proxy_…) uses a measured limit: the nymph-localnet
 * and nymph-cli children run with the x25519-count shim preloaded, which counts every
 * X25519 they ask libsodium for while the downloads run (bench/x25519-count.c); curl and
 * this process are not counted. That is all the X25519 work that moving the bytes cost on
 * this machine: unwrapping each packet at every hop (a forward hop also blinds α), the same
 * for its SURB-ACK, the exit making the SURB-ACK, the client making the reply SURBs the
 * packets travel on, and whatever else ran meanwhile (SURB top-ups, acks, the request).
 * x25519_per_packet = those multiplications / (downloaded bytes / payload per packet), so a
 * packet here is a full payload's worth of the downloaded bytes, and retransmissions and
 * partly filled packets are paid for in it. The limit is the rate those multiplications
 * allow when every core the run may use (sched_getaffinity) does nothing else:
 * counted_limit_KiB_s = cores × payload per packet / (seconds of X25519 per packet on one
 * core), where a variable-base multiplication takes 1 / x25519_per_s and a fixed-base one
 * (a new public key, which libsodium may compute faster) 1 / x25519_base_per_s, both
 * measured by this process after the downloads. With only variable-base ones this is
 * cores × x25519_per_s / x25519_per_packet × payload per packet.
 */
#define HOPS_PER_PACKET 4

/* One X25519 per hop on the way is the least a downloaded packet can cost; fewer counted means the shim missed some. */
#define MIN_COUNTED_PER_PACKET HOPS_PER_PACKET

static const char *cli_path;
static const char *localnet_path;
static const char *curl_path;
static const char *node_path;
static const char *wasm_script;
static const char *shim_path;

/*
 * X25519 scalar multiplications per second on one core, best of three rounds of ~0.3 s:
 * of a given point (a shared secret), or of the base point (a public key) if @base.
 */
static double
measure_x25519 (bool base)
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
              if (base)
                crypto_scalarmult_base (out, point);
              else if (crypto_scalarmult (out, scalar, point) != 0)
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

/* --- Counting X25519 in the children ---------------------------------------------- */

/* What the shim counted in the children while the downloads of one mode ran. */
typedef struct
{
  uint64_t variable;
  uint64_t fixed;
  double   bytes;
} Counted;

/* The environment of a counted child: ours, with the shim preloaded and counting into @dir. */
static char **
counted_environ (const char *dir)
{
  char **env = g_get_environ ();
  const char *asan = g_environ_getenv (env, "ASAN_OPTIONS");
  g_autofree char *asan_options = g_strdup_printf ("%s%sverify_asan_link_order=0", asan != NULL ? asan : "",
                                                   asan != NULL && *asan != '\0' ? ":" : "");

  env = g_environ_setenv (env, "LD_PRELOAD", shim_path, TRUE);
  env = g_environ_setenv (env, NYMPH_X25519_COUNT_ENV, dir, TRUE);
  /* In a sanitizer build the shim is loaded before libasan, which is harmless for counting. */
  env = g_environ_setenv (env, "ASAN_OPTIONS", asan_options, TRUE);
  return env;
}

/*
 * Starts the zero-delay localnet with the shim. socks_test_localnet_start spawns it with our
 * environment, so the shim's variables are set in ours just for that spawn (LD_PRELOAD does
 * nothing to a process that is already running) and put back at once; no thread of this
 * process reads the environment meanwhile.
 */
static SocksTestLocalnet *
counted_localnet_start (const char *dir,
                        const char *count_dir)
{
  g_auto (GStrv) env = counted_environ (count_dir);
  const char *names[] = { "LD_PRELOAD", NYMPH_X25519_COUNT_ENV, "ASAN_OPTIONS" };
  char *saved[G_N_ELEMENTS (names)];
  SocksTestLocalnet *localnet;

  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      saved[i] = g_strdup (g_getenv (names[i]));
      g_setenv (names[i], g_environ_getenv (env, names[i]), TRUE);
    }
  localnet = socks_test_localnet_start (localnet_path, dir, true);
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (saved[i] != NULL)
        g_setenv (names[i], saved[i], TRUE);
      else
        g_unsetenv (names[i]);
      g_free (saved[i]);
    }
  return localnet;
}

/* The shim must be counting in @child, or the counted limit would be a made-up number. */
static void
assert_counted (const char     *count_dir,
                SocksTestChild *child)
{
  const char *pid = g_subprocess_get_identifier (child->process);
  g_autofree char *name = g_strdup_printf (NYMPH_X25519_COUNT_PREFIX "%s" NYMPH_X25519_COUNT_SUFFIX,
                                           pid != NULL ? pid : "gone");
  g_autofree char *path = g_build_filename (count_dir, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("the x25519-count shim is not counting in %s (no %s)", child->name, path);
}

static NymphX25519Counts
read_counts (const char *count_dir)
{
  NymphX25519Counts counts;

  if (!nymph_x25519_counts_read (count_dir, &counts))
    g_error ("cannot read the x25519-count files in %s", count_dir);
  return counts;
}

/*
 * The counts once the work the downloads caused has ended: the last SURB-ACKs and SURB
 * top-ups are still being made and unwrapped when curl has its last byte. Waits until
 * nothing was counted for 200 ms (at most 5 s).
 */
static NymphX25519Counts
settled_counts (const char *count_dir)
{
  NymphX25519Counts last = read_counts (count_dir);

  for (int i = 0; i < 25; i++)
    {
      NymphX25519Counts now;

      g_usleep (200 * 1000);
      now = read_counts (count_dir);
      if (now.variable == last.variable && now.fixed == last.fixed)
        break;
      last = now;
    }
  return last;
}

/* X25519 per packet of payload in @counted (see the top of the file). */
static double
counted_per_packet (const Counted *counted,
                    size_t         payload)
{
  return (double) (counted->variable + counted->fixed) / (counted->bytes / (double) payload);
}

/* The counted limit in bytes per second, and the sanity check that fails loudly. */
static double
counted_limit (const Counted *counted,
               const char    *mode,
               size_t         payload,
               int            cores,
               double         variable_per_s,
               double         fixed_per_s)
{
  double packets = counted->bytes / (double) payload;
  double seconds_per_packet = ((double) counted->variable / variable_per_s + (double) counted->fixed / fixed_per_s)
                              / packets;

  if (counted_per_packet (counted, payload) < MIN_COUNTED_PER_PACKET)
    g_error ("%s: the shim counted %.2f X25519 per downloaded packet, fewer than the %d hops that unwrap it: "
             "it misses calls", mode, counted_per_packet (counted, payload), MIN_COUNTED_PER_PACKET);
  return cores * (double) payload / seconds_per_packet;
}

/* The number of cores this process (and so its children) may run on. */
static int
available_cores (void)
{
  cpu_set_t set;

  CPU_ZERO (&set);
  if (sched_getaffinity (0, sizeof set, &set) != 0)
    g_error ("sched_getaffinity failed: %s", g_strerror (errno));
  return CPU_COUNT (&set);
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
  double x25519_per_s, x25519_base_per_s, limit_bytes_per_s, throughput_bytes_per_s, download_s, open_download_s;
  double counted_limit_bytes_per_s, open_counted_limit_bytes_per_s;
  Counted anonymous_counted = { 0 }, open_counted = { 0 };
  int cores = available_cores ();
  double cli_ms, wasm_ms, ttfb_median_ms;
  double ttfb_ms[TTFB_TRIES];
  size_t payload = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  if (argc != 7)
    {
      fprintf (stderr, "usage: %s NYMPH-CLI NYMPH-LOCALNET CURL NODE-OR-EMPTY WASM-READY.mjs X25519-COUNT.so\n",
               argv[0]);
      return 2;
    }
  cli_path = argv[1];
  localnet_path = argv[2];
  curl_path = argv[3];
  node_path = argv[4];
  wasm_script = argv[5];
  shim_path = argv[6];
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
    g_autofree char *count_dir = g_build_filename (fast_dir, "x25519-count", NULL);
    g_autoptr(SocksTestLocalnet) localnet = NULL;
    g_auto (GStrv) counted_env = counted_environ (count_dir);
    NymphX25519Counts before, after;
    g_autoptr(SocksTestClient) client = NULL;
    g_autofree char *client_dir = g_build_filename (fast_dir, "client", NULL);
    g_autofree char *out_path = g_build_filename (fast_dir, "big", NULL);
    g_autofree char *url = g_strdup_printf ("http://localhost:%u/big", http->port);
    g_autofree char *open_dir = g_build_filename (fast_dir, "open-client", NULL);
    const char *extra[] = { "--zero-delay", NULL };
    const char *open_extra[] = { "--zero-delay", "--open-proxy-mode", NULL };

    if (g_mkdir (count_dir, 0700) != 0)
      g_error ("cannot create %s: %s", count_dir, g_strerror (errno));
    localnet = counted_localnet_start (fast_dir, count_dir);

    /* The best of a few downloads: other work on the machine only ever slows one down. The
     * shim counts over all of them, which the download bytes of Counted account for. */
    client = socks_test_client_start (cli_path, localnet, client_dir, NULL, extra, (const char * const *) counted_env);
    assert_counted (count_dir, localnet->child);
    assert_counted (count_dir, client->child);
    before = settled_counts (count_dir);
    download_s = best_download_s (client, url, out_path, big);
    after = settled_counts (count_dir);
    anonymous_counted = (Counted) { after.variable - before.variable, after.fixed - before.fixed,
                                    (double) DOWNLOAD_SIZE * DOWNLOAD_TRIES };
    throughput_bytes_per_s = DOWNLOAD_SIZE / download_s;
    socks_test_client_free (g_steal_pointer (&client));

    /* The same with the client's address in each Connect instead of reply SURBs. */
    client = socks_test_client_start (cli_path, localnet, open_dir, NULL, open_extra,
                                      (const char * const *) counted_env);
    assert_counted (count_dir, client->child);
    before = settled_counts (count_dir);
    open_download_s = best_download_s (client, url, out_path, big);
    after = settled_counts (count_dir);
    open_counted = (Counted) { after.variable - before.variable, after.fixed - before.fixed,
                               (double) DOWNLOAD_SIZE * DOWNLOAD_TRIES };

    /* Measured after the download so the download has the machine to itself. */
    socks_test_client_free (g_steal_pointer (&client));
    cli_ms = cli_ready_ms (localnet, fast_dir);
    wasm_ms = wasm_ready_ms (localnet);
  }

  x25519_per_s = measure_x25519 (false);
  x25519_base_per_s = measure_x25519 (true);
  limit_bytes_per_s = x25519_per_s / HOPS_PER_PACKET * (double) payload;
  counted_limit_bytes_per_s = counted_limit (&anonymous_counted, "anonymous", payload, cores, x25519_per_s,
                                             x25519_base_per_s);
  open_counted_limit_bytes_per_s = counted_limit (&open_counted, "open proxy", payload, cores, x25519_per_s,
                                                  x25519_base_per_s);

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
          "cores=%d x25519_base_per_s=%.0f "
          "x25519_per_packet=%.2f x25519_fixed_per_packet=%.2f counted_limit_KiB_s=%.0f throughput_ratio_counted=%.3f "
          "open_proxy_x25519_per_packet=%.2f open_proxy_x25519_fixed_per_packet=%.2f "
          "open_proxy_counted_limit_KiB_s=%.0f open_proxy_throughput_ratio_counted=%.3f "
          "cli_ready_ms=%.0f wasm_ready_ms=%.0f ready_ratio=%.3f "
          "ttfb_median_ms=%.0f ttfb_tries=%d\n",
          download_s, throughput_bytes_per_s / 1024.0, x25519_per_s, limit_bytes_per_s / 1024.0,
          throughput_bytes_per_s / limit_bytes_per_s, open_download_s,
          DOWNLOAD_SIZE / open_download_s / limit_bytes_per_s,
          cores, x25519_base_per_s,
          counted_per_packet (&anonymous_counted, payload),
          (double) anonymous_counted.fixed / (anonymous_counted.bytes / (double) payload),
          counted_limit_bytes_per_s / 1024.0, throughput_bytes_per_s / counted_limit_bytes_per_s,
          counted_per_packet (&open_counted, payload),
          (double) open_counted.fixed / (open_counted.bytes / (double) payload),
          open_counted_limit_bytes_per_s / 1024.0, DOWNLOAD_SIZE / open_download_s / open_counted_limit_bytes_per_s,
          cli_ms, wasm_ms, cli_ms / wasm_ms, ttfb_median_ms, TTFB_TRIES);

  socks_test_http_free (g_steal_pointer (&http));
  socks_test_remove_tree (dir);
  return 0;
}
