/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of Sphinx unwrapping at a hop and 4-hop packet creation, against libsodium's X25519 rate. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <sodium.h>

#include "nym-core.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-packet.h"

#define PAYLOAD_SIZE 2065 /* a Regular packet: 2048 bytes of plaintext */
#define N_HOPS       4
#define SLICE_SECONDS 0.1
#define ROUNDS        15

/* Runs func for SLICE_SECONDS and returns calls per second. The three measurements are
 * interleaved in short slices and the best slice of each is kept, so that other load on
 * the machine (parallel builds) disturbs the ratios as little as possible. */
static double
measure (void (*func) (gpointer),
         gpointer data)
{
  gint64 start;
  gint64 elapsed;
  unsigned long calls = 0;

  start = g_get_monotonic_time ();
  do
    {
      for (int i = 0; i < 20; i++)
        func (data);
      calls += 20;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < (gint64) (SLICE_SECONDS * G_USEC_PER_SEC));
  return (double) calls * G_USEC_PER_SEC / (double) elapsed;
}

typedef struct
{
  NymSphinxNode        route[N_HOPS];
  uint8_t              secrets[N_HOPS][32];
  uint64_t             delays[N_HOPS];
  NymSphinxDestination destination;
  uint8_t              initial_secret[32];
  uint8_t              message[PAYLOAD_SIZE - 17];
  uint8_t              packet[NYM_SPHINX_HEADER_SIZE + PAYLOAD_SIZE];
  uint8_t              out[NYM_SPHINX_HEADER_SIZE + PAYLOAD_SIZE];
  uint8_t              scalar[32];
  uint8_t              point[32];
  uint8_t              result[32];
} Bench;

static void
run_x25519 (gpointer data)
{
  Bench *bench = data;

  if (crypto_scalarmult (bench->result, bench->scalar, bench->point) != 0)
    g_error ("crypto_scalarmult failed");
  /* Feed the result back so that every call works on a different point. */
  memcpy (bench->point, bench->result, 32);
}

static void
run_unwrap (gpointer data)
{
  Bench *bench = data;
  NymSphinxUnwrapped result;

  if (!nym_sphinx_packet_unwrap (bench->secrets[0], bench->packet, sizeof bench->packet,
                                 bench->out, &result, NULL))
    g_error ("unwrapping the benchmark packet failed");
}

static void
run_create (gpointer data)
{
  Bench *bench = data;

  bench->initial_secret[0]++;
  if (!nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, bench->route, N_HOPS,
                                 &bench->destination, bench->delays, bench->initial_secret,
                                 bench->message, sizeof bench->message, PAYLOAD_SIZE,
                                 bench->packet, NULL))
    g_error ("creating the benchmark packet failed");
}

int
main (void)
{
  Bench *bench = g_new0 (Bench, 1);
  double x25519_per_s;
  double unwrap_per_s;
  double create_per_s;

  if (!nym_core_init ())
    g_error ("libnymcore failed to initialise");

  for (size_t i = 0; i < N_HOPS; i++)
    {
      nym_x25519_keypair (bench->route[i].pub, bench->secrets[i]);
      bench->route[i].address[0] = 4;
      bench->route[i].address[2] = (uint8_t) i;
      bench->delays[i] = 15000000;
    }
  randombytes_buf (bench->destination.address, 32);
  randombytes_buf (bench->initial_secret, 32);
  randombytes_buf (bench->message, sizeof bench->message);
  randombytes_buf (bench->scalar, 32);
  nym_x25519_base (bench->point, bench->initial_secret);

  x25519_per_s = unwrap_per_s = create_per_s = 0;
  for (int round = 0; round < ROUNDS; round++)
    {
      x25519_per_s = MAX (x25519_per_s, measure (run_x25519, bench));
      create_per_s = MAX (create_per_s, measure (run_create, bench));
      /* The packet left by the last creation is a valid 4-hop packet for hop 0. */
      unwrap_per_s = MAX (unwrap_per_s, measure (run_unwrap, bench));
    }

  printf ("sphinx unwrap_per_s=%.0f create_per_s=%.0f x25519_per_s=%.0f "
          "unwrap_ratio=%.3f create_header_ratio=%.3f\n",
          unwrap_per_s, create_per_s, x25519_per_s,
          unwrap_per_s / (x25519_per_s / 2), create_per_s / (x25519_per_s / 11));

  sodium_memzero (bench, sizeof *bench);
  g_free (bench);
  return 0;
}
