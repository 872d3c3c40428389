/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the mixnet client runtime: a 1 MiB message to ourselves, 1-byte round trips and anonymous 1-byte messages answered through their reply SURBs, through an in-process zero-delay localnet, against preparing the same packets alone. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "bench-localnet.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "runtime/nym-client.h"
#include "topology/nym-api-client.h"

#define BIG_LEN     (1024 * 1024)
#define ROUND_TRIPS 50
/* Enough that a reply needs no SurbRequest: the replier keeps 10 back for those. */
#define ANONYMOUS_SURBS 20

static guint received;

/* Every anonymous message is answered at once with its own bytes. */
static void
on_anonymous_message (NymClient  *client,
                      GBytes     *data,
                      const char *sender_tag,
                      gpointer    user_data)
{
  g_autoptr(GError) error = NULL;

  if (!nym_client_reply (client, sender_tag, data, &error))
    g_error ("%s", error->message);
}

static void
on_message (NymClient *client,
            GBytes    *data,
            gpointer   user_data)
{
  received++;
}

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("The benchmark did not finish within its guard time");
  return G_SOURCE_REMOVE;
}

static void
wait_for (const guint *counter,
          guint        value)
{
  while (*counter < value)
    g_main_context_iteration (NULL, TRUE);
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
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The baseline: the packet layer alone, on this thread, making the same message's
 * packets (envelope, padding, fragments, sphinx packets with SURB-ACKs) over the same
 * topology, without sending them. */
static double
prepare_only_ms (const char *api_url,
                 GBytes     *data)
{
  const char *urls[] = { api_url, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(NymApiClient) api = nym_api_client_new (urls, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;
  const NymTopology *topology;
  const NymTopologyNode *gateway;
  NymRecipient self;
  uint8_t ack_key[16];
  NymPacketPreparer preparer;
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  gint64 start;

  g_assert_no_error (error);
  nym_api_client_fetch_topology_async (api, NULL, on_async_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  snapshot = nym_api_client_fetch_topology_finish (api, result, &error);
  g_assert_no_error (error);
  topology = nym_topology_snapshot_get_topology (snapshot);
  gateway = &g_array_index (topology->gateways, NymTopologyNode, 0);
  randombytes_buf (&self, sizeof self);
  memcpy (self.gateway, gateway->identity, 32);
  {
    uint8_t secret[32];

    /* A valid X25519 public key for the end-to-end encryption. */
    randombytes_buf (secret, sizeof secret);
    crypto_scalarmult_base (self.encryption_key, secret);
    sodium_memzero (secret, sizeof secret);
  }
  randombytes_buf (ack_key, sizeof ack_key);
  nym_packet_preparer_init_defaults (&preparer, topology, &self, ack_key);
  preparer.average_packet_delay_ns = 0;
  preparer.average_ack_delay_ns = 0;

  start = g_get_monotonic_time ();
  message = nym_message_new_plain (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  bytes = nym_message_to_bytes (message, &error);
  g_assert_no_error (error);
  padded = nym_message_pad (bytes->data, bytes->len, capacity);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < fragments->len; i++)
    {
      NymPreparedPacket prepared = { 0 };

      if (!nym_prepare_regular_packet (&preparer, &self, g_ptr_array_index (fragments, i), &prepared, &error))
        g_error ("%s", error->message);
      nym_prepared_packet_clear (&prepared);
    }
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-client-runtime-XXXXXX", &error);
  g_autofree char *client_dir = NULL;
  g_autoptr(NymClient) client = NULL;
  BenchLocalnet net = { 0 };
  NymClientRuntimeConfig config;
  const char *urls[2] = { NULL, NULL };
  g_autofree uint8_t *big = g_malloc (BIG_LEN);
  g_autoptr(GBytes) big_bytes = NULL;
  g_autoptr(GBytes) one = g_bytes_new_static ("x", 1);
  gint64 start;
  double big_ms, rtt_ms, anonymous_ms, baseline_ms;

  g_assert_cmpint (sodium_init (), >=, 0);
  g_assert_no_error (error);
  g_timeout_add_seconds (240, on_timeout, NULL);
  bench_localnet_start (&net, dir);

  client_dir = g_build_filename (dir, "client", NULL);
  urls[0] = localnet_nym_api_get_url (net.api);
  nym_client_runtime_config_init (&config);
  config.data_dir = client_dir;
  config.nym_api_urls = (char **) urls;
  config.zero_delay = true;
  client = nym_client_new ();
  g_signal_connect (client, "message-received", G_CALLBACK (on_message), NULL);
  g_signal_connect (client, "anonymous-message-received", G_CALLBACK (on_anonymous_message), NULL);
  g_assert_true (nym_client_start (client, &config, &error));
  while (nym_client_get_state (client) != NYM_CLIENT_STATE_READY)
    {
      g_assert_cmpint (nym_client_get_state (client), !=, NYM_CLIENT_STATE_ERROR);
      g_main_context_iteration (NULL, TRUE);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUND_TRIPS; i++)
    {
      g_assert_true (nym_client_send_message (client, nym_client_get_address (client), one, &error));
      wait_for (&received, i + 1);
    }
  rtt_ms = (double) (g_get_monotonic_time () - start) / 1000.0 / ROUND_TRIPS;

  /* The message with its SURBs (made per message), and the reply through one of them. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUND_TRIPS; i++)
    {
      g_assert_true (nym_client_send_anonymous (client, nym_client_get_address (client), one, ANONYMOUS_SURBS, &error));
      wait_for (&received, ROUND_TRIPS + i + 1);
    }
  anonymous_ms = (double) (g_get_monotonic_time () - start) / 1000.0 / ROUND_TRIPS;

  randombytes_buf (big, BIG_LEN);
  big_bytes = g_bytes_new_take (g_steal_pointer (&big), BIG_LEN);
  start = g_get_monotonic_time ();
  g_assert_true (nym_client_send_message (client, nym_client_get_address (client), big_bytes, &error));
  wait_for (&received, 2 * ROUND_TRIPS + 1);
  big_ms = (double) (g_get_monotonic_time () - start) / 1000.0;
  baseline_ms = prepare_only_ms (urls[0], big_bytes);

  printf ("client-runtime rtt_1B_ms=%.2f anonymous_rtt_1B_%uSURBs_ms=%.2f msg_1MiB_ms=%.1f throughput_KiB_s=%.0f prepare_only_ms=%.1f prepare_share=%.3f retransmissions=%" G_GUINT64_FORMAT "\n",
          rtt_ms, ANONYMOUS_SURBS, anonymous_ms, big_ms, 1024.0 * 1000.0 / big_ms, baseline_ms, baseline_ms / big_ms,
          nym_client_runtime_get_retransmissions (nym_client_get_runtime (client)));

  nym_client_stop (client);
  g_clear_object (&client);
  bench_localnet_stop (&net);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  remove_tree (dir);
  return 0;
}
