/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests NymSocks5Proxy: its requests and reordering on a thread of its own with a recording backend, and the proxy inside the real runtime against an in-process localnet with its exit (curl, fail closed, refusals). */
#include <string.h>
#include <sodium.h>

#include "../common/test-wait.h"
#include "localnet-network.h"
#include "../localnet/localnet-test-util.h"
#include "exit/localnet-exit.h"
#include "gateway/localnet-gateway.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"
#include "runtime/nym-client.h"
#include "socks5/nym-nr-protocol.h"
#include "socks5/nym-socks-handshake.h"
#include "socks5/nym-socks5-proxy.h"

#define WAIT_SECONDS 60
#define SOCKET_TIMEOUT_S 20

/* Where curl is (from meson); empty when it was not found, and then the curl cases skip. */
static char *curl_path;

/* The library logs in structured form, which g_test_expect_message does not see in GLib
 * 2.74; a writer takes the one expected warning instead (everything else goes on to the
 * default writer, where G_DEBUG=fatal-warnings applies). */
static const char *expected_warning;
static guint expected_warnings_seen;

static GLogWriterOutput
test_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if ((log_level & G_LOG_LEVEL_WARNING) && expected_warning != NULL)
    for (gsize i = 0; i < n_fields; i++)
      if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
          && g_pattern_match_simple (expected_warning, fields[i].value))
        {
          expected_warnings_seen++;
          return G_LOG_WRITER_HANDLED;
        }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static const uint8_t socks5_success[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 };
static const uint8_t socks5_not_ready[] = { 5, 3, 0, 1, 0, 0, 0, 0, 0, 0 };
static const uint8_t socks4_success[] = { 0, 0x5a, 0, 0, 127, 0, 0, 1 };
static const uint8_t socks4_rejected[] = { 0, 0x5b, 0, 0, 0, 0, 0, 0 };

/* Blocking client sockets (the proxy runs on another thread in every test). */

static GSocket *
client_connect (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, SOCKET_TIMEOUT_S);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

static void
client_send (GSocket       *socket,
             const void    *data,
             size_t         len)
{
  size_t sent = 0;

  while (sent < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + sent, len - sent, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      sent += (size_t) n;
    }
}

/* Reads until len bytes arrived or the peer closed; returns how many arrived. */
static size_t
client_receive (GSocket *socket,
                uint8_t *out,
                size_t   len)
{
  size_t got = 0;

  while (got < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, (char *) out + got, len - got, NULL, &error);

      g_assert_no_error (error);
      if (n == 0)
        break;
      got += (size_t) n;
    }
  return got;
}

static void
client_expect (GSocket       *socket,
               const uint8_t *expected,
               size_t         len)
{
  g_autofree uint8_t *got = g_malloc (len);

  g_assert_cmpmem (got, client_receive (socket, got, len), expected, len);
}

/* The proxy closed the connection: the next read sees the end, not data. */
static void
client_expect_end (GSocket *socket)
{
  uint8_t byte;

  g_assert_cmpuint (client_receive (socket, &byte, 1), ==, 0);
}

static void
client_close (GSocket *socket)
{
  g_socket_close (socket, NULL);
  g_object_unref (socket);
}

/* SOCKS5 greeting with NO AUTH, then a CONNECT to host:port by name. */
static GByteArray *
socks5_connect_request (const char *host,
                        guint16     port)
{
  GByteArray *request = g_byte_array_new ();
  uint8_t head[] = { 5, 1, 0, 5, 1, 0, 3, (uint8_t) strlen (host) };
  uint8_t tail[] = { (uint8_t) (port >> 8), (uint8_t) port };

  g_byte_array_append (request, head, sizeof head);
  g_byte_array_append (request, (const guint8 *) host, (guint) strlen (host));
  g_byte_array_append (request, tail, sizeof tail);
  return request;
}

/* A SOCKS5 client up to the proxy's reply: the method selection, then reply (10 bytes). */
static GSocket *
socks5_open (guint16        port,
             const char    *host,
             guint16        target_port,
             const uint8_t  reply[static 10])
{
  static const uint8_t method[] = { 5, 0 };
  g_autoptr(GByteArray) request = socks5_connect_request (host, target_port);
  GSocket *socket = client_connect (port);

  client_send (socket, request->data, request->len);
  client_expect (socket, method, sizeof method);
  client_expect (socket, reply, 10);
  return socket;
}

/* A SOCKS4a CONNECT to host:port with an empty user id. */
static GSocket *
socks4a_open (guint16        port,
              const char    *host,
              guint16        target_port,
              const uint8_t  reply[static 8])
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  uint8_t head[] = { 4, 1, (uint8_t) (target_port >> 8), (uint8_t) target_port, 0, 0, 0, 1, 0 };
  uint8_t nul = 0;
  GSocket *socket = client_connect (port);

  g_byte_array_append (request, head, sizeof head);
  g_byte_array_append (request, (const guint8 *) host, (guint) strlen (host));
  g_byte_array_append (request, &nul, 1);
  client_send (socket, request->data, request->len);
  client_expect (socket, reply, 8);
  return socket;
}

/*
 * Part 1: the proxy on a thread of its own. Its backend records every message it is asked
 * to send, and the test plays the exit by handing it responses; everything the proxy does
 * happens on its thread, as in the runtime.
 */

typedef struct
{
  NymRecipient recipient;
  GBytes      *data;
  guint        reply_surbs;
} SentMessage;

static void
sent_message_free (gpointer data)
{
  SentMessage *message = data;

  g_bytes_unref (message->data);
  g_free (message);
}

typedef struct
{
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  NymSocks5Proxy *proxy;
  NymSocks5ProxyConfig config;
  GError         *error;
  GAsyncQueue    *sent;     /* SentMessage * */
  gint            queued;   /* what get_queued() reports */
  guint16         port;
  GMutex          mutex;
  GCond           cond;
  bool            started;
} Harness;

static void
backend_send (const NymRecipient *recipient,
              GBytes             *data,
              guint               reply_surbs,
              gpointer            user_data)
{
  Harness *h = user_data;
  SentMessage *message = g_new0 (SentMessage, 1);

  message->recipient = *recipient;
  message->data = g_bytes_ref (data);
  message->reply_surbs = reply_surbs;
  g_async_queue_push (h->sent, message);
}

