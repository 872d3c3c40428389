/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the localnet network requester (LocalnetExit) in an in-process localnet: a client runtime sends NR requests by hand to local TCP servers through it. */
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <string.h>
#include <sodium.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "../common/test-wait.h"
#include "localnet-test-util.h"
#include "exit/localnet-exit.h"
#include "gateway/localnet-gateway.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"
#include "packet/nym-recipient.h"
#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"

#define WAIT_SECONDS 60

/* ---- local TCP servers -------------------------------------------------------------- */

typedef enum
{
  SERVER_ECHO,      /* writes back what it reads; closes after the client's EOF */
  SERVER_DOWNLOAD,  /* writes `download` bytes, then closes */
} ServerKind;

typedef struct
{
  GSocketService *service;
  ServerKind      kind;
  guint16         port;
  GBytes         *download;
  guint           accepted;
  guint           eofs;       /* connections whose client half-closed (echo) */
  GPtrArray      *streams;    /* ServerStream* */
} Server;

typedef struct
{
  Server            *server;
  GSocketConnection *connection;
  guint8             buffer[16384];
  GBytes            *writing;
} ServerStream;

static void server_stream_read (ServerStream *stream);

static void
server_stream_free (gpointer data)
{
  ServerStream *stream = data;

  g_clear_object (&stream->connection);
  g_clear_pointer (&stream->writing, g_bytes_unref);
  g_free (stream);
}

static void
on_server_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ServerStream *stream = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&stream->writing, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      g_io_stream_close (G_IO_STREAM (stream->connection), NULL, NULL);
      return;
    }
  if (stream->server->kind == SERVER_DOWNLOAD)
    g_io_stream_close (G_IO_STREAM (stream->connection), NULL, NULL);
  else
    server_stream_read (stream);
}

static void
on_server_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ServerStream *stream = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n <= 0)
    {
      if (n == 0)
        stream->server->eofs++;
      g_io_stream_close (G_IO_STREAM (stream->connection), NULL, NULL);
      return;
    }
  stream->writing = g_bytes_new (stream->buffer, (gsize) n);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (stream->connection)),
                                   stream->buffer, (gsize) n, G_PRIORITY_DEFAULT, NULL,
                                   on_server_written, stream);
}

static void
server_stream_read (ServerStream *stream)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (stream->connection)),
                             stream->buffer, sizeof stream->buffer, G_PRIORITY_DEFAULT, NULL,
                             on_server_read, stream);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  Server *server = user_data;
  ServerStream *stream = g_new0 (ServerStream, 1);

  stream->server = server;
  stream->connection = g_object_ref (connection);
  g_ptr_array_add (server->streams, stream);
  server->accepted++;
  if (server->kind == SERVER_ECHO)
    {
      server_stream_read (stream);
    }
  else
    {
      gsize len;
      const void *data = g_bytes_get_data (server->download, &len);

      g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                       data, len, G_PRIORITY_DEFAULT, NULL, on_server_written, stream);
    }
  return TRUE;
}

static Server *
server_new (ServerKind kind,
            gsize      download_len)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  server->kind = kind;
  server->streams = g_ptr_array_new_with_free_func (server_stream_free);
  if (kind == SERVER_DOWNLOAD)
    {
      uint8_t *data = g_malloc (download_len);

      randombytes_buf (data, download_len);
      server->download = g_bytes_new_take (data, download_len);
    }
  server->service = g_socket_service_new ();
  /* Room for every connection of the many-connections test at once. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (server->service), 128);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &effective, &error));
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
  return server;
}

static void
server_free (Server *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  for (guint i = 0; i < server->streams->len; i++)
    {
      ServerStream *stream = g_ptr_array_index (server->streams, i);
      g_io_stream_close (G_IO_STREAM (stream->connection), NULL, NULL);
    }
  localnet_test_drain ();
  g_ptr_array_unref (server->streams);
  g_clear_object (&server->service);
  g_clear_pointer (&server->download, g_bytes_unref);
  g_free (server);
}

/* A port on 127.0.0.1 that nobody listens on: bound once, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  local = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}

/* ---- what the client received ------------------------------------------------------- */

/* One connection as the client sees it: the exit's NetworkData put back in order. */
typedef struct
{
  NymNrOrderedBuffer *buffer;
  GByteArray         *data;
  bool                closed;
  char               *error;
  guint               responses;
  bool                versions_ok;  /* every response had the Connect's version */
  NymNrVersion        version;
} Stream;

static void
stream_free (gpointer data)
{
  Stream *stream = data;

  nym_nr_ordered_buffer_free (stream->buffer);
  g_byte_array_unref (stream->data);
  g_free (stream->error);
  g_free (stream);
}

typedef struct
{
  NymClientRuntime *runtime;
  char             *data_dir;
  char             *address;
  bool              ready;
  char             *error_message;
  GHashTable       *streams;     /* uint64 → Stream* */
  GPtrArray        *others;      /* NymNrResponse*: queries and control answers */
  guint             undecodable;
  guint             with_tag;    /* messages that came with a sender tag (must be none) */
} Client;

typedef struct
{
  char            *dir;
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  LocalnetMixnode *mixnodes[3];
  LocalnetGateway *gateway;
  LocalnetExit    *exit;
  NymRecipient     exit_recipient;
  Client           client;
} Fixture;

static bool
versions_equal (NymNrVersion a,
                NymNrVersion b)
{
  return a.interface == b.interface && a.protocol == b.protocol;
}

static Stream *
client_stream (Client       *client,
               uint64_t      id,
               NymNrVersion  version)
{
  Stream *stream = g_hash_table_lookup (client->streams, &id);

  if (stream == NULL)
    {
      guint64 *key = g_new (guint64, 1);

      *key = id;
      stream = g_new0 (Stream, 1);
      stream->buffer = nym_nr_ordered_buffer_new (NYM_NR_ORDERED_BUFFER_DEFAULT_MAX_BYTES);
      stream->data = g_byte_array_new ();
      stream->versions_ok = true;
      stream->version = version;
      g_hash_table_insert (client->streams, key, stream);
    }
  return stream;
}

