/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymSocks5Proxy: the local SOCKS4/4a/5 listener that carries each TCP connection to a network requester through the mixnet (spec nym-gateway.md §5). */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sodium.h>

#include "socks5/nym-socks5-proxy.h"

#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"
#include "socks5/nym-socks-handshake.h"

/* While throttled, the queue is also looked at this often, so that reading resumes even if
 * the queue emptied without a drained() call (for instance because the runtime dropped it). */
#define THROTTLE_POLL_MS 100
/* Ids of closed connections are remembered this long, so that late responses for them are
 * still recognised as ours and dropped instead of being reported as messages. */
#define CLOSED_ID_MEMORY_US ((gint64) NYM_SOCKS5_PROXY_IDLE_TIMEOUT_S * G_USEC_PER_SEC)
/* The keepalive timer looks at a connection this many times per keepalive interval. */
#define KEEPALIVE_CHECKS 4

typedef enum
{
  PHASE_HANDSHAKE, /* reading the SOCKS greeting and request */
  PHASE_PROXYING,  /* connected to the exit: data flows both ways */
  PHASE_REFUSING,  /* a refusal is being written; closed once it is out */
  PHASE_CLOSED,
} Phase;

typedef struct _Connection Connection;

struct _NymSocks5Proxy
{
  /* Fixed at creation. */
  NymSocks5ProxyConfig  config;
  NymNrVersion          version;
  NymSocks5ProxyBackend backend;
  gpointer              backend_data;
  GMainContext         *context;
  GSocketService       *service;
  char                 *address;
  guint16               port;

  /* State. */
  bool                  ready;
  bool                  have_self_address;
  NymRecipient          self_address;
  bool                  throttled;
  guint                 throttle_timer;
  GHashTable           *connections;   /* Connection * (all open ones) → itself */
  GHashTable           *by_id;         /* &Connection.id → Connection * (proxying ones) */
  GHashTable           *closed_ids;    /* uint64_t * → gint64 * close time (µs) */
  GQueue                paused;        /* Connection * waiting for the queue to drain */
};

struct _Connection
{
  int                 ref;
  NymSocks5Proxy     *proxy;          /* NULL once closed */
  GSocketConnection  *stream;
  GCancellable       *cancellable;
  NymSocksHandshake  *handshake;
  Phase               phase;
  uint64_t            id;
  char               *target;
  uint64_t            send_sequence;  /* the next Send's sequence number (§5.2) */
  NymNrOrderedBuffer *received;
  GQueue              output;         /* GBytes * to write to the client, head first */
  gsize               output_offset;  /* bytes of the head already written */
  bool                reading;
  bool                writing;
  bool                in_paused;
  bool                local_closed;   /* the client closed its side; the exit was told */
  bool                remote_closed;  /* the exit closed its side */
  bool                close_when_flushed;
  bool                write_shut;
  gint64              last_sent_us;
  gint64              last_received_us;
  guint               keepalive_timer;
  guint               shutdown_timer;
  guint               handshake_timer;
  uint8_t             buffer[NYM_SOCKS5_PROXY_CHUNK_SIZE];
};

static void connection_read  (Connection *c);
static void connection_write (Connection *c);
static void connection_close (Connection *c,
                              bool        tell_exit);

/* Addresses. */

GInetSocketAddress *
nym_socks5_proxy_parse_address (const char  *text,
                                GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) ip = NULL;
  const char *port_text;
  guint64 port = 0;

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                           "No SOCKS5 listening address was given");
      return NULL;
    }
  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                       "The SOCKS5 listening address “%s” is not of the form [IPv6]:PORT", text);
          return NULL;
        }
      host = g_strndup (text + 1, (gsize) (end - text - 1));
      port_text = end + 2;
    }
  else
    {
      const char *colon = strrchr (text, ':');

      if (colon == NULL || strchr (text, ':') != colon)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                       "The SOCKS5 listening address “%s” is not of the form IP:PORT (IPv6 in brackets)", text);
          return NULL;
        }
      host = g_strndup (text, (gsize) (colon - text));
      port_text = colon + 1;
    }
  if (!g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "The port “%s” of the SOCKS5 listening address “%s” is not a number from 0 to 65535",
                   port_text, text);
      return NULL;
    }
  /* Only literal addresses: a name would need a lookup, and which interface the proxy is
   * reachable on must not depend on what a resolver says. */
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    ip = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    ip = g_inet_address_new_from_string (host);
  if (ip == NULL)
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "The host “%s” of the SOCKS5 listening address “%s” is not an IP address", host, text);
      return NULL;
    }
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (ip, (guint16) port));
}