static guint
backend_get_queued (gpointer user_data)
{
  Harness *h = user_data;

  return (guint) g_atomic_int_get (&h->queued);
}

static gpointer
harness_thread (gpointer data)
{
  static const NymSocks5ProxyBackend backend = { backend_send, backend_get_queued };
  Harness *h = data;

  g_main_context_push_thread_default (h->context);
  h->proxy = nym_socks5_proxy_new (&h->config, &backend, h, &h->error);
  g_mutex_lock (&h->mutex);
  h->started = true;
  g_cond_signal (&h->cond);
  g_mutex_unlock (&h->mutex);
  if (h->proxy != NULL)
    g_main_loop_run (h->loop);
  g_clear_pointer (&h->proxy, nym_socks5_proxy_free);
  /* Let the cancelled operations of closed connections drop their references. */
  while (g_main_context_iteration (h->context, FALSE))
    ;
  g_main_context_pop_thread_default (h->context);
  return NULL;
}

static void
harness_start (Harness    *h,
               bool        anonymous,
               bool        legacy)
{
  h->config.address = "127.0.0.1:0";
  h->config.anonymous = anonymous;
  h->config.legacy = legacy;
  h->config.high_water = 256;
  h->config.low_water = 64;
  memset (&h->config.exit, 0x11, sizeof h->config.exit);
  h->context = g_main_context_new ();
  h->loop = g_main_loop_new (h->context, FALSE);
  h->sent = g_async_queue_new_full (sent_message_free);
  g_mutex_init (&h->mutex);
  g_cond_init (&h->cond);
  h->thread = g_thread_new ("proxy-test", harness_thread, h);
  g_mutex_lock (&h->mutex);
  while (!h->started)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
  g_assert_no_error (h->error);
  h->port = nym_socks5_proxy_get_port (h->proxy);
  g_assert_cmpuint (h->port, >, 0);
}

static void
harness_stop (Harness *h)
{
  g_main_loop_quit (h->loop);
  g_thread_join (h->thread);
  g_main_loop_unref (h->loop);
  g_main_context_unref (h->context);
  g_async_queue_unref (h->sent);
  g_mutex_clear (&h->mutex);
  g_cond_clear (&h->cond);
}

/* Runs a call on the proxy's thread and waits for it. */
typedef enum
{
  CALL_SET_READY,
  CALL_SET_NOT_READY,
  CALL_SET_SELF_ADDRESS,
  CALL_HANDLE_MESSAGE,
  CALL_HANDLE_TAGGED_MESSAGE,
  CALL_DRAINED,
  CALL_N_CONNECTIONS,
  CALL_IS_THROTTLED,
} CallKind;

typedef struct
{
  Harness     *h;
  CallKind     kind;
  GBytes      *data;
  NymRecipient address;
  guint        result;
  bool         done;
} Call;

static gboolean
run_call (gpointer user_data)
{
  Call *call = user_data;
  static const uint8_t tag[16] = { 1 };
  NymSocks5Proxy *proxy = call->h->proxy;

  switch (call->kind)
    {
    case CALL_SET_READY:
      nym_socks5_proxy_set_ready (proxy, true);
      break;
    case CALL_SET_NOT_READY:
      nym_socks5_proxy_set_ready (proxy, false);
      break;
    case CALL_SET_SELF_ADDRESS:
      nym_socks5_proxy_set_self_address (proxy, &call->address);
      break;
    case CALL_HANDLE_MESSAGE:
      call->result = nym_socks5_proxy_handle_message (proxy, NULL, call->data);
      break;
    case CALL_HANDLE_TAGGED_MESSAGE:
      call->result = nym_socks5_proxy_handle_message (proxy, tag, call->data);
      break;
    case CALL_DRAINED:
      nym_socks5_proxy_drained (proxy);
      break;
    case CALL_N_CONNECTIONS:
      call->result = nym_socks5_proxy_get_n_connections (proxy);
      break;
    case CALL_IS_THROTTLED:
      call->result = nym_socks5_proxy_is_throttled (proxy);
      break;
    }
  g_mutex_lock (&call->h->mutex);
  call->done = true;
  g_cond_broadcast (&call->h->cond);
  g_mutex_unlock (&call->h->mutex);
  return G_SOURCE_REMOVE;
}

static guint
harness_call_full (Harness            *h,
                   CallKind            kind,
                   GBytes             *data,
                   const NymRecipient *address)
{
  Call call = { h, kind, data, { { 0 } }, 0, false };

  if (address != NULL)
    call.address = *address;
  g_main_context_invoke (h->context, run_call, &call);
  g_mutex_lock (&h->mutex);
  while (!call.done)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
  return call.result;
}

static guint
harness_call (Harness  *h,
              CallKind  kind)
{
  return harness_call_full (h, kind, NULL, NULL);
}

/* The response the exit would send, handed to the proxy; returns whether it took it. */
static bool
harness_respond (Harness       *h,
                 NymNrResponse *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = nym_nr_response_encode (response, &error);

  g_assert_no_error (error);
  nym_nr_response_free (response);
  return harness_call_full (h, CALL_HANDLE_MESSAGE, bytes, NULL);
}

/* The next request the proxy sent, decoded; fails if none comes. */
static NymNrRequest *
harness_next_request (Harness *h,
                      guint   *reply_surbs)
{
  g_autoptr(GError) error = NULL;
  SentMessage *message = g_async_queue_timeout_pop (h->sent, (guint64) SOCKET_TIMEOUT_S * G_USEC_PER_SEC);
  NymNrRequest *request;

  g_assert_nonnull (message);
  g_assert_true (nym_recipient_equal (&message->recipient, &h->config.exit));
  request = nym_nr_request_decode (g_bytes_get_data (message->data, NULL), g_bytes_get_size (message->data), &error);
  g_assert_no_error (error);
  if (reply_surbs != NULL)
    *reply_surbs = message->reply_surbs;
  sent_message_free (message);
  return request;
}