static void
client_take_response (Client        *client,
                      NymNrResponse *response)
{
  g_autoptr(GError) error = NULL;
  Stream *stream;

  if (response->kind != NYM_NR_RESPONSE_NETWORK_DATA && response->kind != NYM_NR_RESPONSE_CONNECTION_ERROR)
    {
      g_ptr_array_add (client->others, response);
      return;
    }
  stream = client_stream (client, response->connection_id, response->version);
  stream->responses++;
  if (!versions_equal (stream->version, response->version))
    stream->versions_ok = false;
  if (response->kind == NYM_NR_RESPONSE_CONNECTION_ERROR)
    {
      g_free (stream->error);
      stream->error = g_strdup (response->message);
    }
  else
    {
      GBytes *contiguous;
      uint64_t last = 0;
      bool closed = false;

      /* The runtime's reassembler already drops a message completed a second time (a late
       * retransmission); a repeated sequence number would be dropped here too, as a real
       * client's ordered buffer does, but never refused. */
      g_assert_cmpint (nym_nr_ordered_buffer_write_bytes (stream->buffer, response->sequence,
                                                          response->data, response->remote_closed, &error),
                       !=, NYM_NR_WRITE_REFUSED);
      g_assert_no_error (error);
      while ((contiguous = nym_nr_ordered_buffer_read (stream->buffer, &last, &closed)) != NULL)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (contiguous, &len);

          g_byte_array_append (stream->data, data, (guint) len);
          g_bytes_unref (contiguous);
          if (closed)
            stream->closed = true;
        }
    }
  nym_nr_response_free (response);
}

static void
on_client_event (const NymClientEvent *event,
                 gpointer              user_data)
{
  Client *client = user_data;

  switch (event->kind)
    {
    case NYM_CLIENT_EVENT_STATE:
      if (event->address != NULL && client->address == NULL)
        client->address = g_strdup (event->address);
      client->ready = event->state == NYM_CLIENT_STATE_READY;
      if (event->state == NYM_CLIENT_STATE_ERROR)
        client->error_message = g_strdup (event->error_message);
      break;
    case NYM_CLIENT_EVENT_MESSAGE:
      {
        g_autoptr(GError) error = NULL;
        gsize len;
        const uint8_t *data = g_bytes_get_data (event->message, &len);
        NymNrResponse *response = nym_nr_response_decode (data, len, &error);

        if (event->sender_tag != NULL)
          client->with_tag++;
        if (response == NULL)
          client->undecodable++;
        else
          client_take_response (client, response);
      }
      break;
    default:
      break;
    }
}

/* ---- the localnet -------------------------------------------------------------------- */

static LocalnetMixnode *
start_mixnode (Fixture *fixture,
               guint    layer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
  g_autofree char *dir = localnet_network_node_dir (fixture->network, name, &error);
  g_autoptr(LocalnetNodeInfo) info = NULL;
  LocalnetMixnode *mixnode;

  g_assert_no_error (error);
  mixnode = localnet_mixnode_new (name, dir, layer);
  localnet_mixnode_set_zero_delay (mixnode, TRUE);
  g_assert_true (localnet_mixnode_start (mixnode, 0, &error));
  g_assert_no_error (error);
  info = localnet_mixnode_dup_info (mixnode);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, info, &error), !=, 0);
  g_assert_no_error (error);
  return mixnode;
}

static void
start_gateway (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = localnet_network_node_dir (fixture->network, "gateway-1", &error);
  LocalnetNodeInfo info = { 0 };

  g_assert_no_error (error);
  fixture->gateway = localnet_gateway_new (dir, 0, 0);
  g_assert_true (localnet_gateway_start (fixture->gateway, &error));
  g_assert_no_error (error);
  info.name = (char *) "gateway-1";
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (fixture->gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (fixture->gateway), 32);
  info.mix_port = localnet_gateway_get_mix_port (fixture->gateway);
  info.ws_port = localnet_gateway_get_ws_port (fixture->gateway);
  info.entry = true;
  info.exit = true;
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &info, &error), !=, 0);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *exit_dir = NULL;

  fixture->dir = localnet_test_mkdtemp ();
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  localnet_network_set_zero_delay (fixture->network, TRUE);
  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
  g_assert_true (localnet_network_set_nym_api_url (fixture->network, localnet_nym_api_get_url (fixture->api), &error));
  g_assert_no_error (error);
  for (guint layer = 1; layer <= 3; layer++)
    fixture->mixnodes[layer - 1] = start_mixnode (fixture, layer);
  start_gateway (fixture);
  exit_dir = g_build_filename (fixture->dir, "exit-gateway-1", NULL);
  fixture->exit = localnet_exit_new (exit_dir);
}

static void
start_exit (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (localnet_exit_start (fixture->exit, localnet_nym_api_get_url (fixture->api),
                                      localnet_gateway_get_identity (fixture->gateway), &error));
  g_assert_no_error (error);
  WAIT_UNTIL (localnet_exit_is_ready (fixture->exit) || localnet_exit_get_error_message (fixture->exit) != NULL);
  g_assert_cmpstr (localnet_exit_get_error_message (fixture->exit), ==, NULL);
  g_assert_true (nym_recipient_parse (localnet_exit_get_address (fixture->exit), &fixture->exit_recipient, &error));
  g_assert_no_error (error);
  g_assert_true (localnet_exit_publish (fixture->exit, fixture->network, "gateway-1", &error));
  g_assert_no_error (error);
}

static void
start_client_named (Fixture    *fixture,
                    Client     *client,
                    const char *name)
{
  NymClientRuntimeConfig config;
  const char *urls[] = { localnet_nym_api_get_url (fixture->api), NULL };

  client->data_dir = g_build_filename (fixture->dir, name, NULL);
  client->streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, stream_free);
  client->others = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_nr_response_free);
  nym_client_runtime_config_init (&config);
  config.data_dir = client->data_dir;
  config.nym_api_urls = (char **) urls;
  config.zero_delay = true;
  config.gateway_timeout_s = 5;
  client->runtime = nym_client_runtime_new (&config, NULL, on_client_event, client);
  nym_client_runtime_start (client->runtime);
  WAIT_UNTIL (client->ready || client->error_message != NULL);
  g_assert_cmpstr (client->error_message, ==, NULL);
}