static char *
format_address (GInetSocketAddress *address)
{
  GInetAddress *ip = g_inet_socket_address_get_address (address);
  g_autofree char *host = g_inet_address_to_string (ip);
  guint16 port = g_inet_socket_address_get_port (address);

  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* Connections: lifetime. */

static Connection *
connection_ref (Connection *c)
{
  c->ref++;
  return c;
}

static void
connection_unref (Connection *c)
{
  if (--c->ref > 0)
    return;
  g_assert (c->proxy == NULL);
  g_queue_clear_full (&c->output, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&c->handshake, nym_socks_handshake_free);
  g_clear_pointer (&c->received, nym_nr_ordered_buffer_free);
  g_clear_object (&c->cancellable);
  /* The last reference to the stream closes the socket. */
  g_clear_object (&c->stream);
  g_free (c->target);
  g_free (c);
}

static void
destroy_source (NymSocks5Proxy *proxy,
                guint          *id)
{
  if (*id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (proxy->context, *id);

      if (source != NULL)
        g_source_destroy (source);
      *id = 0;
    }
}

static guint
attach_source (NymSocks5Proxy *proxy,
               GSource        *source,
               GSourceFunc     func,
               gpointer        data,
               GDestroyNotify  notify)
{
  guint id;

  g_source_set_callback (source, func, data, notify);
  id = g_source_attach (source, proxy->context);
  g_source_unref (source);
  return id;
}

/* Connections: towards the exit. */

static void
send_request (NymSocks5Proxy *proxy,
              NymNrRequest   *request,
              guint           reply_surbs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = nym_nr_request_encode (request, &error);

  if (bytes == NULL)
    {
      /* Only a Connect can fail to encode (a target longer than a u16), which the SOCKS
       * handshake cannot produce. */
      g_debug ("A request for the exit could not be encoded: %s", error->message);
      return;
    }
  proxy->backend.send (&proxy->config.exit, bytes, proxy->config.anonymous ? reply_surbs : 0,
                       proxy->backend_data);
}

/* §5.2: every Send carries the next sequence number of this direction; local_closed says
 * the client has closed its side and nothing more will follow. */
static void
send_data (Connection    *c,
           const uint8_t *data,
           size_t         len,
           bool           local_closed)
{
  NymSocks5Proxy *proxy = c->proxy;
  g_autoptr(NymNrRequest) request = nym_nr_request_new_send (proxy->version, c->id, c->send_sequence++,
                                                              data, len, local_closed);

  send_request (proxy, request, proxy->config.send_reply_surbs);
  c->last_sent_us = g_get_monotonic_time ();
}

/* Connections: back-pressure. */

static bool
proxy_congested (NymSocks5Proxy *proxy)
{
  guint queued = proxy->backend.get_queued (proxy->backend_data);

  if (queued > proxy->config.high_water)
    proxy->throttled = true;
  else if (proxy->throttled && queued <= proxy->config.low_water)
    proxy->throttled = false;
  return proxy->throttled;
}

static void
resume_paused (NymSocks5Proxy *proxy)
{
  Connection *c;

  proxy->throttled = false;
  destroy_source (proxy, &proxy->throttle_timer);
  /* Each connection reads once and may pause again, so the queue refills fairly: every
   * waiting connection gets its turn in the order it stopped. */
  while (!proxy->throttled && (c = g_queue_pop_head (&proxy->paused)) != NULL)
    {
      c->in_paused = false;
      connection_read (c);
      connection_unref (c);
    }
}

static gboolean
on_throttle_poll (gpointer user_data)
{
  NymSocks5Proxy *proxy = user_data;

  if (proxy_congested (proxy))
    return G_SOURCE_CONTINUE;
  proxy->throttle_timer = 0;
  resume_paused (proxy);
  return G_SOURCE_REMOVE;
}

static void
pause_reading (Connection *c)
{
  NymSocks5Proxy *proxy = c->proxy;

  if (!c->in_paused)
    {
      c->in_paused = true;
      g_queue_push_tail (&proxy->paused, connection_ref (c));
    }
  if (proxy->throttle_timer == 0)
    proxy->throttle_timer = attach_source (proxy, g_timeout_source_new (THROTTLE_POLL_MS), on_throttle_poll,
                                           proxy, NULL);
}

/* Connections: towards the client. */

static void
queue_output (Connection *c,
              GBytes     *bytes)
{
  if (g_bytes_get_size (bytes) == 0)
    return;
  g_queue_push_tail (&c->output, g_bytes_ref (bytes));
  connection_write (c);
}

static void
queue_output_data (Connection    *c,
                   const uint8_t *data,
                   size_t         len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, len);

  queue_output (c, bytes);
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  Connection *c = user_data;

  c->shutdown_timer = 0;
  connection_close (c, true);
  return G_SOURCE_REMOVE;
}

