/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of Sphinx unwrapping at a hop, 4-hop header creation, and complete regular data
 * packets (fragment encryption + SURB-ACK + 4-hop Sphinx), each against the limit set by
 * libsodium's X25519 rate measured in the same process. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <sodium.h>

#include "nym-core.h"
#include "crypto/nym-keys.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-packet-size.h"
#include "packet/nym-topology.h"
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

  /* For complete data packets: a network of one node per layer, and one fragment. */
  NymTopology         *topology;
  NymRecipient         self;
  uint8_t              ack_key[16];
  NymPacketPreparer    preparer;
  NymFragment         *fragment;
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

static void
run_data_packet (gpointer data)
{
  Bench *bench = data;
  NymPreparedPacket prepared = { 0 };

  if (!nym_prepare_regular_packet (&bench->preparer, &bench->self, bench->fragment, &prepared, NULL))
    g_error ("preparing the benchmark data packet failed");
  g_bytes_unref (prepared.packet);
}

/* One mix per layer and a gateway, all with fresh keys; we are a client of that gateway. */
static void
setup_data_packets (Bench *bench)
{
  static const uint8_t localhost[4] = { 127, 0, 0, 1 };
  uint8_t secret[32];
  uint8_t client_private[32];
  uint8_t message[1500];
  g_autoptr(NymMessage) nym_message = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  bench->topology = nym_topology_new (1);
  for (unsigned layer = 0; layer <= NYM_TOPOLOGY_LAYERS; layer++)
    {
      NymTopologyNode node = { 0 };

      node.node_id = 100 + layer;
      nym_x25519_keypair (node.sphinx_key, secret);
      nym_random_bytes (node.identity, 32);
      nym_node_address_init_ipv4 (&node.address, localhost, (uint16_t) (20000 + layer));
      if (layer == 0)
        nym_topology_add_gateway (bench->topology, &node);
      else if (!nym_topology_add_mix (bench->topology, layer, &node, NULL))
        g_error ("building the benchmark topology failed");
    }
  nym_random_bytes (bench->self.identity, 32);
  nym_x25519_keypair (bench->self.encryption_key, client_private);
  memcpy (bench->self.gateway, g_array_index (bench->topology->gateways, NymTopologyNode, 0).identity, 32);
  nym_random_bytes (bench->ack_key, sizeof bench->ack_key);
  nym_packet_preparer_init_defaults (&bench->preparer, bench->topology, &bench->self, bench->ack_key);

  nym_random_bytes (message, sizeof message);
  nym_message = nym_message_new_plain (message, sizeof message);
  bytes = nym_message_to_bytes (nym_message, NULL);
  padded = nym_message_pad (bytes->data, bytes->len, capacity);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, NULL);
  if (fragments == NULL || fragments->len != 1)
    g_error ("splitting the benchmark message into one fragment failed");
  bench->fragment = g_ptr_array_steal_index (fragments, 0);
  sodium_memzero (secret, sizeof secret);
  sodium_memzero (client_private, sizeof client_private);
}

int
main (void)
{
  Bench *bench = g_new0 (Bench, 1);
  double x25519_per_s;
  double unwrap_per_s;
  double create_per_s;
  double data_per_s;

  if (!nym_core_init ())
    g_error ("libnymcore failed to initialise");
  setup_data_packets (bench);

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

  x25519_per_s = unwrap_per_s = create_per_s = data_per_s = 0;
  for (int round = 0; round < ROUNDS; round++)
    {
      x25519_per_s = MAX (x25519_per_s, measure (run_x25519, bench));
      create_per_s = MAX (create_per_s, measure (run_create, bench));
      /* The packet left by the last creation is a valid 4-hop packet for hop 0. */
      unwrap_per_s = MAX (unwrap_per_s, measure (run_unwrap, bench));
      data_per_s = MAX (data_per_s, measure (run_data_packet, bench));
    }

  /*
   * The limits of the straightforward algorithm: an unwrap needs 2 scalar multiplications;
   * a 4-hop header 1 + (1+2+3+4) = 11; a regular data packet two 4-hop headers (the packet
   * and its SURB-ACK) and the end-to-end key agreement (2), so 24.
   */
  printf ("sphinx unwrap_per_s=%.0f create_per_s=%.0f data_packets_per_s=%.0f x25519_per_s=%.0f "
          "unwrap_ratio=%.3f create_header_ratio=%.3f create_ratio=%.3f\n",
          unwrap_per_s, create_per_s, data_per_s, x25519_per_s,
          unwrap_per_s / (x25519_per_s / 2), create_per_s / (x25519_per_s / 11),
          data_per_s / (x25519_per_s / 24));

  nym_fragment_free (bench->fragment);
  nym_topology_free (bench->topology);
  sodium_memzero (bench, sizeof *bench);
  g_free (bench);
  return 0;
}