static void
start_client (Fixture *fixture)
{
  start_client_named (fixture, &fixture->client, "client");
}

/* Exit with its defaults for the localnet (open, loopback allowed), and a client. */
static void
start_all (Fixture *fixture)
{
  localnet_exit_set_allow_local (fixture->exit, TRUE);
  localnet_exit_set_zero_delay (fixture->exit, TRUE);
  start_exit (fixture);
  start_client (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  Client *client = &fixture->client;

  /* Acks still in the mixnet reach their end before the nodes stop (see test-client-runtime). */
  test_wait_spin (300);
  g_clear_pointer (&client->runtime, nym_client_runtime_free);
  localnet_exit_stop (fixture->exit);
  localnet_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&fixture->exit));
  localnet_gateway_stop (fixture->gateway);
  for (guint i = 0; i < 3; i++)
    localnet_mixnode_stop (fixture->mixnodes[i]);
  localnet_nym_api_stop (fixture->api);
  localnet_test_drain ();
  test_wait_spin (50);
  g_assert_finalize_object (fixture->gateway);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (fixture->mixnodes[i]);
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  g_clear_pointer (&client->streams, g_hash_table_unref);
  g_clear_pointer (&client->others, g_ptr_array_unref);
  g_free (client->data_dir);
  g_free (client->address);
  g_free (client->error_message);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* ---- sending requests by hand -------------------------------------------------------- */

static NymRecipient *
client_recipient (Fixture *fixture)
{
  static NymRecipient recipient;
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_recipient_parse (fixture->client.address, &recipient, &error));
  g_assert_no_error (error);
  return &recipient;
}

static void
send_request (Fixture      *fixture,
              NymNrRequest *request,
              bool          anonymous)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = nym_nr_request_encode (request, &error);

  g_assert_no_error (error);
  if (anonymous)
    nym_client_runtime_send_anonymous (fixture->client.runtime, &fixture->exit_recipient, bytes, 10);
  else
    nym_client_runtime_send (fixture->client.runtime, &fixture->exit_recipient, bytes);
  nym_nr_request_free (request);
}

static void
send_connect (Fixture      *fixture,
              NymNrVersion  version,
              uint64_t      id,
              const char   *remote,
              bool          anonymous)
{
  send_request (fixture, nym_nr_request_new_connect (version, id, remote,
                                                     anonymous ? NULL : client_recipient (fixture)),
                anonymous);
}

static void
send_data (Fixture      *fixture,
           NymNrVersion  version,
           uint64_t      id,
           uint64_t      sequence,
           const char   *text,
           bool          closed,
           bool          anonymous)
{
  send_request (fixture, nym_nr_request_new_send (version, id, sequence, (const uint8_t *) text,
                                                  text != NULL ? strlen (text) : 0, closed),
                anonymous);
}

static Stream *
find_stream (Fixture  *fixture,
             uint64_t  id)
{
  return g_hash_table_lookup (fixture->client.streams, &id);
}

static char *
local_target (guint16 port)
{
  return g_strdup_printf ("127.0.0.1:%u", port);
}

static void
assert_stream_text (Stream     *stream,
                    const char *expected)
{
  g_assert_cmpstr (stream->error, ==, NULL);
  if (stream->data->len != strlen (expected))
    g_test_message ("The stream had %u responses and %s closed", stream->responses, stream->closed ? "was" : "was not");
  g_assert_cmpmem (stream->data->data, stream->data->len, expected, strlen (expected));
}

/* ---- tests --------------------------------------------------------------------------- */

/* A listener whose backlog is full answers no SYN: the connect times out, and the client
 * gets the reason and the closing NetworkData. */
static void
test_connect_timeout (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketClient) filler_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) filler = NULL;
  g_autofree char *target = NULL;
  Stream *stream;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (listener, address, FALSE, &error));
  g_socket_set_listen_backlog (listener, 0);
  g_assert_true (g_socket_listen (listener, &error));
  g_assert_no_error (error);
  local = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  /* The one connection the backlog holds. */
  filler = g_socket_client_connect (filler_client, G_SOCKET_CONNECTABLE (local), NULL, &error);
  g_assert_no_error (error);
  target = local_target (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));

  localnet_exit_set_timeouts (fixture->exit, 500, 0, 0, 0);
  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 95, target, false);
  WAIT_UNTIL (((stream = find_stream (fixture, 95)) != NULL && stream->closed)
              || localnet_test_get_u64 (fixture->exit, "connections-opened") > 0);
  if (localnet_test_get_u64 (fixture->exit, "connections-opened") > 0)
    {
      g_test_skip ("This kernel accepted a connection beyond a listen backlog of 0, so no connect can be made to hang on 127.0.0.1");
      return;
    }
  WAIT_UNTIL (stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "no answer within 500 ms"));
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-refused"), ==, 1);
}

/* A connection to an echo server: Sends sent out of order arrive in order, the echo comes
 * back in order with sequence numbers, and after the client's close the server sees EOF,
 * closes, and the exit reports remote_closed; every answer uses the Connect's version. */
static void
test_echo (Fixture       *fixture,
           gconstpointer  user_data)
{
  NymNrVersion version = GPOINTER_TO_INT (user_data) ? NYM_NR_VERSION_INIT_LEGACY : NYM_NR_VERSION_INIT_VERSIONED;
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  Stream *stream;

  start_all (fixture);
  /* A Send before its Connect waits for it (the mixnet reorders messages). */
  send_data (fixture, version, 7, 2, "three", false, false);
  test_wait_spin (100);
  send_connect (fixture, version, 7, target, false);
  send_data (fixture, version, 7, 1, "two-", false, false);
  send_data (fixture, version, 7, 0, "one-", false, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 7)) != NULL && stream->data->len >= strlen ("one-two-three"));
  assert_stream_text (stream, "one-two-three");
  g_assert_false (stream->closed);

  send_data (fixture, version, 7, 3, "!", true, false);
  WAIT_UNTIL (stream->closed);
  assert_stream_text (stream, "one-two-three!");
  g_assert_null (stream->error);
  g_assert_true (stream->versions_ok);
  g_assert_true (versions_equal (stream->version, version));
  g_assert_cmpuint (echo->accepted, ==, 1);
  g_assert_cmpuint (echo->eofs, ==, 1);
  WAIT_UNTIL (localnet_exit_get_connections (fixture->exit) == 0);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-opened"), ==, 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "bytes-to-remote"), ==, strlen ("one-two-three!"));
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "bytes-from-remote"), ==, strlen ("one-two-three!"));
  g_assert_cmpuint (fixture->client.undecodable, ==, 0);
  g_assert_cmpuint (fixture->client.with_tag, ==, 0);
  server_free (echo);
}