/* Waits until the proxy has closed every connection. */
static void
harness_wait_no_connections (Harness *h)
{
  for (guint i = 0; i < WAIT_SECONDS * 100 && harness_call (h, CALL_N_CONNECTIONS) > 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (harness_call (h, CALL_N_CONNECTIONS), ==, 0);
}

static void
assert_send (NymNrRequest  *request,
             uint64_t       connection_id,
             uint64_t       sequence,
             const char    *data,
             bool           local_closed)
{
  g_assert_cmpint (request->kind, ==, NYM_NR_REQUEST_SEND);
  g_assert_cmpuint (request->connection_id, ==, connection_id);
  g_assert_cmpuint (request->sequence, ==, sequence);
  g_assert_cmpint (request->local_closed, ==, local_closed);
  g_assert_cmpmem (g_bytes_get_data (request->data, NULL), g_bytes_get_size (request->data), data, strlen (data));
}

/* §5.1–§5.3 in the default mode: versioned Connect without a return address and with 20
 * reply SURBs, Sends with increasing sequence numbers and 3 SURBs, the exit's data put back
 * in order, its close ending the connection, and the client's close reported. */
static void
test_anonymous_versioned (void)
{
  Harness h = { 0 };
  g_autoptr(NymNrRequest) connect = NULL;
  GSocket *socket;
  guint surbs = 0;
  uint64_t id;
  uint8_t text[11];

  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 8080, socks5_success);

  connect = harness_next_request (&h, &surbs);
  g_assert_cmpint (connect->kind, ==, NYM_NR_REQUEST_CONNECT);
  g_assert_cmpuint (connect->version.interface, ==, NYM_NR_VERSION_CURRENT);
  g_assert_cmpuint (connect->version.protocol, ==, NYM_NR_VERSION_CURRENT);
  g_assert_cmpstr (connect->remote_address, ==, "exit-test.invalid:8080");
  g_assert_false (connect->has_return_address);
  g_assert_cmpuint (surbs, ==, NYM_SOCKS5_PROXY_CONNECT_REPLY_SURBS);
  id = connect->connection_id;

  client_send (socket, "GET /", 5);
  {
    g_autoptr(NymNrRequest) send = harness_next_request (&h, &surbs);

    assert_send (send, id, 0, "GET /", false);
    g_assert_cmpuint (surbs, ==, NYM_SOCKS5_PROXY_SEND_REPLY_SURBS);
  }

  /* Out of order, a duplicate, and responses that are not for us. */
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 1,
                                                                       (const uint8_t *) "world", 5, false)));
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 0,
                                                                       (const uint8_t *) "hello ", 6, false)));
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 0,
                                                                       (const uint8_t *) "HELLO ", 6, false)));
  g_assert_false (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id + 1, 0,
                                                                        (const uint8_t *) "x", 1, false)));
  {
    g_autoptr(GBytes) garbage = g_bytes_new_static ("not an NR response", 18);
    g_autoptr(NymNrResponse) tagged = nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 2,
                                                                         (const uint8_t *) "x", 1, false);
    g_autoptr(GBytes) tagged_bytes = nym_nr_response_encode (tagged, NULL);

    g_assert_false (harness_call_full (&h, CALL_HANDLE_MESSAGE, garbage, NULL));
    /* A message with a sender tag comes from an anonymous client, never from the exit. */
    g_assert_false (harness_call_full (&h, CALL_HANDLE_TAGGED_MESSAGE, tagged_bytes, NULL));
  }
  client_expect (socket, (const uint8_t *) "hello world", 11);

  /* The exit closes: the client reads the end after the data. */
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 2,
                                                                       NULL, 0, true)));
  g_assert_cmpuint (client_receive (socket, text, sizeof text), ==, 0);

  /* The client closes its side too: the exit learns it with the next sequence number. */
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  {
    g_autoptr(NymNrRequest) close = harness_next_request (&h, NULL);

    assert_send (close, id, 1, "", true);
  }
  harness_wait_no_connections (&h);
  /* A late response for the closed connection is still recognised and dropped. */
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED, id, 3,
                                                                       (const uint8_t *) "late", 4, false)));
  client_close (socket);
  g_assert_null (g_async_queue_try_pop (h.sent));
  harness_stop (&h);
}

/* Open-proxy mode with the legacy encoding: the Connect names our address, nothing carries
 * SURBs, SOCKS4a's host name goes to the exit as text, and bytes the client sent right
 * behind its request are its first data. */
static void
test_plain_legacy (void)
{
  Harness h = { 0 };
  NymRecipient self_address;
  g_autoptr(NymNrRequest) connect = NULL;
  g_autoptr(NymNrRequest) send = NULL;
  g_autoptr(GByteArray) request = g_byte_array_new ();
  uint8_t head[] = { 4, 1, 0x1f, 0x90, 0, 0, 0, 9, 'u', 0 };
  GSocket *socket;
  guint surbs = 99;

  harness_start (&h, false, true);
  /* Without our address the Connect could not name where to answer: refused until known. */
  harness_call (&h, CALL_SET_READY);
  socket = socks4a_open (h.port, "exit-test.invalid", 8080, socks4_rejected);
  client_expect_end (socket);
  client_close (socket);

  /* A real address: the exit checks that its keys are Ed25519 points. */
  g_assert_true (nym_recipient_parse ("XqW1YKfE5BcNmypr83T19wsoQ13aAwLQmtgDaeXrdcr."
                                      "3d5umtPYKQpnXSXhJgKB9v137uFSQ9Xa3MSoxEDaQmh3@"
                                      "8HEwMnCuT7q4z1iRGDxTBH9pyQDsyLHtH8Dc8aUn8fJF", &self_address, NULL));
  harness_call_full (&h, CALL_SET_SELF_ADDRESS, NULL, &self_address);
  g_byte_array_append (request, head, sizeof head);
  g_byte_array_append (request, (const guint8 *) "exit-test.invalid", 17);
  g_byte_array_append (request, (const guint8 *) "\0early", 6);
  socket = client_connect (h.port);
  client_send (socket, request->data, request->len);
  client_expect (socket, socks4_success, sizeof socks4_success);

  connect = harness_next_request (&h, &surbs);
  g_assert_cmpint (connect->kind, ==, NYM_NR_REQUEST_CONNECT);
  g_assert_cmpuint (connect->version.interface, ==, NYM_NR_VERSION_LEGACY);
  g_assert_cmpstr (connect->remote_address, ==, "exit-test.invalid:8080");
  g_assert_true (connect->has_return_address);
  g_assert_true (nym_recipient_equal (&connect->return_address, &self_address));
  g_assert_cmpuint (surbs, ==, 0);
  send = harness_next_request (&h, &surbs);
  assert_send (send, connect->connection_id, 0, "early", false);
  g_assert_cmpuint (send->version.interface, ==, NYM_NR_VERSION_LEGACY);
  g_assert_cmpuint (surbs, ==, 0);

  /* A legacy response is taken too. */
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_LEGACY,
                                                                       connect->connection_id, 0,
                                                                       (const uint8_t *) "ok", 2, true)));
  client_expect (socket, (const uint8_t *) "ok", 2);
  client_expect_end (socket);
  client_close (socket);
  harness_wait_no_connections (&h);
  harness_stop (&h);
}