/* Everything queued for the client has been written. */
static void
output_flushed (Connection *c)
{
  GSocket *socket = g_socket_connection_get_socket (c->stream);

  if (c->close_when_flushed)
    {
      connection_close (c, true);
      return;
    }
  if (!c->remote_closed || c->write_shut)
    return;
  /* The exit closed its side: so do we, after its data (§5.2 remote_closed). A client that
   * had closed its side too is done; one that keeps it open gets a moment to finish. */
  c->write_shut = true;
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  if (c->local_closed)
    connection_close (c, false);
  else if (c->shutdown_timer == 0)
    c->shutdown_timer = attach_source (c->proxy, g_timeout_source_new (c->proxy->config.shutdown_timeout_ms),
                                       on_shutdown_timeout, c, NULL);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Connection *c = user_data;
  g_autoptr(GError) error = NULL;
  gssize written = g_output_stream_write_finish (G_OUTPUT_STREAM (source), result, &error);

  c->writing = false;
  if (c->proxy == NULL)
    {
      connection_unref (c);
      return;
    }
  if (written < 0)
    {
      g_debug ("Writing to SOCKS client %" G_GINT64_MODIFIER "x failed: %s", c->id, error->message);
      connection_close (c, true);
      connection_unref (c);
      return;
    }
  c->output_offset += (gsize) written;
  if (c->output_offset == g_bytes_get_size (g_queue_peek_head (&c->output)))
    {
      g_bytes_unref (g_queue_pop_head (&c->output));
      c->output_offset = 0;
    }
  connection_write (c);
  connection_unref (c);
}

/* One asynchronous write at a time per connection; a client that reads slowly only holds
 * up its own queue. */
static void
connection_write (Connection *c)
{
  GBytes *head;
  gsize len;
  const uint8_t *data;

  if (c->proxy == NULL || c->writing)
    return;
  head = g_queue_peek_head (&c->output);
  if (head == NULL)
    {
      output_flushed (c);
      return;
    }
  data = g_bytes_get_data (head, &len);
  c->writing = true;
  g_output_stream_write_async (g_io_stream_get_output_stream (G_IO_STREAM (c->stream)),
                               data + c->output_offset, len - c->output_offset, G_PRIORITY_DEFAULT,
                               c->cancellable, on_written, connection_ref (c));
}

/* Connections: closing. */

static void
remember_closed_id (NymSocks5Proxy *proxy,
                    uint64_t        id)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;
  uint64_t *stored = g_new (uint64_t, 1);
  gint64 *when = g_new (gint64, 1);

  /* Forget the old ones now and then rather than on a timer. */
  if (g_hash_table_size (proxy->closed_ids) >= 256)
    {
      g_hash_table_iter_init (&iter, proxy->closed_ids);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (now - *(gint64 *) value > CLOSED_ID_MEMORY_US)
          g_hash_table_iter_remove (&iter);
    }
  *stored = id;
  *when = now;
  g_hash_table_replace (proxy->closed_ids, stored, when);
}

/* Ends a connection at once. tell_exit: send the exit a last, empty Send with local_closed
 * unless the client's side was reported closed already, so that it drops its socket too. */