/* The remote closes after sending: the client gets every byte, in order, then remote_closed.
 * Anonymously the 100 kB take far more reply SURBs than the Connect brought, so the exit's
 * runtime has to ask for more on the way. */
static void
test_remote_close (Fixture       *fixture,
                   gconstpointer  user_data)
{
  bool anonymous = GPOINTER_TO_INT (user_data);
  Server *download = server_new (SERVER_DOWNLOAD, 100 * 1000);
  g_autofree char *target = local_target (download->port);
  Stream *stream;

  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 11, target, anonymous);
  WAIT_UNTIL ((stream = find_stream (fixture, 11)) != NULL && stream->closed);
  g_assert_cmpmem (stream->data->data, stream->data->len,
                   g_bytes_get_data (download->download, NULL), g_bytes_get_size (download->download));
  g_assert_null (stream->error);
  /* The connection is forgotten after the grace period the client has to close its side. */
  WAIT_UNTIL (localnet_exit_get_connections (fixture->exit) == 0);
  server_free (download);
}

/* A port nobody listens on: the reason as a ConnectionError, and NetworkData 0 with
 * remote_closed, which is what the real network requester sends. */
static void
test_refused_port (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *target = local_target (closed_port ());
  Stream *stream;

  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 21, target, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 21)) != NULL && stream->closed && stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "could not connect to"));
  g_assert_nonnull (strstr (stream->error, target));
  g_assert_cmpuint (stream->data->len, ==, 0);
  g_assert_cmpuint (stream->responses, ==, 2);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-refused"), ==, 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-opened"), ==, 0);
}

/* An allow-list from a file: the allowed port works, another is refused with the rule's
 * reason and nothing connects to it. */
static void
test_policy_file (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  Server *other = server_new (SERVER_DOWNLOAD, 10);
  g_autofree char *allowed = local_target (echo->port);
  g_autofree char *denied = local_target (other->port);
  g_autofree char *policy = g_strdup_printf ("# test policy\naccept 127.0.0.1:%u\nreject *:*\n", echo->port);
  g_autofree char *path = g_build_filename (fixture->dir, "policy.txt", NULL);
  g_autoptr(GError) error = NULL;
  Stream *stream;
  gboolean open_proxy = TRUE;

  g_assert_true (g_file_set_contents (path, policy, -1, &error));
  g_assert_no_error (error);
  g_assert_true (localnet_exit_load_policy_file (fixture->exit, path, &error));
  g_assert_no_error (error);
  g_object_get (fixture->exit, "open-proxy", &open_proxy, NULL);
  g_assert_false (open_proxy);
  start_all (fixture);

  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 31, denied, false);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 32, allowed, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 32, 0, "ping", true, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 31)) != NULL && stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "reject rule"));
  g_assert_nonnull (strstr (stream->error, denied));
  g_assert_false (stream->closed);
  WAIT_UNTIL ((stream = find_stream (fixture, 32)) != NULL && stream->closed);
  assert_stream_text (stream, "ping");
  g_assert_cmpuint (other->accepted, ==, 0);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-refused"), ==, 1);
  server_free (echo);
  server_free (other);
}

/* Without allow-local even an open exit refuses loopback, as the real one refuses every
 * non-global address. */
static void
test_local_refused (Fixture       *fixture,
                    gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  Stream *stream;

  localnet_exit_set_zero_delay (fixture->exit, TRUE);
  start_exit (fixture);
  start_client (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_LEGACY, 41, target, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 41)) != NULL && stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "not a global address"));
  g_assert_true (versions_equal (stream->version, NYM_NR_VERSION_INIT_LEGACY));
  g_assert_cmpuint (echo->accepted, ==, 0);
  server_free (echo);
}

/* The exit resolves names itself: "localhost" reaches the server (whichever of ::1 and
 * 127.0.0.1 comes first), and a name that does not resolve is refused with the reason. */
static void
test_resolve (Fixture       *fixture,
              gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = g_strdup_printf ("localhost:%u", echo->port);
  Stream *stream;

  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 51, target, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 51, 0, "by name", true, false);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 52, "nymph-exit-test.invalid:80", false);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 53, "no-port-here", false);
  WAIT_UNTIL ((stream = find_stream (fixture, 51)) != NULL && stream->closed);
  assert_stream_text (stream, "by name");
  WAIT_UNTIL ((stream = find_stream (fixture, 52)) != NULL && stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "could not be resolved"));
  WAIT_UNTIL ((stream = find_stream (fixture, 53)) != NULL && stream->error != NULL);
  g_assert_nonnull (strstr (stream->error, "host:port"));
  server_free (echo);
}

static guint
count_closed (Fixture  *fixture,
              uint64_t  first,
              guint     n)
{
  guint closed = 0;

  for (guint i = 0; i < n; i++)
    {
      Stream *stream = find_stream (fixture, first + i);
      closed += stream != NULL && stream->closed;
    }
  return closed;
}

/* Many connections at once, each with its own data, none mixed up. */
static void
test_many_connections (Fixture       *fixture,
                       gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  const guint n = 24;
  guint closed = 0;

  start_all (fixture);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *first = g_strdup_printf ("connection %u says hello; ", i);
      g_autofree char *second = g_strdup_printf ("and goodbye from %u", i);

      send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 100 + i, target, false);
      send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 100 + i, 0, first, false, false);
      send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 100 + i, 1, second, true, false);
    }
  WAIT_UNTIL ((closed = count_closed (fixture, 100, n)) == n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *expected = g_strdup_printf ("connection %u says hello; and goodbye from %u", i, i);
      assert_stream_text (find_stream (fixture, 100 + i), expected);
    }
  g_assert_cmpuint (echo->accepted, ==, n);
  WAIT_UNTIL (localnet_exit_get_connections (fixture->exit) == 0);
  server_free (echo);
}