/* Fail closed: before ready every CONNECT gets 0x03 (SOCKS4: 0x5b) and nothing reaches the
 * mixnet; leaving ready closes open connections at once. */
static void
test_fail_closed (void)
{
  Harness h = { 0 };
  GSocket *socket;
  GSocket *open;

  harness_start (&h, true, false);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_not_ready);
  client_expect_end (socket);
  client_close (socket);
  socket = socks4a_open (h.port, "exit-test.invalid", 80, socks4_rejected);
  client_expect_end (socket);
  client_close (socket);
  g_assert_null (g_async_queue_try_pop (h.sent));

  harness_call (&h, CALL_SET_READY);
  open = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  nym_nr_request_free (harness_next_request (&h, NULL));
  harness_call (&h, CALL_SET_NOT_READY);
  client_expect_end (open);
  client_close (open);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_not_ready);
  client_expect_end (socket);
  client_close (socket);
  harness_wait_no_connections (&h);
  g_assert_null (g_async_queue_try_pop (h.sent));
  harness_stop (&h);
}

/* What the exit sent before a ConnectionError is written, then the connection ends. */
static void
test_connection_error (void)
{
  Harness h = { 0 };
  g_autoptr(NymNrRequest) connect = NULL;
  GSocket *socket;

  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  connect = harness_next_request (&h, NULL);
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                       connect->connection_id, 0,
                                                                       (const uint8_t *) "partial", 7, false)));
  g_assert_true (harness_respond (&h, nym_nr_response_new_connection_error (NYM_NR_VERSION_INIT_VERSIONED,
                                                                           connect->connection_id,
                                                                           "connection refused")));
  client_expect (socket, (const uint8_t *) "partial", 7);
  client_expect_end (socket);
  client_close (socket);
  harness_wait_no_connections (&h);
  /* The exit had dropped the connection already: nothing more is sent to it. */
  g_assert_null (g_async_queue_try_pop (h.sent));
  harness_stop (&h);
}

/* Back-pressure: while the send queue is above the high water mark no client is read; the
 * drained call resumes reading. */
static void
test_back_pressure (void)
{
  Harness h = { 0 };
  g_autoptr(NymNrRequest) connect = NULL;
  GSocket *socket;

  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  connect = harness_next_request (&h, NULL);
  /* A call on the proxy's thread returns after the handshake's callback has finished, so
   * the read of the first data is already waiting. */
  harness_call (&h, CALL_N_CONNECTIONS);
  g_atomic_int_set (&h.queued, (gint) h.config.high_water + 1);
  /* That read takes "one"; the next one is not made. */
  client_send (socket, "one", 3);
  {
    g_autoptr(NymNrRequest) send = harness_next_request (&h, NULL);

    assert_send (send, connect->connection_id, 0, "one", false);
  }
  client_send (socket, "two", 3);
  test_wait_spin (300);
  g_assert_null (g_async_queue_try_pop (h.sent));
  g_assert_true (harness_call (&h, CALL_IS_THROTTLED));

  g_atomic_int_set (&h.queued, (gint) h.config.low_water);
  harness_call (&h, CALL_DRAINED);
  {
    g_autoptr(NymNrRequest) send = harness_next_request (&h, NULL);

    assert_send (send, connect->connection_id, 1, "two", false);
  }
  g_assert_false (harness_call (&h, CALL_IS_THROTTLED));
  /* The client's close is reported; the connection lasts until the exit closes too. */
  client_close (socket);
  {
    g_autoptr(NymNrRequest) send = harness_next_request (&h, NULL);

    assert_send (send, connect->connection_id, 2, "", true);
  }
  g_assert_cmpuint (harness_call (&h, CALL_N_CONNECTIONS), ==, 1);
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                       connect->connection_id, 0, NULL, 0, true)));
  harness_wait_no_connections (&h);
  harness_stop (&h);
}

/* A client that does not read holds up only its own connection: another one still gets its
 * data while megabytes wait for the first. */
static void
test_slow_reader (void)
{
  Harness h = { 0 };
  g_autoptr(NymNrRequest) connect_a = NULL;
  g_autoptr(NymNrRequest) connect_b = NULL;
  const size_t chunk = 60000;
  const guint chunks = 64;
  g_autofree uint8_t *data = g_malloc (chunk);
  GSocket *a, *b;
  size_t total = 0;

  randombytes_buf (data, chunk);
  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  a = socks5_open (h.port, "a.invalid", 80, socks5_success);
  connect_a = harness_next_request (&h, NULL);
  b = socks5_open (h.port, "b.invalid", 80, socks5_success);
  connect_b = harness_next_request (&h, NULL);
  for (guint i = 0; i < chunks; i++)
    g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                         connect_a->connection_id, i, data, chunk,
                                                                         false)));
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                       connect_a->connection_id, chunks, NULL, 0,
                                                                       true)));
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                       connect_b->connection_id, 0,
                                                                       (const uint8_t *) "quick", 5, true)));
  client_expect (b, (const uint8_t *) "quick", 5);
  client_expect_end (b);
  client_close (b);

  /* Now the slow one reads everything, in order. */
  for (guint i = 0; i < chunks; i++)
    {
      g_autofree uint8_t *got = g_malloc (chunk);

      total += client_receive (a, got, chunk);
      g_assert_cmpmem (got, chunk, data, chunk);
    }
  g_assert_cmpuint (total, ==, chunk * chunks);
  client_expect_end (a);
  client_close (a);
  harness_wait_no_connections (&h);
  harness_stop (&h);
}

/* The timers of a connection, shortened: an empty Send keeps a quiet connection alive, a
 * connection the exit is silent on ends (and the exit is told), a handshake that does not
 * complete ends, and a client that keeps its side open after the exit closed is closed a
 * moment later. */
