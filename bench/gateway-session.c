/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of NymGatewaySession: sphinx packets per second sent through a LocalnetGateway to a first hop, against sealing the same frames alone. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "gateway/localnet-gateway.h"
#include "gateway/nym-client-store.h"
#include "gateway/nym-gateway-session.h"
#include "packet/nym-gateway-frame.h"

#define N_PACKETS  4000
#define PACKET_LEN 2413

typedef struct
{
  GSocketConnection *connection;
  uint8_t            chunk[65536];
} SinkReader;

static guint64 sink_bytes;

static void sink_read (SinkReader *reader);

static void
on_sink_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SinkReader *reader = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      g_object_unref (reader->connection);
      g_free (reader);
      return;
    }
  sink_bytes += (guint64) n;
  sink_read (reader);
}

static void
sink_read (SinkReader *reader)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (reader->connection)), reader->chunk,
                             sizeof reader->chunk, G_PRIORITY_DEFAULT, NULL, on_sink_read, reader);
}

static gboolean
on_sink_incoming (GSocketService    *service,
                  GSocketConnection *connection,
                  GObject           *source,
                  gpointer           user_data)
{
  SinkReader *reader = g_new0 (SinkReader, 1);

  reader->connection = g_object_ref (connection);
  sink_read (reader);
  return TRUE;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
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

int
main (void)
{
  static const uint8_t loopback[4] = { 127, 0, 0, 1 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-gateway-session-XXXXXX", &error);
  g_autofree char *gateway_dir = g_build_filename (dir, "gateway", NULL);
  g_autofree char *client_dir = g_build_filename (dir, "client", NULL);
  g_autoptr(LocalnetGateway) gateway = NULL;
  g_autoptr(NymClientStore) store = NULL;
  g_autoptr(NymClientKeys) keys = NULL;
  g_autoptr(NymGatewaySession) session = NULL;
  g_autoptr(GSocketService) sink = g_socket_service_new ();
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree uint8_t *packet = g_malloc (PACKET_LEN);
  NymNodeAddress first_hop;
  uint8_t key[32], nonce[12];
  gint64 start, connect_us, send_us, seal_us;

  g_assert (sodium_init () >= 0);
  g_assert_no_error (error);
  g_mkdir (gateway_dir, 0700);
  gateway = localnet_gateway_new (gateway_dir, 0, 0);
  if (!localnet_gateway_start (gateway, &error))
    g_error ("%s", error->message);
  store = nym_client_store_open (client_dir, &error);
  g_assert_no_error (error);
  keys = nym_client_store_ensure_keys (store, &error);
  g_assert_no_error (error);

  g_socket_listener_add_address (G_SOCKET_LISTENER (sink), bind_address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  g_signal_connect (sink, "incoming", G_CALLBACK (on_sink_incoming), NULL);
  g_socket_service_start (sink);
  nym_node_address_init_ipv4 (&first_hop, loopback, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));

  /* Registration, free bandwidth claim: the whole §1.12 start-up of a new client. */
  url = localnet_gateway_dup_ws_url (gateway);
  session = nym_gateway_session_new (url, localnet_gateway_get_identity_key (gateway), keys, store);
  start = g_get_monotonic_time ();
  nym_gateway_session_connect_async (session, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!nym_gateway_session_connect_finish (session, result, &error))
    g_error ("%s", error->message);
  connect_us = g_get_monotonic_time () - start;

  /* The packet bytes do not matter to the gateway, only their size (§1.8). */
  nym_random_bytes (packet, PACKET_LEN);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PACKETS; i++)
    if (!nym_gateway_session_send_packet (session, &first_hop, packet, PACKET_LEN, NYM_KEY_ROTATION_ODD, &error))
      g_error ("%s", error->message);
  while (nym_gateway_session_get_packets_acknowledged (session) < N_PACKETS ||
         sink_bytes < (guint64) N_PACKETS * PACKET_LEN)
    g_main_context_iteration (NULL, TRUE);
  send_us = g_get_monotonic_time () - start;

  /* Baseline: the client's own work per packet, building and sealing the same frames. */
  nym_random_bytes (key, sizeof key);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_PACKETS; i++)
    {
      g_autoptr(GByteArray) plaintext = NULL;
      g_autoptr(GByteArray) frame = NULL;

      nym_random_bytes (nonce, sizeof nonce);
      plaintext = nym_forward_sphinx_encode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, NYM_PACKET_TYPE_MIX,
                                             NYM_KEY_ROTATION_ODD, &first_hop, packet, PACKET_LEN, &error);
      frame = nym_gateway_frame_seal (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, key, nonce, plaintext->data,
                                      plaintext->len, &error);
      g_assert (frame != NULL);
    }
  seal_us = g_get_monotonic_time () - start;

  printf ("gateway-session connect_ms=%.1f send_per_s=%.0f seal_per_s=%.0f send_ratio=%.3f\n",
          connect_us / 1000.0, N_PACKETS / (send_us / 1e6), N_PACKETS / (seal_us / 1e6),
          (double) seal_us / (double) send_us);

  g_clear_object (&result);
  nym_gateway_session_close_async (session, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&session);
  g_socket_service_stop (sink);
  localnet_gateway_stop (gateway);
  remove_tree (dir);
  return 0;
}
