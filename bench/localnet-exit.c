/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the localnet exit: a 10 MB download from a local TCP server through an in-process zero-delay localnet, with return address and through reply SURBs, and how much the back-pressure lets queue meanwhile. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <gio/gio.h>
#include <sodium.h>

#include "bench-localnet.h"
#include "exit/localnet-exit.h"
#include "packet/nym-recipient.h"
#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"

#define DOWNLOAD_LEN       (10 * 1000 * 1000)
#define ANONYMOUS_LEN      (2 * 1000 * 1000)
#define ANONYMOUS_SURBS    20

typedef struct
{
  NymClientRuntime   *runtime;
  char               *address;
  bool                ready;
  uint64_t            connection_id;
  NymNrOrderedBuffer *buffer;
  gsize               received;
  bool                closed;
  GChecksum          *checksum;
  guint               duplicates;
} Client;

static GBytes *download;

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("The benchmark did not finish within its guard time");
  return G_SOURCE_REMOVE;
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GSocketConnection *connection = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_object_unref (connection);
}

/* Every connection gets the whole download, then the server closes it. */
static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   g_bytes_get_data (download, NULL), g_bytes_get_size (download),
                                   G_PRIORITY_DEFAULT, NULL, on_written, g_object_ref (connection));
  return TRUE;
}

static void
on_event (const NymClientEvent *event,
          gpointer              user_data)
{
  Client *client = user_data;
  g_autoptr(NymNrResponse) response = NULL;
  GBytes *contiguous;
  uint64_t last;
  bool closed = false;
  gsize len;
  const uint8_t *data;

  if (event->kind == NYM_CLIENT_EVENT_STATE)
    {
      if (event->address != NULL && client->address == NULL)
        client->address = g_strdup (event->address);
      client->ready = event->state == NYM_CLIENT_STATE_READY;
      return;
    }
  if (event->kind != NYM_CLIENT_EVENT_MESSAGE)
    return;
  data = g_bytes_get_data (event->message, &len);
  response = nym_nr_response_decode (data, len, NULL);
  if (response == NULL || response->kind != NYM_NR_RESPONSE_NETWORK_DATA)
    g_error ("The exit answered something else than the download's data");
  /* Late copies from the previous download. */
  if (response->connection_id != client->connection_id)
    {
      client->duplicates++;
      return;
    }
  /* A message completed twice (a fragment sent again after a late ack) is dropped here, as a
   * real client's ordered buffer does; it is counted. */
  switch (nym_nr_ordered_buffer_write_bytes (client->buffer, response->sequence, response->data,
                                             response->remote_closed, NULL))
    {
    case NYM_NR_WRITE_STORED:
      break;
    case NYM_NR_WRITE_DUPLICATE:
      client->duplicates++;
      return;
    case NYM_NR_WRITE_REFUSED:
    default:
      g_error ("The exit sent sequence number %" G_GUINT64_FORMAT ", out of the ordered buffer's range",
               response->sequence);
    }
  while ((contiguous = nym_nr_ordered_buffer_read (client->buffer, &last, &closed)) != NULL)
    {
      data = g_bytes_get_data (contiguous, &len);
      g_checksum_update (client->checksum, data, (gssize) len);
      client->received += len;
      g_bytes_unref (contiguous);
      if (closed)
        client->closed = true;
    }
}

static guint64
get_u64 (gpointer    object,
         const char *name)
{
  guint64 value = 0;

  g_object_get (object, name, &value, NULL);
  return value;
}