static void
test_timers (void)
{
  Harness h = { 0 };
  g_autoptr(NymNrRequest) connect = NULL;
  GSocket *socket;
  uint8_t byte;

  /* Keepalive: the client says nothing, empty Sends go out with increasing sequence numbers. */
  h.config.keepalive_ms = 200;
  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  connect = harness_next_request (&h, NULL);
  for (uint64_t sequence = 0; sequence < 2; sequence++)
    {
      g_autoptr(NymNrRequest) keepalive = harness_next_request (&h, NULL);

      assert_send (keepalive, connect->connection_id, sequence, "", false);
    }
  client_close (socket);
  harness_stop (&h);
  g_clear_pointer (&connect, nym_nr_request_free);

  /* Idle: nothing from the exit ends the connection, and the exit learns it. */
  memset (&h, 0, sizeof h);
  h.config.keepalive_ms = 400;
  h.config.idle_timeout_ms = 600;
  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  connect = harness_next_request (&h, NULL);
  client_expect_end (socket);
  for (;;)
    {
      g_autoptr(NymNrRequest) send = harness_next_request (&h, NULL);

      g_assert_cmpint (send->kind, ==, NYM_NR_REQUEST_SEND);
      g_assert_cmpuint (g_bytes_get_size (send->data), ==, 0);
      if (send->local_closed)
        break;
    }
  harness_wait_no_connections (&h);
  client_close (socket);
  harness_stop (&h);
  g_clear_pointer (&connect, nym_nr_request_free);

  /* Handshake: a client that connects and says nothing, or only half a request, is closed. */
  memset (&h, 0, sizeof h);
  h.config.handshake_timeout_ms = 200;
  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = client_connect (h.port);
  client_expect_end (socket);
  client_close (socket);
  socket = client_connect (h.port);
  client_send (socket, "\x05\x01\x00\x05\x01", 5);
  client_expect (socket, (const uint8_t *) "\x05\x00", 2);
  client_expect_end (socket);
  client_close (socket);
  harness_wait_no_connections (&h);
  g_assert_null (g_async_queue_try_pop (h.sent));
  harness_stop (&h);

  /* Shutdown: after the exit's close the client still holds its side open. */
  memset (&h, 0, sizeof h);
  h.config.shutdown_timeout_ms = 200;
  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  socket = socks5_open (h.port, "exit-test.invalid", 80, socks5_success);
  connect = harness_next_request (&h, NULL);
  g_assert_true (harness_respond (&h, nym_nr_response_new_network_data (NYM_NR_VERSION_INIT_VERSIONED,
                                                                       connect->connection_id, 0,
                                                                       (const uint8_t *) "bye", 3, true)));
  client_expect (socket, (const uint8_t *) "bye", 3);
  g_assert_cmpuint (client_receive (socket, &byte, 1), ==, 0);
  {
    g_autoptr(NymNrRequest) close = harness_next_request (&h, NULL);

    assert_send (close, connect->connection_id, 0, "", true);
  }
  harness_wait_no_connections (&h);
  client_close (socket);
  harness_stop (&h);
}

/* SOCKS refusals through the proxy, each with the code the RFCs give, then a close; none
 * reaches the exit. */
static void
test_refusals (void)
{
  static const struct
  {
    const char *name;
    const char *request;
    size_t      request_len;
    const char *reply;
    size_t      reply_len;
  } cases[] = {
    { "socks4-bind", "\x04\x02\x00\x50\x7f\x00\x00\x01\x00", 9, "\x00\x5b\x00\x00\x00\x00\x00\x00", 8 },
    { "socks4-unknown-command", "\x04\x09\x00\x50\x7f\x00\x00\x01\x00", 9, "\x00\x5b\x00\x00\x00\x00\x00\x00", 8 },
    { "socks5-bind", "\x05\x01\x00\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50", 13,
      "\x05\x00\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00", 12 },
    { "socks5-udp", "\x05\x01\x00\x05\x03\x00\x01\x7f\x00\x00\x01\x00\x50", 13,
      "\x05\x00\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00", 12 },
    { "socks5-address-type", "\x05\x01\x00\x05\x01\x00\x09\x7f\x00\x00\x01\x00\x50", 13,
      "\x05\x00\x05\x08\x00\x01\x00\x00\x00\x00\x00\x00", 12 },
    { "socks5-no-method", "\x05\x01\x02", 3, "\x05\xff", 2 },
    { "http", "GET / HTTP/1.1\r\n\r\n", 18, "", 0 },
  };
  Harness h = { 0 };

  harness_start (&h, true, false);
  harness_call (&h, CALL_SET_READY);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GSocket *socket = client_connect (h.port);

      g_test_message ("%s", cases[i].name);
      client_send (socket, cases[i].request, cases[i].request_len);
      if (cases[i].reply_len > 0)
        client_expect (socket, (const uint8_t *) cases[i].reply, cases[i].reply_len);
      client_expect_end (socket);
      client_close (socket);
    }
  harness_wait_no_connections (&h);
  g_assert_null (g_async_queue_try_pop (h.sent));
  harness_stop (&h);
}