/* A download far larger than the send queue may hold: the exit, sending at the normal
 * Poisson rate, stops reading while the runtime's queue is over the high water mark, so the
 * queue never holds much more than that, and every byte still arrives in order. */
static void
test_backpressure (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* About 450 sphinx packets: more than the high water mark if nothing held the exit back. */
  const gsize len = 900 * 1000;
  Server *download = server_new (SERVER_DOWNLOAD, len);
  g_autofree char *target = local_target (download->port);
  Stream *stream;
  guint max_queued = 0;

  localnet_exit_set_allow_local (fixture->exit, TRUE);
  start_exit (fixture);
  start_client (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 61, target, false);
  WAIT_UNTIL_SECONDS (120, (stream = find_stream (fixture, 61)) != NULL && stream->closed);
  g_assert_cmpmem (stream->data->data, stream->data->len,
                   g_bytes_get_data (download->download, NULL), len);
  g_object_get (fixture->exit, "max-queued", &max_queued, NULL);
  g_test_message ("pauses %" G_GUINT64_FORMAT ", most fragments queued %u",
                  localnet_test_get_u64 (fixture->exit, "pauses"), max_queued);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "pauses"), >=, 1);
  g_assert_cmpuint (max_queued, >, NYM_CLIENT_RUNTIME_HIGH_WATER);
  /* What may pass the mark: the messages produced before the exit saw the queue over it,
   * each a read of at most four packets' worth (five fragments with its header), and as
   * much again for retransmissions of late acks. Without back-pressure all ~450 would wait. */
  g_assert_cmpuint (max_queued, <=, NYM_CLIENT_RUNTIME_HIGH_WATER + 2 * (LOCALNET_EXIT_MAX_UNQUEUED_MESSAGES + 1) * 5);
  server_free (download);
}

/* Idle connections get an empty NetworkData as keep-alive, and a connection the client
 * sends nothing on is closed after the idle timeout. */
static void
test_idle (Fixture       *fixture,
           gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  Stream *stream;

  localnet_exit_set_timeouts (fixture->exit, 0, 1500, 300, 0);
  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 71, target, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 71)) != NULL && stream->responses >= 2);
  g_assert_false (stream->closed);
  g_assert_cmpuint (stream->data->len, ==, 0);
  WAIT_UNTIL (stream->closed);
  g_assert_cmpuint (stream->data->len, ==, 0);
  g_assert_null (stream->error);
  WAIT_UNTIL (localnet_exit_get_connections (fixture->exit) == 0);
  WAIT_UNTIL (echo->eofs == 1 || echo->streams->len == 1);
  server_free (echo);
}

/* Sends from the client are kept in order whatever order they arrive in, the same
 * sequence number twice is written once, and a Send or a second Connect for a closed
 * connection is dropped. */
static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  Stream *stream;

  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, target, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, 0, "a", false, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, 0, "a", false, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, 2, "c", true, false);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, 1, "b", false, false);
  WAIT_UNTIL ((stream = find_stream (fixture, 81)) != NULL && stream->closed);
  assert_stream_text (stream, "abc");
  WAIT_UNTIL (localnet_exit_get_connections (fixture->exit) == 0);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, 3, "late", false, false);
  /* A Connect completed a second time (a fragment sent again) does not open it again. */
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 81, target, false);
  WAIT_UNTIL (localnet_test_get_u64 (fixture->exit, "requests") == 7);
  test_wait_spin (200);
  g_assert_cmpuint (localnet_exit_get_connections (fixture->exit), ==, 0);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "connections-opened"), ==, 1);
  g_assert_cmpuint (echo->accepted, ==, 1);
  g_assert_cmpuint (localnet_test_get_u64 (fixture->exit, "bytes-to-remote"), ==, 3);
  server_free (echo);
}

/* Anonymous: the Connect has no return address and comes with reply SURBs; every answer
 * goes back through them, and queries and control requests are answered the same way. */
static void
test_anonymous (Fixture       *fixture,
                gconstpointer  user_data)
{
  Server *echo = server_new (SERVER_ECHO, 0);
  g_autofree char *target = local_target (echo->port);
  Stream *stream;

  start_all (fixture);
  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 91, target, true);
  send_data (fixture, NYM_NR_VERSION_INIT_VERSIONED, 91, 0, "anonymous hello", true, true);
  WAIT_UNTIL ((stream = find_stream (fixture, 91)) != NULL && stream->closed);
  assert_stream_text (stream, "anonymous hello");
  g_assert_cmpuint (fixture->client.with_tag, ==, 0);
  server_free (echo);
}

/*
 * The stall the SOCKS5 proxy found: an anonymous client that goes away in the middle of a
 * download leaves replies waiting for SURBs that never come (for about 40 s, until the
 * runtime gives them up). Only that sender's connection may stop for them; another
 * sender's download goes through in the meantime, while the first one's replies still wait.
 */