static void
connection_close (Connection *c,
                  bool        tell_exit)
{
  NymSocks5Proxy *proxy = c->proxy;
  GSocket *socket;

  if (proxy == NULL)
    return;
  if (c->phase == PHASE_PROXYING)
    {
      if (tell_exit && !c->local_closed && proxy->ready)
        send_data (c, NULL, 0, true);
      g_hash_table_remove (proxy->by_id, &c->id);
      remember_closed_id (proxy, c->id);
    }
  c->phase = PHASE_CLOSED;
  destroy_source (proxy, &c->keepalive_timer);
  destroy_source (proxy, &c->shutdown_timer);
  destroy_source (proxy, &c->handshake_timer);
  if (c->in_paused)
    {
      g_queue_remove (&proxy->paused, c);
      c->in_paused = false;
      connection_unref (c);
    }
  c->proxy = NULL;
  g_cancellable_cancel (c->cancellable);
  /* The client sees the end at once; the descriptor is closed when the last pending
   * operation has finished and dropped its reference. */
  socket = g_socket_connection_get_socket (c->stream);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  if (g_hash_table_remove (proxy->connections, c))
    connection_unref (c);
}

/* Connections: the client's side. */

/* Runs a few times per keepalive interval: an empty Send once the client has been silent
 * for the interval (the exit would drop the connection otherwise), and the end of a
 * connection the exit has been silent on for the idle timeout. */