static void
test_addresses (void)
{
  static const char *good[][2] = {
    { "127.0.0.1:1080", "127.0.0.1" },
    { "localhost:0", "127.0.0.1" },
    { "[::1]:1080", "::1" },
    { "0.0.0.0:1", "0.0.0.0" },
  };
  static const char *bad[] = { "", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:x", "example.org:1080",
                               "::1:1080", "[::1]1080", "[::1:1080" };
  static const NymSocks5ProxyBackend backend = { backend_send, backend_get_queued };
  NymSocks5ProxyConfig config = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = NULL;
  Harness h = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GInetSocketAddress) address = nym_socks5_proxy_parse_address (good[i][0], &error);
      g_autofree char *ip = NULL;

      g_assert_no_error (error);
      ip = g_inet_address_to_string (g_inet_socket_address_get_address (address));
      g_assert_cmpstr (ip, ==, good[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GInetSocketAddress) address = nym_socks5_proxy_parse_address (bad[i], &error);

      g_assert_null (address);
      g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
      g_clear_error (&error);
    }

  /* Reachable from other machines only when allowed, and then with a warning. */
  config.address = "0.0.0.0:0";
  config.high_water = 256;
  g_assert_null (nym_socks5_proxy_new (&config, &backend, &h, &error));
  g_assert_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "0.0.0.0:0"));
  g_clear_error (&error);
  /* Allowed, it warns before it binds. Tests never listen beyond loopback, so the allowed
   * address is one of TEST-NET-1 (RFC 5737), which no interface here has: the warning comes,
   * then the bind fails with an error naming the address, and nothing ever listens. */
  config.address = "192.0.2.1:0";
  config.allow_non_loopback = true;
  expected_warning = "*192.0.2.1:0*other machines*";
  g_assert_null (nym_socks5_proxy_new (&config, &backend, &h, &error));
  g_assert_cmpuint (expected_warnings_seen, ==, 1);
  expected_warning = NULL;
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cannot listen on 192.0.2.1:0"));
  g_clear_error (&error);

  /* A port that is taken is an error naming the address. */
  {
    g_autoptr(NymSocks5Proxy) first = NULL;

    config.address = "127.0.0.1:0";
    config.allow_non_loopback = false;
    first = nym_socks5_proxy_new (&config, &backend, &h, &error);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (nym_socks5_proxy_get_address (first), "127.0.0.1:"));
    taken = g_strdup (nym_socks5_proxy_get_address (first));
    config.address = taken;
    g_assert_null (nym_socks5_proxy_new (&config, &backend, &h, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_assert_nonnull (strstr (error->message, taken));
    g_clear_error (&error);
  }
  /* The listeners' cancelled accepts finish here. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/*
 * Part 2: the proxy inside the real runtime, against an in-process localnet: nym-api, three
 * mix layers, one gateway, and the localnet exit registered at that gateway.
 */

typedef struct
{
  char            *dir;
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  LocalnetMixnode *mixnodes[3];
  LocalnetGateway *gateway;
  char            *gateway_dir;
  guint16          gateway_ws_port;
  guint16          gateway_mix_port;
  LocalnetExit    *exit;
  GSocketService  *http;
  guint16          http_port;
  GBytes          *body;
  guint            http_requests;
} Fixture;

static bool
try_start_gateway (Fixture  *fixture,
                   GError  **start_error)
{
  g_autoptr(GError) error = NULL;
  LocalnetNodeInfo info = { 0 };

  fixture->gateway = localnet_gateway_new (fixture->gateway_dir, fixture->gateway_ws_port, fixture->gateway_mix_port);
  if (!localnet_gateway_start (fixture->gateway, start_error))
    {
      g_clear_object (&fixture->gateway);
      return false;
    }
  fixture->gateway_ws_port = localnet_gateway_get_ws_port (fixture->gateway);
  fixture->gateway_mix_port = localnet_gateway_get_mix_port (fixture->gateway);
  info.name = (char *) "gateway-1";
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (fixture->gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (fixture->gateway), 32);
  info.mix_port = fixture->gateway_mix_port;
  info.ws_port = fixture->gateway_ws_port;
  info.entry = true;
  info.exit = true;
  if (fixture->exit != NULL)
    info.network_requester_address = (char *) localnet_exit_get_address (fixture->exit);
  g_assert_cmpuint (localnet_network_add_node (fixture->network, &info, &error), !=, 0);
  g_assert_no_error (error);
  return true;
}

static void
stop_gateway (Fixture *fixture)
{
  localnet_gateway_stop (fixture->gateway);
  localnet_test_drain ();
  g_assert_finalize_object (g_steal_pointer (&fixture->gateway));
}

/* A tiny HTTP/1.0 server on the test thread: any request gets the body and a close. */
static void
on_http_request_read (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = user_data;
  Fixture *fixture = g_object_get_data (G_OBJECT (connection), "fixture");
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  gsize len = 0;
  const void *body = g_bytes_get_data (fixture->body, &len);

  if (g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error) <= 0)
    return;
  fixture->http_requests++;
  head = g_strdup_printf ("HTTP/1.0 200 OK\r\nContent-Length: %zu\r\nContent-Type: application/octet-stream\r\n\r\n",
                          (size_t) len);
  g_output_stream_write_all (output, head, strlen (head), NULL, NULL, &error);
  g_output_stream_write_all (output, body, len, NULL, NULL, &error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gboolean
on_http_incoming (GSocketService    *service,
                  GSocketConnection *connection,
                  GObject           *source_object,
                  gpointer           user_data)
{
  static char scratch[4096];

  g_object_set_data (G_OBJECT (connection), "fixture", user_data);
  /* The whole request fits in one read for curl's short GET. */
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)), scratch, sizeof scratch,
                             G_PRIORITY_DEFAULT, NULL, on_http_request_read, g_object_ref (connection));
  return TRUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *exit_dir = NULL;
  uint8_t *body = g_malloc (1024);

  fixture->dir = localnet_test_mkdtemp ();
  fixture->network = localnet_network_new (fixture->dir, &error);
  g_assert_no_error (error);
  localnet_network_set_zero_delay (fixture->network, TRUE);
  fixture->api = localnet_nym_api_new (fixture->network);
  g_assert_true (localnet_nym_api_listen (fixture->api, 0, &error));
  g_assert_no_error (error);
  for (guint layer = 1; layer <= 3; layer++)
    {
      g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
      g_autofree char *dir = localnet_network_node_dir (fixture->network, name, &error);
      g_autoptr(LocalnetNodeInfo) info = NULL;

      g_assert_no_error (error);
      fixture->mixnodes[layer - 1] = localnet_mixnode_new (name, dir, layer);
      localnet_mixnode_set_zero_delay (fixture->mixnodes[layer - 1], TRUE);
      g_assert_true (localnet_mixnode_start (fixture->mixnodes[layer - 1], 0, &error));
      g_assert_no_error (error);
      info = localnet_mixnode_dup_info (fixture->mixnodes[layer - 1]);
      g_assert_cmpuint (localnet_network_add_node (fixture->network, info, &error), !=, 0);
      g_assert_no_error (error);
    }
  fixture->gateway_dir = localnet_network_node_dir (fixture->network, "gateway-1", &error);
  g_assert_no_error (error);
  g_assert_true (try_start_gateway (fixture, &error));
  g_assert_no_error (error);

  /* The exit, a client of that gateway that may reach 127.0.0.1, published where clients
   * look for it (described nodes). */
  exit_dir = localnet_network_node_dir (fixture->network, LOCALNET_EXIT_DIR_PREFIX "gateway-1", &error);
  g_assert_no_error (error);
  fixture->exit = localnet_exit_new (exit_dir);
  localnet_exit_set_allow_local (fixture->exit, TRUE);
  localnet_exit_set_zero_delay (fixture->exit, TRUE);
  g_assert_true (localnet_exit_start (fixture->exit, localnet_nym_api_get_url (fixture->api),
                                      localnet_gateway_get_identity (fixture->gateway), &error));
  g_assert_no_error (error);
  WAIT_UNTIL (localnet_exit_is_ready (fixture->exit) || localnet_exit_get_error_message (fixture->exit) != NULL);
  g_assert_cmpstr (localnet_exit_get_error_message (fixture->exit), ==, NULL);
  g_assert_true (localnet_exit_publish (fixture->exit, fixture->network, "gateway-1", &error));
  g_assert_no_error (error);

  randombytes_buf (body, 1024);
  fixture->body = g_bytes_new_take (body, 1024);
  fixture->http = g_socket_service_new ();
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (fixture->http), any, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  fixture->http_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (fixture->http, "incoming", G_CALLBACK (on_http_incoming), fixture);
  g_socket_service_start (fixture->http);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  test_wait_spin (300);
  g_socket_service_stop (fixture->http);
  g_socket_listener_close (G_SOCKET_LISTENER (fixture->http));
  g_clear_object (&fixture->http);
  localnet_exit_stop (fixture->exit);
  if (fixture->gateway != NULL)
    stop_gateway (fixture);
  for (guint i = 0; i < 3; i++)
    localnet_mixnode_stop (fixture->mixnodes[i]);
  localnet_nym_api_stop (fixture->api);
  localnet_test_drain ();
  test_wait_spin (50);
  g_assert_finalize_object (fixture->exit);
  for (guint i = 0; i < 3; i++)
    g_assert_finalize_object (fixture->mixnodes[i]);
  g_assert_finalize_object (fixture->api);
  g_assert_finalize_object (fixture->network);
  g_bytes_unref (fixture->body);
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->gateway_dir);
}