/* Downloads the file once through the exit and prints what it took. */
static void
run_download (const char         *label,
              Client             *client,
              LocalnetExit       *exit,
              const NymRecipient *exit_recipient,
              guint16             port,
              bool                anonymous,
              uint64_t            connection_id)
{
  g_autofree char *target = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(NymNrRequest) connect = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, download);
  guint64 pauses_before = get_u64 (exit, "pauses");
  guint max_queued = 0;
  NymRecipient self_recipient;
  gint64 start;
  double seconds;

  g_assert_true (nym_recipient_parse (client->address, &self_recipient, NULL));
  client->connection_id = connection_id;
  client->buffer = nym_nr_ordered_buffer_new (NYM_NR_ORDERED_BUFFER_DEFAULT_MAX_BYTES);
  client->received = 0;
  client->closed = false;
  client->duplicates = 0;
  client->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  connect = nym_nr_request_new_connect (NYM_NR_VERSION_INIT_VERSIONED, connection_id, target,
                                        anonymous ? NULL : &self_recipient);
  bytes = nym_nr_request_encode (connect, NULL);
  start = g_get_monotonic_time ();
  if (anonymous)
    nym_client_runtime_send_anonymous (client->runtime, exit_recipient, bytes, ANONYMOUS_SURBS);
  else
    nym_client_runtime_send (client->runtime, exit_recipient, bytes);
  while (!client->closed)
    g_main_context_iteration (NULL, TRUE);
  seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  if (client->received != g_bytes_get_size (download)
      || g_strcmp0 (g_checksum_get_string (client->checksum), expected) != 0)
    g_error ("The %s download arrived damaged (%zu bytes)", label, client->received);
  g_object_get (exit, "max-queued", &max_queued, NULL);
  printf ("localnet-exit %s bytes=%zu seconds=%.2f throughput_MB_s=%.2f pauses=%" G_GUINT64_FORMAT
          " max_queued_fragments=%u high_water=%u duplicate_messages=%u\n",
          label, client->received, seconds, (double) client->received / 1e6 / seconds,
          get_u64 (exit, "pauses") - pauses_before, max_queued, NYM_CLIENT_RUNTIME_HIGH_WATER,
          client->duplicates);
  fflush (stdout);
  g_clear_pointer (&client->buffer, nym_nr_ordered_buffer_free);
  g_clear_pointer (&client->checksum, g_checksum_free);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-localnet-exit-XXXXXX", &error);
  g_autoptr(LocalnetExit) exit = NULL;
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *exit_dir = NULL;
  g_autofree char *client_dir = NULL;
  BenchLocalnet net = { 0 };
  NymClientRuntimeConfig config;
  const char *urls[2] = { NULL, NULL };
  NymRecipient exit_recipient;
  Client client = { 0 };
  uint8_t *data;

  g_assert_cmpint (sodium_init (), >=, 0);
  g_assert_no_error (error);
  g_timeout_add_seconds (280, on_timeout, NULL);
  data = g_malloc (DOWNLOAD_LEN);
  randombytes_buf (data, DOWNLOAD_LEN);
  download = g_bytes_new_take (data, DOWNLOAD_LEN);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), NULL);
  g_socket_service_start (service);

  bench_localnet_start (&net, dir);

  exit_dir = localnet_network_node_dir (net.network, "exit-gateway-1", &error);
  exit = localnet_exit_new (exit_dir);
  localnet_exit_set_allow_local (exit, TRUE);
  localnet_exit_set_zero_delay (exit, TRUE);
  g_assert_true (localnet_exit_start (exit, localnet_nym_api_get_url (net.api), localnet_gateway_get_identity (net.gateway), &error));
  while (!localnet_exit_is_ready (exit))
    {
      g_assert_null (localnet_exit_get_error_message (exit));
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (nym_recipient_parse (localnet_exit_get_address (exit), &exit_recipient, &error));

  client_dir = g_build_filename (dir, "client", NULL);
  urls[0] = localnet_nym_api_get_url (net.api);
  nym_client_runtime_config_init (&config);
  config.data_dir = client_dir;
  config.nym_api_urls = (char **) urls;
  config.zero_delay = true;
  client.runtime = nym_client_runtime_new (&config, NULL, on_event, &client);
  nym_client_runtime_start (client.runtime);
  while (!client.ready)
    g_main_context_iteration (NULL, TRUE);

  run_download ("return-address", &client, exit, &exit_recipient,
                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), false, 1);
  g_bytes_unref (download);
  data = g_malloc (ANONYMOUS_LEN);
  randombytes_buf (data, ANONYMOUS_LEN);
  download = g_bytes_new_take (data, ANONYMOUS_LEN);
  run_download ("reply-surbs", &client, exit, &exit_recipient,
                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), true, 2);

  nym_client_runtime_free (client.runtime);
  g_free (client.address);
  localnet_exit_stop (exit);
  bench_localnet_stop (&net);
  g_socket_service_stop (service);
  g_bytes_unref (download);
  return 0;
}