static gboolean
on_keepalive (gpointer user_data)
{
  Connection *c = user_data;
  const NymSocks5ProxyConfig *config = &c->proxy->config;
  gint64 now = g_get_monotonic_time ();

  if (now - c->last_received_us >= (gint64) config->idle_timeout_ms * 1000)
    {
      g_debug ("Nothing came from the exit for connection %" G_GINT64_MODIFIER "x in %u ms; closing it",
               c->id, config->idle_timeout_ms);
      c->keepalive_timer = 0;
      connection_close (c, true);
      return G_SOURCE_REMOVE;
    }
  if (!c->local_closed && now - c->last_sent_us >= (gint64) config->keepalive_ms * 1000)
    send_data (c, NULL, 0, false);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_handshake_timeout (gpointer user_data)
{
  Connection *c = user_data;

  c->handshake_timer = 0;
  g_debug ("A SOCKS client did not complete its request in %u ms; closing it",
           c->proxy->config.handshake_timeout_ms);
  connection_close (c, false);
  return G_SOURCE_REMOVE;
}

static uint64_t
new_connection_id (NymSocks5Proxy *proxy)
{
  uint64_t id;

  /* §5.1: a random u64 per connection; it must not collide with one in use or one whose
   * responses may still arrive. */
  do
    randombytes_buf (&id, sizeof id);
  while (g_hash_table_contains (proxy->by_id, &id) || g_hash_table_contains (proxy->closed_ids, &id));
  return id;
}

static void
refuse (Connection     *c,
        NymSocksVersion version)
{
  uint8_t reply[NYM_SOCKS_REPLY_MAX];
  size_t len = nym_socks_reply_mixnet_not_ready (version, reply);

  c->phase = PHASE_REFUSING;
  c->close_when_flushed = true;
  queue_output_data (c, reply, len);
}

/* A complete CONNECT request: refused while the mixnet is not ready (fail closed, never
 * direct), otherwise a Connect to the exit and the immediate success reply (§5.1). */
static void
start_proxying (Connection    *c,
                const uint8_t *rest,
                size_t         rest_len)
{
  NymSocks5Proxy *proxy = c->proxy;
  const NymSocksRequest *request = nym_socks_handshake_get_request (c->handshake);
  g_autoptr(NymNrRequest) connect = NULL;
  uint8_t reply[NYM_SOCKS_REPLY_MAX];
  size_t len;

  destroy_source (proxy, &c->handshake_timer);

  if (!proxy->ready || (!proxy->config.anonymous && !proxy->have_self_address))
    {
      refuse (c, request->version);
      return;
    }
  /* Host names go to the exit as text and are never resolved here (UX.md point 4). */
  c->target = nym_socks_request_to_target (request);
  c->id = new_connection_id (proxy);
  c->received = nym_nr_ordered_buffer_new (0);
  c->phase = PHASE_PROXYING;
  c->last_received_us = c->last_sent_us = g_get_monotonic_time ();
  g_hash_table_insert (proxy->by_id, &c->id, c);
  connect = nym_nr_request_new_connect (proxy->version, c->id, c->target,
                                        proxy->config.anonymous ? NULL : &proxy->self_address);
  send_request (proxy, connect, proxy->config.connect_reply_surbs);
  c->last_sent_us = g_get_monotonic_time ();
  g_debug ("SOCKS connection %" G_GINT64_MODIFIER "x to %s", c->id, c->target);

  len = nym_socks_reply_success (request->version, reply);
  queue_output_data (c, reply, len);
  c->keepalive_timer = attach_source (proxy, g_timeout_source_new (MAX (proxy->config.keepalive_ms / KEEPALIVE_CHECKS, 1)),
                                      on_keepalive, c, NULL);
  /* Bytes the client sent right behind its request are the start of its data. */
  if (rest_len > 0)
    send_data (c, rest, rest_len, false);
  g_clear_pointer (&c->handshake, nym_socks_handshake_free);
}

static void
handle_handshake_bytes (Connection *c,
                        size_t      n)
{
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  size_t consumed = 0;
  NymSocksStep step = nym_socks_handshake_feed (c->handshake, c->buffer, n, &consumed, reply, &error);

  switch (step)
    {
    case NYM_SOCKS_STEP_NEED_MORE:
      if (reply->len > 0)
        queue_output_data (c, reply->data, reply->len);
      break;
    case NYM_SOCKS_STEP_FAILED:
      g_debug ("Refusing a SOCKS client: %s", error->message);
      c->phase = PHASE_REFUSING;
      c->close_when_flushed = true;
      if (reply->len > 0)
        queue_output_data (c, reply->data, reply->len);
      else
        connection_close (c, false);
      break;
    case NYM_SOCKS_STEP_REQUEST:
      /* The method selection answer (SOCKS5) goes out before the request's reply. */
      if (reply->len > 0)
        queue_output_data (c, reply->data, reply->len);
      if (c->proxy != NULL)
        start_proxying (c, c->buffer + consumed, n - consumed);
      break;
    }
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Connection *c = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  c->reading = false;
  if (c->proxy == NULL)
    {
      connection_unref (c);
      return;
    }
  if (n < 0)
    g_debug ("Reading from SOCKS client %" G_GINT64_MODIFIER "x failed: %s", c->id, error->message);
  switch (c->phase)
    {
    case PHASE_HANDSHAKE:
      if (n <= 0)
        connection_close (c, false);
      else
        handle_handshake_bytes (c, (size_t) n);
      break;
    case PHASE_PROXYING:
      if (c->local_closed)
        break;
      if (n <= 0)
        {
          /* The client is done sending (or its socket failed): the exit learns it, and data
           * from the exit is still written until the exit closes too. */
          send_data (c, NULL, 0, true);
          c->local_closed = true;
          if (n < 0 || c->write_shut)
            connection_close (c, false);
        }
      else
        send_data (c, c->buffer, (size_t) n, false);
      break;
    case PHASE_REFUSING:
    case PHASE_CLOSED:
      break;
    }
  connection_read (c);
  connection_unref (c);
}

static void
connection_read (Connection *c)
{
  if (c->proxy == NULL || c->reading || c->local_closed)
    return;
  if (c->phase != PHASE_HANDSHAKE && c->phase != PHASE_PROXYING)
    return;
  /* Back-pressure: what is read now would only wait in the send queue. The handshake is
   * not held up, it produces no traffic by itself. */
  if (c->phase == PHASE_PROXYING && proxy_congested (c->proxy))
    {
      pause_reading (c);
      return;
    }
  c->reading = true;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (c->stream)), c->buffer,
                             sizeof c->buffer, G_PRIORITY_DEFAULT, c->cancellable, on_read, connection_ref (c));
}

/* Responses from the exit. */