static NymClient *
start_client (Fixture    *fixture,
              const char *api_url,
              const char *socks_address,
              bool        anonymous)
{
  NymClientRuntimeConfig config;
  const char *urls[] = { api_url, NULL };
  g_autofree char *data_dir = g_build_filename (fixture->dir, "client", NULL);
  g_autoptr(GError) error = NULL;
  NymClient *client = nym_client_new ();

  nym_client_runtime_config_init (&config);
  config.data_dir = data_dir;
  config.nym_api_urls = (char **) urls;
  config.zero_delay = true;
  config.gateway_timeout_s = 5;
  config.socks5_address = (char *) socks_address;
  config.socks5_exit = (char *) localnet_exit_get_address (fixture->exit);
  config.socks5_anonymous = anonymous;
  g_assert_true (nym_client_start (client, &config, &error));
  g_assert_no_error (error);
  return client;
}

static guint16
wait_client_ready (NymClient *client)
{
  const char *address;
  guint64 port = 0;

  WAIT_UNTIL (nym_client_get_state (client) == NYM_CLIENT_STATE_READY
              || nym_client_get_state (client) == NYM_CLIENT_STATE_ERROR);
  g_assert_cmpstr (nym_client_get_error_message (client), ==, NULL);
  address = nym_client_get_socks_address (client);
  g_assert_true (g_str_has_prefix (address, "127.0.0.1:"));
  g_assert_true (g_ascii_string_to_unsigned (address + strlen ("127.0.0.1:"), 10, 1, 65535, &port, NULL));
  return (guint16) port;
}

static void
stop_client (NymClient *client)
{
  nym_client_stop (client);
  g_assert_null (nym_client_get_socks_address (client));
  g_assert_finalize_object (client);
}

typedef struct
{
  bool    done;
  bool    ok;
  GBytes *out;
  char   *err;
} CurlRun;

static void
on_curl_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CurlRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &run->out, NULL, &error);
  g_assert_no_error (error);
  run->ok = g_subprocess_get_if_exited (G_SUBPROCESS (source)) && g_subprocess_get_exit_status (G_SUBPROCESS (source)) == 0;
  run->done = true;
}

/* curl through the proxy with a host name it must not resolve, while this thread keeps
 * serving the localnet and the HTTP server. */
static GBytes *
curl_through (guint16     proxy_port,
              const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy = g_strdup_printf ("127.0.0.1:%u", proxy_port);
  g_autoptr(GSubprocess) curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, curl_path, "-sS",
                                                  "--max-time", "60", "--socks5-hostname", proxy, url, NULL);
  CurlRun run = { 0 };

  g_assert_no_error (error);
  g_subprocess_communicate_async (curl, NULL, NULL, on_curl_done, &run);
  WAIT_UNTIL (run.done);
  g_assert_true (run.ok);
  return run.out;
}

static void
curl_case (Fixture *fixture,
           bool     anonymous)
{
  NymClient *client;
  guint16 port;
  g_autofree char *url = NULL;

  if (curl_path == NULL || *curl_path == '\0')
    {
      g_test_skip ("curl was not found");
      return;
    }
  client = start_client (fixture, localnet_nym_api_get_url (fixture->api), "127.0.0.1:0", anonymous);
  port = wait_client_ready (client);
  /* "localhost" travels to the exit as a name and is resolved there (UX.md point 4). */
  url = g_strdup_printf ("http://localhost:%u/file", fixture->http_port);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) got = curl_through (port, url);

      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got),
                       g_bytes_get_data (fixture->body, NULL), g_bytes_get_size (fixture->body));
    }
  g_assert_cmpuint (fixture->http_requests, ==, 2);
  stop_client (client);
}

static void
test_curl_anonymous (Fixture       *fixture,
                     gconstpointer  user_data)
{
  curl_case (fixture, true);
}

static void
test_curl_open_proxy_mode (Fixture       *fixture,
                           gconstpointer  user_data)
{
  curl_case (fixture, false);
}

/* The runtime's side of failing closed: no address is announced and connections are
 * refused while it fetches the topology; once ready the address is announced; when the
 * gateway goes away open connections end and new ones are refused again. */