static void
test_vanished_sender (Fixture       *fixture,
                      gconstpointer  user_data)
{
  Server *big = server_new (SERVER_DOWNLOAD, 2 * 1000 * 1000);
  Server *small = server_new (SERVER_DOWNLOAD, 300 * 1000);
  g_autofree char *big_target = local_target (big->port);
  g_autofree char *small_target = local_target (small->port);
  Client ghost = { 0 };
  Stream *stream;
  guint starved = 0;

  start_all (fixture);
  start_client_named (fixture, &ghost, "ghost");
  ghost.streams = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, stream_free);
  ghost.others = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_nr_response_free);
  {
    g_autoptr(GError) error = NULL;
    NymNrRequest *connect = nym_nr_request_new_connect (NYM_NR_VERSION_INIT_VERSIONED, 111, big_target, NULL);
    g_autoptr(GBytes) bytes = nym_nr_request_encode (connect, &error);

    g_assert_no_error (error);
    nym_nr_request_free (connect);
    nym_client_runtime_send_anonymous (ghost.runtime, &fixture->exit_recipient, bytes, 10);
  }
  WAIT_UNTIL ((stream = g_hash_table_lookup (ghost.streams, &(guint64) { 111 })) != NULL && stream->data->len > 0);
  /* Gone without a word: no more SURBs, no more acks. */
  g_clear_pointer (&ghost.runtime, nym_client_runtime_free);
  WAIT_UNTIL ((g_object_get (fixture->exit, "surb-starved", &starved, NULL), starved == 1));

  send_connect (fixture, NYM_NR_VERSION_INIT_VERSIONED, 112, small_target, true);
  WAIT_UNTIL ((stream = find_stream (fixture, 112)) != NULL && stream->closed);
  g_assert_cmpmem (stream->data->data, stream->data->len,
                   g_bytes_get_data (small->download, NULL), g_bytes_get_size (small->download));
  /* The ghost's replies were not given up first: its connection still waits for them. */
  g_object_get (fixture->exit, "surb-starved", &starved, NULL);
  g_assert_cmpuint (starved, ==, 1);

  g_hash_table_unref (ghost.streams);
  g_ptr_array_unref (ghost.others);
  g_free (ghost.data_dir);
  g_free (ghost.address);
  g_free (ghost.error_message);
  server_free (big);
  server_free (small);
}

static NymNrResponse *
wait_other (Fixture *fixture,
            guint    index)
{
  WAIT_UNTIL (fixture->client.others->len > index);
  return g_ptr_array_index (fixture->client.others, index);
}

static void
test_queries (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "policy.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NymNrExitPolicy) expected = NULL;
  NymNrResponse *response;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (g_file_set_contents (path, "accept 127.0.0.1:80\nreject *:*\n", -1, &error));
  g_assert_true (localnet_exit_load_policy_file (fixture->exit, path, &error));
  g_assert_no_error (error);
  expected = nym_nr_exit_policy_parse ("accept 127.0.0.1:80\nreject *:*\n", -1, &error);
  g_assert_no_error (error);
  start_all (fixture);

  /* One at a time, so that the answers come in a known order. */
  send_request (fixture, nym_nr_request_new_query (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_OPEN_PROXY), true);
  response = wait_other (fixture, 0);
  g_assert_cmpint (response->kind, ==, NYM_NR_RESPONSE_QUERY);
  g_assert_cmpint (response->query, ==, NYM_NR_QUERY_OPEN_PROXY);
  g_assert_false (response->open_proxy);

  send_request (fixture, nym_nr_request_new_query (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_DESCRIPTION), true);
  response = wait_other (fixture, 1);
  g_assert_cmpint (response->query, ==, NYM_NR_QUERY_DESCRIPTION);
  g_assert_nonnull (strstr (response->message, "nymph-localnet"));

  send_request (fixture, nym_nr_request_new_query (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_EXIT_POLICY), true);
  response = wait_other (fixture, 2);
  g_assert_cmpint (response->query, ==, NYM_NR_QUERY_EXIT_POLICY);
  g_assert_true (response->policy_enabled);
  g_assert_cmpstr (response->upstream, ==, "");
  g_assert_nonnull (response->policy);
  g_assert_true (nym_nr_exit_policy_equal (response->policy, expected));

  send_request (fixture, nym_nr_request_new_control (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_CONTROL_HEALTH), true);
  response = wait_other (fixture, 3);
  g_assert_cmpint (response->kind, ==, NYM_NR_RESPONSE_CONTROL);
  g_assert_cmpint (response->control, ==, NYM_NR_CONTROL_HEALTH);

  send_request (fixture, nym_nr_request_new_control (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_CONTROL_BINARY_INFO), true);
  response = wait_other (fixture, 4);
  g_assert_cmpint (response->control, ==, NYM_NR_CONTROL_BINARY_INFO);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (response->data, NULL),
                                             (gssize) g_bytes_get_size (response->data), &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "binary_name"), ==, "nymph-localnet");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "build_information"),
                                                  "build_version"), ==, PACKAGE_VERSION);

  send_request (fixture, nym_nr_request_new_control (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_CONTROL_SUPPORTED_VERSIONS), true);
  response = wait_other (fixture, 5);
  g_assert_cmpint (response->control, ==, NYM_NR_CONTROL_SUPPORTED_VERSIONS);
  {
    g_autoptr(GBytes) json = nym_nr_control_supported_versions_json (3, 3);
    g_assert_cmpmem (g_bytes_get_data (response->data, NULL), g_bytes_get_size (response->data),
                     g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  }

  /* A Legacy query is answered in the versioned form: the real one's [3][3]… for it cannot
   * be decoded. */
  send_request (fixture, nym_nr_request_new_query (NYM_NR_VERSION_INIT_LEGACY, NYM_NR_QUERY_OPEN_PROXY), true);
  response = wait_other (fixture, 6);
  g_assert_cmpint (response->kind, ==, NYM_NR_RESPONSE_QUERY);
  g_assert_true (versions_equal (response->version, NYM_NR_VERSION_INIT_VERSIONED));

  /* Without reply SURBs there is no way back: nothing is answered. */
  send_request (fixture, nym_nr_request_new_query (NYM_NR_VERSION_INIT_VERSIONED, NYM_NR_QUERY_OPEN_PROXY), false);
  WAIT_UNTIL (localnet_test_get_u64 (fixture->exit, "requests") == 8);
  test_wait_spin (500);
  g_assert_cmpuint (fixture->client.others->len, ==, 7);
}