static void
handle_network_data (Connection    *c,
                     NymNrResponse *response)
{
  g_autoptr(GError) error = NULL;
  GBytes *data = response->data;
  g_autoptr(GBytes) empty = NULL;
  bool closed = false;

  if (data == NULL)
    data = empty = g_bytes_new (NULL, 0);
  c->last_received_us = g_get_monotonic_time ();
  switch (nym_nr_ordered_buffer_write_bytes (c->received, response->sequence, data, response->remote_closed, &error))
    {
    case NYM_NR_WRITE_REFUSED:
      g_debug ("Closing SOCKS connection %" G_GINT64_MODIFIER "x: %s", c->id, error->message);
      connection_close (c, true);
      return;
    case NYM_NR_WRITE_DUPLICATE:
      return;
    case NYM_NR_WRITE_STORED:
      break;
    }
  for (;;)
    {
      g_autoptr(GBytes) ready = nym_nr_ordered_buffer_read (c->received, NULL, &closed);

      if (ready == NULL)
        break;
      if (closed)
        c->remote_closed = true;
      queue_output (c, ready);
      if (c->proxy == NULL || closed)
        break;
    }
  /* An empty closing message queues nothing; the flush check runs here instead. */
  if (c->proxy != NULL && c->remote_closed)
    connection_write (c);
}

bool
nym_socks5_proxy_handle_message (NymSocks5Proxy *self,
                                 const uint8_t  *sender_tag,
                                 GBytes         *data)
{
  g_autoptr(NymNrResponse) response = NULL;
  Connection *c;

  g_return_val_if_fail (self != NULL, false);

  /* The exit answers with plain messages or through our reply SURBs, neither of which carries
   * a sender tag: a tagged message comes from some anonymous client, not from the exit. */
  if (sender_tag != NULL || data == NULL)
    return false;
  response = nym_nr_response_decode (g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL);
  if (response == NULL)
    return false;
  if (response->kind != NYM_NR_RESPONSE_NETWORK_DATA && response->kind != NYM_NR_RESPONSE_CONNECTION_ERROR)
    return false;
  c = g_hash_table_lookup (self->by_id, &response->connection_id);
  if (c == NULL)
    return g_hash_table_contains (self->closed_ids, &response->connection_id);

  connection_ref (c);
  if (response->kind == NYM_NR_RESPONSE_CONNECTION_ERROR)
    {
      /* The success reply went out when the client connected (§5.1), so a failure at the
       * exit can only end the connection, as with the Nym client; what the exit sent before
       * is still written. */
      g_message ("The exit could not serve connection %" G_GINT64_MODIFIER "x to %s: %s", c->id, c->target,
                 response->message != NULL ? response->message : "");
      c->last_received_us = g_get_monotonic_time ();
      c->close_when_flushed = true;
      c->local_closed = true; /* the exit has dropped the connection: nothing more to tell it */
      connection_write (c);
    }
  else
    handle_network_data (c, response);
  connection_unref (c);
  return true;
}

/* The listener. */

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *stream,
             GObject           *source_object,
             gpointer           user_data)
{
  NymSocks5Proxy *self = user_data;
  Connection *c = g_new0 (Connection, 1);

  c->ref = 1; /* held by self->connections */
  c->proxy = self;
  c->stream = g_object_ref (stream);
  c->cancellable = g_cancellable_new ();
  c->handshake = nym_socks_handshake_new ();
  c->phase = PHASE_HANDSHAKE;
  g_queue_init (&c->output);
  g_socket_set_option (g_socket_connection_get_socket (stream), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  g_hash_table_add (self->connections, c);
  c->handshake_timer = attach_source (self, g_timeout_source_new (self->config.handshake_timeout_ms),
                                      on_handshake_timeout, c, NULL);
  connection_read (c);
  return TRUE;
}

static bool
address_is_loopback (GInetSocketAddress *address)
{
  return g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address));
}