static void
test_runtime_fail_closed (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GSocketAddress) silent_address = NULL;
  g_autofree char *silent_url = NULL;
  g_autofree char *socks_address = NULL;
  NymClient *client;
  GSocket *socket;
  guint16 port;

  /* A nym-api that accepts connections and never answers keeps the client fetching. */
  g_assert_true (g_socket_bind (silent, any, TRUE, &error));
  g_assert_true (g_socket_listen (silent, &error));
  silent_address = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);
  silent_url = g_strdup_printf ("http://127.0.0.1:%u/", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (silent_address)));
  {
    /* The proxy's port must be known before it is announced: take a free one. */
    g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr(GSocketAddress) probe_address = NULL;

    g_assert_true (g_socket_bind (probe, any, FALSE, &error));
    probe_address = g_socket_get_local_address (probe, &error);
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (probe_address));
    g_socket_close (probe, NULL);
  }
  socks_address = g_strdup_printf ("127.0.0.1:%u", port);
  client = start_client (fixture, silent_url, socks_address, true);
  WAIT_UNTIL (nym_client_get_state (client) == NYM_CLIENT_STATE_FETCHING_TOPOLOGY
              || nym_client_get_state (client) == NYM_CLIENT_STATE_ERROR);
  if (nym_client_get_state (client) == NYM_CLIENT_STATE_ERROR)
    {
      /* Only if another process took the free port in between. */
      g_test_skip_printf ("The proxy could not listen: %s", nym_client_get_error_message (client));
      stop_client (client);
      return;
    }
  socket = socks5_open (port, "exit-test.invalid", 80, socks5_not_ready);
  client_expect_end (socket);
  client_close (socket);
  socket = socks4a_open (port, "exit-test.invalid", 80, socks4_rejected);
  client_expect_end (socket);
  client_close (socket);
  g_assert_null (nym_client_get_socks_address (client));
  stop_client (client);

  /* A port in use is an error that names it. */
  {
    g_autoptr(GSocket) holder = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_autoptr(GSocketAddress) held = NULL;
    g_autofree char *taken = NULL;

    g_assert_true (g_socket_bind (holder, any, FALSE, &error));
    g_assert_true (g_socket_listen (holder, &error));
    held = g_socket_get_local_address (holder, &error);
    taken = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (held)));
    client = start_client (fixture, localnet_nym_api_get_url (fixture->api), taken, true);
    WAIT_UNTIL (nym_client_get_state (client) == NYM_CLIENT_STATE_ERROR);
    g_assert_nonnull (strstr (nym_client_get_error_message (client), taken));
    stop_client (client);
  }

  /* Ready, then the gateway stops. */
  client = start_client (fixture, localnet_nym_api_get_url (fixture->api), "127.0.0.1:0", true);
  port = wait_client_ready (client);
  socket = socks5_open (port, "exit-test.invalid", 80, socks5_success);
  stop_gateway (fixture);
  WAIT_UNTIL (nym_client_get_state (client) == NYM_CLIENT_STATE_RECONNECTING);
  g_assert_null (nym_client_get_socks_address (client));
  client_expect_end (socket);
  client_close (socket);
  socket = socks5_open (port, "exit-test.invalid", 80, socks5_not_ready);
  client_expect_end (socket);
  client_close (socket);
  stop_client (client);
}

/* A proxy the runtime cannot start puts it in "error" with a message naming what is wrong,
 * before anything else happens (no nym-api is needed for that). */
static void
test_runtime_bad_config (void)
{
  static const struct
  {
    const char *address;
    const char *exit;
    const char *in_message;
  } cases[] = {
    { "127.0.0.1:0", NULL, "network requester" },
    { "127.0.0.1:0", "not-a-recipient", "not-a-recipient" },
    { "0.0.0.0:0", "XqW1YKfE5BcNmypr83T19wsoQ13aAwLQmtgDaeXrdcr.3d5umtPYKQpnXSXhJgKB9v137uFSQ9Xa3MSoxEDaQmh3@"
                   "8HEwMnCuT7q4z1iRGDxTBH9pyQDsyLHtH8Dc8aUn8fJF", "other machines" },
    { "proxy.example:1080", "XqW1YKfE5BcNmypr83T19wsoQ13aAwLQmtgDaeXrdcr.3d5umtPYKQpnXSXhJgKB9v137uFSQ9Xa3MSoxEDaQmh3@"
                            "8HEwMnCuT7q4z1iRGDxTBH9pyQDsyLHtH8Dc8aUn8fJF", "proxy.example:1080" },
  };
  g_autofree char *dir = localnet_test_mkdtemp ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      NymClientRuntimeConfig config;
      const char *urls[] = { "http://127.0.0.1:1/", NULL };
      g_autoptr(GError) error = NULL;
      NymClient *client = nym_client_new ();

      nym_client_runtime_config_init (&config);
      config.data_dir = dir;
      config.nym_api_urls = (char **) urls;
      config.socks5_address = (char *) cases[i].address;
      config.socks5_exit = (char *) cases[i].exit;
      g_assert_true (nym_client_start (client, &config, &error));
      g_assert_no_error (error);
      WAIT_UNTIL (nym_client_get_state (client) == NYM_CLIENT_STATE_ERROR);
      g_test_message ("%s", nym_client_get_error_message (client));
      g_assert_nonnull (strstr (nym_client_get_error_message (client), cases[i].in_message));
      g_assert_null (nym_client_get_socks_address (client));
      stop_client (client);
    }
  localnet_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  GOptionEntry entries[] = {
    { "curl", 0, 0, G_OPTION_ARG_STRING, &curl_path, "curl binary", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (test_log_writer, NULL, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_assert_true (g_option_context_parse (context, &argc, &argv, NULL));
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/socks5-proxy/addresses", test_addresses);
  g_test_add_func ("/socks5-proxy/anonymous-versioned", test_anonymous_versioned);
  g_test_add_func ("/socks5-proxy/plain-legacy", test_plain_legacy);
  g_test_add_func ("/socks5-proxy/fail-closed", test_fail_closed);
  g_test_add_func ("/socks5-proxy/connection-error", test_connection_error);
  g_test_add_func ("/socks5-proxy/back-pressure", test_back_pressure);
  g_test_add_func ("/socks5-proxy/slow-reader", test_slow_reader);
  g_test_add_func ("/socks5-proxy/timers", test_timers);
  g_test_add_func ("/socks5-proxy/refusals", test_refusals);
  g_test_add_func ("/socks5-proxy/runtime/bad-config", test_runtime_bad_config);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/socks5-proxy/runtime/curl-anonymous", test_curl_anonymous);
  ADD ("/socks5-proxy/runtime/curl-open-proxy-mode", test_curl_open_proxy_mode);
  ADD ("/socks5-proxy/runtime/fail-closed", test_runtime_fail_closed);
#undef ADD
  status = g_test_run ();
  g_free (curl_path);
  return status;
}