static void
on_body (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GBytes **body = user_data;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* The address is in localnet.json and in the nym-api's described nodes, where a client
 * looks for network_requester.address; it stays the same when the exit starts again. */
static void
test_published (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *address = NULL;
  g_autofree char *exit_dir = NULL;
  JsonArray *nodes;
  bool found = false;

  g_object_get (fixture->exit, "data-dir", &exit_dir, NULL);

  start_all (fixture);
  address = g_strdup (localnet_exit_get_address (fixture->exit));
  g_assert_cmpstr (localnet_network_find_node (fixture->network, "gateway-1")->network_requester_address, ==, address);
  g_assert_true (g_str_has_suffix (address, localnet_gateway_get_identity (fixture->gateway)));

  g_assert_true (json_parser_load_from_file (parser, localnet_network_get_json_path (fixture->network), &error));
  g_assert_no_error (error);
  nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      if (g_str_equal (json_object_get_string_member (node, "name"), "gateway-1"))
        {
          g_assert_cmpstr (json_object_get_string_member (node, "network_requester_address"), ==, address);
          found = true;
        }
    }
  g_assert_true (found);

  url = g_strconcat (localnet_nym_api_get_url (fixture->api), "api/v2/nym-nodes/described", NULL);
  message = soup_message_new ("GET", url);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, on_body, &body);
  WAIT_UNTIL (body != NULL);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_clear_object (&parser);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), &error));
  g_assert_no_error (error);
  found = false;
  nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "data");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *description = json_object_get_object_member (json_array_get_object_element (nodes, i), "description");
      JsonNode *requester = json_object_get_member (description, "network_requester");

      if (JSON_NODE_HOLDS_OBJECT (requester))
        {
          g_assert_cmpstr (json_object_get_string_member (json_node_get_object (requester), "address"), ==, address);
          g_assert_false (found);
          found = true;
        }
    }
  g_assert_true (found);

  /* Started again from the same folder, the exit has the same keys and gateway: same address. */
  localnet_exit_stop (fixture->exit);
  g_assert_finalize_object (g_steal_pointer (&fixture->exit));
  fixture->exit = localnet_exit_new (exit_dir);
  localnet_exit_set_zero_delay (fixture->exit, TRUE);
  start_exit (fixture);
  g_assert_cmpstr (localnet_exit_get_address (fixture->exit), ==, address);
}

/* ---- nymph-localnet run -------------------------------------------------------------- */

static char *
program_path (void)
{
  /* G_TEST_BUILT is the build's tests/ or tests/localnet/ folder; the program is in localnet/. */
  char *path = g_test_build_filename (G_TEST_BUILT, "..", "localnet", "nymph-localnet", NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_free (path);
      path = g_test_build_filename (G_TEST_BUILT, "..", "..", "localnet", "nymph-localnet", NULL);
    }
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE));
  return path;
}

/* A child that gets SIGTERM when the test process dies, so a failed assertion does not
 * leave a localnet running. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn_child (GSubprocessFlags   flags,
             GError           **error,
             const char        *first,
             ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

/* The next stdout line that starts with prefix; other lines (debug output when
 * G_MESSAGES_DEBUG is set) are skipped. */
static char *
read_line (GDataInputStream *out,
           const char       *prefix)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, prefix))
        return line;
      g_free (line);
    }
}

/* Runs `nymph-localnet run --dir DIR --zero-delay ARGS…` to its readiness line and returns
 * the network_requester_address of its exit gateway in localnet.json (NULL if there is
 * none), then stops it with SIGTERM and hands back what it wrote on stderr. */
static char *
run_program (const char  *dir,
             const char  *extra,
             char       **err_out)
{
  g_autofree char *program = program_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  g_autofree char *json_path = g_build_filename (dir, "localnet.json", NULL);
  char *address = NULL;
  JsonArray *nodes;

  process = spawn_child (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              program, "run", "--dir", dir, "--zero-delay", extra, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = read_line (out, "nymph-localnet: ready ");
  g_assert_cmpstr (line + strlen ("nymph-localnet: ready "), ==, json_path);

  g_assert_true (json_parser_load_from_file (parser, json_path, &error));
  g_assert_no_error (error);
  nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      if (g_str_equal (json_object_get_string_member (node, "kind"), "gateway")
          && json_object_get_boolean_member (node, "exit"))
        address = g_strdup (json_object_get_string_member_with_default (node, "network_requester_address", NULL));
    }

  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err_out, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return address;
}

/* `run` starts the exit by default and publishes it; a second run keeps the address;
 * --no-exit runs none; a broken --exit-policy stops the program with the file's name. */