NymSocks5Proxy *
nym_socks5_proxy_new (const NymSocks5ProxyConfig  *config,
                      const NymSocks5ProxyBackend *backend,
                      gpointer                     backend_data,
                      GError                     **error)
{
  g_autoptr(GInetSocketAddress) wanted = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) local_error = NULL;
  NymSocks5Proxy *self;

  g_return_val_if_fail (config != NULL && backend != NULL, NULL);
  g_return_val_if_fail (backend->send != NULL && backend->get_queued != NULL, NULL);

  wanted = nym_socks5_proxy_parse_address (config->address, error);
  if (wanted == NULL)
    return NULL;
  if (!address_is_loopback (wanted))
    {
      if (!config->allow_non_loopback)
        {
          g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                       "The SOCKS5 proxy would be reachable from other machines on %s; it only listens on a "
                       "loopback address unless that is explicitly allowed", config->address);
          return NULL;
        }
      g_warning ("The SOCKS5 proxy listens on %s, which other machines can reach: anyone who can connect to "
                 "it can use the mixnet as this client", config->address);
    }

  self = g_new0 (NymSocks5Proxy, 1);
  self->config = *config;
  self->config.address = NULL;
  if (self->config.connect_reply_surbs == 0)
    self->config.connect_reply_surbs = NYM_SOCKS5_PROXY_CONNECT_REPLY_SURBS;
  if (self->config.send_reply_surbs == 0)
    self->config.send_reply_surbs = NYM_SOCKS5_PROXY_SEND_REPLY_SURBS;
  if (self->config.keepalive_ms == 0)
    self->config.keepalive_ms = NYM_SOCKS5_PROXY_KEEPALIVE_S * 1000;
  if (self->config.idle_timeout_ms == 0)
    self->config.idle_timeout_ms = NYM_SOCKS5_PROXY_IDLE_TIMEOUT_S * 1000;
  if (self->config.shutdown_timeout_ms == 0)
    self->config.shutdown_timeout_ms = NYM_SOCKS5_PROXY_SHUTDOWN_TIMEOUT_MS;
  if (self->config.handshake_timeout_ms == 0)
    self->config.handshake_timeout_ms = NYM_SOCKS5_PROXY_HANDSHAKE_TIMEOUT_MS;
  if (self->config.low_water > self->config.high_water)
    self->config.low_water = self->config.high_water;
  self->version = config->legacy ? NYM_NR_VERSION_INIT_LEGACY : NYM_NR_VERSION_INIT_VERSIONED;
  self->backend = *backend;
  self->backend_data = backend_data;
  self->context = g_main_context_ref_thread_default ();
  self->connections = g_hash_table_new (NULL, NULL);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->closed_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_queue_init (&self->paused);

  /* The service's accept source is attached to the caller's thread-default context, which
   * is why the proxy must be created on the thread that is to run it. */
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), G_SOCKET_ADDRESS (wanted),
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "The SOCKS5 proxy cannot listen on %s: %s",
                   config->address, local_error->message);
      nym_socks5_proxy_free (self);
      return NULL;
    }
  self->address = format_address (G_INET_SOCKET_ADDRESS (bound));
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return self;
}

static void
close_all (NymSocks5Proxy *self,
           bool            tell_exit)
{
  g_autoptr(GList) open = g_hash_table_get_keys (self->connections);

  for (GList *l = open; l != NULL; l = l->next)
    {
      Connection *c = l->data;

      connection_ref (c);
      connection_close (c, tell_exit);
      connection_unref (c);
    }
}

void
nym_socks5_proxy_free (NymSocks5Proxy *self)
{
  if (self == NULL)
    return;
  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  self->ready = false;
  if (self->connections != NULL)
    close_all (self, false);
  destroy_source (self, &self->throttle_timer);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->closed_ids, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->address);
  g_free (self);
}

const char *
nym_socks5_proxy_get_address (NymSocks5Proxy *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->address;
}

guint16
nym_socks5_proxy_get_port (NymSocks5Proxy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

void
nym_socks5_proxy_set_ready (NymSocks5Proxy *self,
                            bool            ready)
{
  g_return_if_fail (self != NULL);

  if (self->ready == ready)
    return;
  self->ready = ready;
  /* Fail closed: nothing of an open connection may continue outside a ready mixnet, and its
   * client must not wait on a connection that can no longer carry anything. */
  if (!ready)
    close_all (self, false);
}

bool
nym_socks5_proxy_get_ready (NymSocks5Proxy *self)
{
  g_return_val_if_fail (self != NULL, false);
  return self->ready;
}

void
nym_socks5_proxy_set_self_address (NymSocks5Proxy     *self,
                                   const NymRecipient *address)
{
  g_return_if_fail (self != NULL);

  self->have_self_address = address != NULL;
  if (address != NULL)
    self->self_address = *address;
}

void
nym_socks5_proxy_drained (NymSocks5Proxy *self)
{
  g_return_if_fail (self != NULL);
  resume_paused (self);
}

guint
nym_socks5_proxy_get_n_connections (NymSocks5Proxy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->connections);
}

bool
nym_socks5_proxy_is_throttled (NymSocks5Proxy *self)
{
  g_return_val_if_fail (self != NULL, false);
  return self->throttled;
}
