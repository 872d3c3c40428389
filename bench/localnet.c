/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of three localnet mix nodes on one loop, unwrapping on worker threads or on the loop, against the bare unwrap rate. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "localnet-keys.h"
#include "mixnode/localnet-mixnode.h"
#include "packet/nym-node-address.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-packet-size.h"
#include "sphinx/nym-sphinx-packet.h"

#define N_PACKETS 1500
#define ROUNDS    3

typedef struct
{
  guint64  bytes;
  guint8   chunk[65536];
} Sink;

static void sink_read (GSocketConnection *connection, Sink *sink);

static void
sink_read_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GSocketConnection *connection = user_data;
  Sink *sink = g_object_get_data (G_OBJECT (connection), "sink");
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_object_unref (connection);
      return;
    }
  sink->bytes += (guint64) n;
  sink_read (connection, sink);
}

static void
sink_read (GSocketConnection *connection,
           Sink              *sink)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             sink->chunk, sizeof sink->chunk, G_PRIORITY_DEFAULT, NULL,
                             sink_read_done, connection);
}

static gboolean
sink_incoming (GSocketService    *service,
               GSocketConnection *connection,
               GObject           *source_object,
               gpointer           user_data)
{
  g_object_set_data (G_OBJECT (connection), "sink", user_data);
  sink_read (g_object_ref (connection), user_data);
  return TRUE;
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
address_bytes (guint16 port,
               uint8_t out[static 32])
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  NymNodeAddress address;

  nym_node_address_init_ipv4 (&address, loopback, port);
  nym_node_address_encode_padded (&address, out, 32);
}

static void
written (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
}

int
main (void)
{
  g_autofree char *dir = g_dir_make_tmp ("localnet-bench-XXXXXX", NULL);
  LocalnetMixnode *mix[3];
  LocalnetKeys *first_keys;
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) frames = g_byte_array_new ();
  g_autofree char *host = NULL;
  Sink *sink = g_new0 (Sink, 1);
  size_t packet_len = nym_packet_size_total (NYM_PACKET_SIZE_REGULAR);
  size_t payload = nym_packet_size_payload (NYM_PACKET_SIZE_REGULAR);
  uint8_t sink_pub[32], sink_secret[32];
  NymSphinxNode route[4];
  uint64_t delays[4] = { 0, 0, 0, 0 };
  NymSphinxDestination destination = { { 0 } };
  uint8_t message[1000];
  g_autofree uint8_t *packet = g_malloc (packet_len);
  g_autofree uint8_t *out = g_malloc (packet_len);
  g_autofree uint8_t *packets = g_malloc (packet_len * N_PACKETS);
  gint64 start, unwrap_us, mix_us;
  double unwrap_per_s, pooled_per_s = 0, inline_per_s = 0;

  if (sodium_init () < 0 || dir == NULL)
    return 1;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, NULL);
  g_signal_connect (service, "incoming", G_CALLBACK (sink_incoming), sink);
  g_socket_service_start (service);
  nym_x25519_keypair (sink_pub, sink_secret);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("mix-%u-1", i + 1);
      g_autofree char *node_dir = g_build_filename (dir, name, NULL);
      g_autoptr(LocalnetNodeInfo) info = NULL;

      mix[i] = localnet_mixnode_new (name, node_dir, i + 1);
      localnet_mixnode_set_zero_delay (mix[i], TRUE);
      if (!localnet_mixnode_start (mix[i], 0, NULL))
        return 1;
      info = localnet_mixnode_dup_info (mix[i]);
      address_bytes (info->mix_port, route[i].address);
      memcpy (route[i].pub, info->sphinx_key, 32);
    }
  address_bytes (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)), route[3].address);
  memcpy (route[3].pub, sink_pub, 32);
  {
    g_autofree char *first_dir = g_build_filename (dir, "mix-1-1", NULL);
    first_keys = localnet_keys_load_or_create (first_dir, NULL);
  }

  randombytes_buf (message, sizeof message);
  /* Fresh packets for every batch, since the nodes drop replays. */
  for (guint i = 0; i < N_PACKETS * 2 * ROUNDS; i++)
    {
      uint8_t secret[32];
      NymNodeFrameHeader header = { 8, NYM_PACKET_SIZE_REGULAR, NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD };

      randombytes_buf (secret, sizeof secret);
      if (!nym_sphinx_packet_create (NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS, route, 4, &destination, delays,
                                     secret, message, sizeof message, payload, packet, NULL)
          || !nym_node_frame_encode (&header, packet, packet_len, frames, NULL))
        return 1;
      if (i < N_PACKETS)
        memcpy (packets + i * packet_len, packet, packet_len);
    }

  /* Baseline: the first hop's unwrap, done directly. A pipeline of three hops on one
   * thread cannot beat a third of this rate. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PACKETS; i++)
    {
      NymSphinxUnwrapped result;
      if (!nym_sphinx_packet_unwrap (first_keys->sphinx_secret, packets + i * packet_len, packet_len,
                                     out, &result, NULL))
        return 1;
    }
  unwrap_us = g_get_monotonic_time () - start;
  unwrap_per_s = (double) N_PACKETS * G_USEC_PER_SEC / (double) unwrap_us;

  host = g_strdup_printf ("127.0.0.1:%u", localnet_mixnode_get_port (mix[0]));
  connection = g_socket_client_connect_to_host (client, host, 0, NULL, NULL);
  if (connection == NULL)
    return 1;
  /* Alternate the two modes in batches and keep each one's best, so other load on the
   * machine disturbs the comparison as little as possible. */
  for (guint batch = 0; batch < 2 * ROUNDS; batch++)
    {
      gboolean threaded = batch % 2 == 0;
      size_t batch_len = (size_t) N_PACKETS * (packet_len + 4);
      guint64 target = sink->bytes + batch_len;
      double rate;

      for (guint i = 0; i < 3; i++)
        g_object_set (mix[i], "threaded-unwrap", threaded, NULL);
      start = g_get_monotonic_time ();
      g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                       frames->data + batch * batch_len, batch_len,
                                       G_PRIORITY_DEFAULT, NULL, written, NULL);
      while (sink->bytes < target)
        g_main_context_iteration (NULL, TRUE);
      mix_us = g_get_monotonic_time () - start;
      rate = (double) N_PACKETS * G_USEC_PER_SEC / (double) mix_us;
      if (threaded)
        pooled_per_s = MAX (pooled_per_s, rate);
      else
        inline_per_s = MAX (inline_per_s, rate);
    }

  printf ("localnet pooled_packets_per_s=%.0f inline_packets_per_s=%.0f pool_speedup=%.3f "
          "unwrap_per_s=%.0f inline_ratio_to_three_unwraps=%.3f threads=%u\n",
          pooled_per_s, inline_per_s, pooled_per_s / inline_per_s, unwrap_per_s,
          inline_per_s / (unwrap_per_s / 3), g_get_num_processors ());

  for (guint i = 0; i < 3; i++)
    {
      localnet_mixnode_stop (mix[i]);
      g_object_unref (mix[i]);
    }
  localnet_keys_free (first_keys);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_socket_service_stop (service);
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  remove_tree (dir);
  return 0;
}