static void
test_program (void)
{
  g_autofree char *dir = localnet_test_mkdtemp ();
  g_autofree char *ln = g_build_filename (dir, "ln", NULL);
  g_autofree char *err = NULL;
  g_autofree char *first = run_program (ln, "--gateways=2", &err);
  g_autofree char *second = NULL;
  g_autofree char *none = NULL;
  g_autofree char *program = program_path ();
  g_autofree char *policy = g_build_filename (dir, "policy.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *policy_err = NULL;
  g_autofree char *exit_dir = NULL;
  NymRecipient recipient;

  g_assert_nonnull (first);
  g_assert_true (nym_recipient_parse (first, &recipient, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (err, "nymph-localnet: exit requests=0 connections=0"));
  exit_dir = g_build_filename (ln, "exit-gateway-2", NULL);
  g_assert_true (g_file_test (exit_dir, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&err, g_free);

  second = run_program (ln, "--gateways=2", &err);
  g_assert_cmpstr (second, ==, first);
  g_clear_pointer (&err, g_free);

  none = run_program (ln, "--no-exit", &err);
  g_assert_null (none);
  g_assert_null (strstr (err, "nymph-localnet: exit"));

  g_assert_true (g_file_set_contents (policy, "accept 127.0.0.1:80\nallow all\n", -1, &error));
  process = spawn_child (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              program, "run", "--dir", ln, "--zero-delay", "--exit-policy", policy, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &policy_err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_nonnull (strstr (policy_err, policy));
  localnet_test_rmdir (dir);
}

/* `nymph-localnet exit` alone joins a localnet that `run --no-exit` runs in another
 * process: it prints its address, publishes it in the shared localnet.json, and prints
 * its counters when it stops. Without --dir it is a usage error. */
static void
test_program_single (void)
{
  g_autofree char *program = program_path ();
  g_autofree char *dir = localnet_test_mkdtemp ();
  g_autofree char *json_path = g_build_filename (dir, "localnet.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) network = NULL;
  g_autoptr(GSubprocess) exit = NULL;
  g_autoptr(GSubprocess) usage = NULL;
  g_autoptr(GDataInputStream) network_out = NULL;
  g_autoptr(GDataInputStream) exit_out = NULL;
  g_autoptr(LocalnetNetwork) shared = NULL;
  g_autofree char *line = NULL;
  g_autofree char *address_line = NULL;
  g_autofree char *exit_err = NULL;
  g_autofree char *exit_dir = NULL;

  network = spawn_child (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              program, "run", "--dir", dir, "--zero-delay", "--no-exit", NULL);
  g_assert_no_error (error);
  network_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (network));
  line = read_line (network_out, "nymph-localnet: ready ");
  g_clear_pointer (&line, g_free);

  exit = spawn_child (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           program, "exit", "--dir", dir, "--zero-delay", NULL);
  g_assert_no_error (error);
  exit_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (exit));
  address_line = read_line (exit_out, "address: ");
  line = read_line (exit_out, "nymph-localnet: ready ");
  g_assert_cmpstr (line + strlen ("nymph-localnet: ready "), ==, json_path);

  shared = localnet_network_new (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (localnet_network_find_node (shared, "gateway-1")->network_requester_address, ==,
                   address_line + strlen ("address: "));
  exit_dir = g_build_filename (dir, "exit-gateway-1", NULL);
  g_assert_true (g_file_test (exit_dir, G_FILE_TEST_IS_DIR));
  /* The nym-api of the other process reads the change and describes the exit. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *url = g_strconcat (localnet_network_get_nym_api_url (shared), "api/v2/nym-nodes/described", NULL);
    g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
    g_autoptr(GBytes) body = NULL;
    g_autofree char *expected = g_strdup_printf ("\"network_requester\":{\"address\":\"%s\"",
                                                 address_line + strlen ("address: "));
    g_autofree char *text = NULL;

    soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, on_body, &body);
    WAIT_UNTIL (body != NULL);
    text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_assert_nonnull (strstr (text, expected));
  }

  g_subprocess_send_signal (exit, SIGTERM);
  g_assert_true (g_subprocess_communicate_utf8 (exit, NULL, NULL, NULL, &exit_err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (exit), ==, 0);
  g_assert_nonnull (strstr (exit_err, "nymph-localnet: exit requests=0"));
  g_subprocess_send_signal (network, SIGTERM);
  g_assert_true (g_subprocess_wait (network, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (network), ==, 0);

  usage = spawn_child (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            program, "exit", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (usage, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (usage), ==, 2);
  g_assert_finalize_object (g_steal_pointer (&shared));
  localnet_test_rmdir (dir);
}

/* Bad input: a missing or broken policy file, a bad URL or gateway, a second start. */
static void
test_bad_input (void)
{
  g_autofree char *dir = localnet_test_mkdtemp ();
  g_autofree char *exit_dir = g_build_filename (dir, "exit", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.txt", NULL);
  g_autoptr(LocalnetExit) exit = localnet_exit_new (exit_dir);
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(GError) error = NULL;
  gboolean open_proxy = FALSE;

  g_assert_false (localnet_exit_load_policy_file (exit, missing, &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_POLICY_FILE);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (broken, "accept 127.0.0.1:80\nallow everything\n", -1, &error));
  g_assert_false (localnet_exit_load_policy_file (exit, broken, &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_POLICY_FILE);
  g_assert_nonnull (strstr (error->message, broken));
  g_clear_error (&error);
  /* Nothing changed: still the open proxy it was made as. */
  g_object_get (exit, "open-proxy", &open_proxy, NULL);
  g_assert_true (open_proxy);

  g_assert_false (localnet_exit_start (exit, "ftp://nowhere", "8W4THvSckg4akeCFGjrpxBWFj7dvvHAya6kpnd38Rbqk", &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (localnet_exit_start (exit, "http://127.0.0.1:1/", "not-base58-0OIl", &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (localnet_exit_is_ready (exit));
  g_assert_null (localnet_exit_get_address (exit));

  network = localnet_network_new (dir, &error);
  g_assert_no_error (error);
  g_assert_false (localnet_exit_publish (exit, network, "gateway-1", &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE);
  g_clear_error (&error);
  localnet_exit_stop (exit);
  localnet_exit_stop (exit);
  g_assert_false (localnet_exit_start (exit, "http://127.0.0.1:1/", "8W4THvSckg4akeCFGjrpxBWFj7dvvHAya6kpnd38Rbqk", &error));
  g_assert_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE);
  g_assert_finalize_object (g_steal_pointer (&exit));
  g_assert_finalize_object (g_steal_pointer (&network));
  localnet_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/localnet/exit/bad-input", test_bad_input);
  g_test_add_func ("/localnet/exit/program", test_program);
  g_test_add_func ("/localnet/exit/program/single", test_program_single);
  ADD ("/localnet/exit/echo/versioned", test_echo, GINT_TO_POINTER (0));
  ADD ("/localnet/exit/echo/legacy", test_echo, GINT_TO_POINTER (1));
  ADD ("/localnet/exit/remote-close", test_remote_close, GINT_TO_POINTER (0));
  ADD ("/localnet/exit/remote-close/anonymous", test_remote_close, GINT_TO_POINTER (1));
  ADD ("/localnet/exit/refused-port", test_refused_port, NULL);
  ADD ("/localnet/exit/connect-timeout", test_connect_timeout, NULL);
  ADD ("/localnet/exit/policy-file", test_policy_file, NULL);
  ADD ("/localnet/exit/local-refused", test_local_refused, NULL);
  ADD ("/localnet/exit/resolve", test_resolve, NULL);
  ADD ("/localnet/exit/many-connections", test_many_connections, NULL);
  ADD ("/localnet/exit/duplicates", test_duplicates, NULL);
  ADD ("/localnet/exit/idle", test_idle, NULL);
  ADD ("/localnet/exit/backpressure", test_backpressure, NULL);
  ADD ("/localnet/exit/anonymous", test_anonymous, NULL);
  ADD ("/localnet/exit/vanished-sender", test_vanished_sender, NULL);
  ADD ("/localnet/exit/queries", test_queries, NULL);
  ADD ("/localnet/exit/published", test_published, NULL);

  return g_test_run ();
}
