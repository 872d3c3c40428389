/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetExit: the localnet's network requester, which answers SOCKS5 requests from the mixnet by opening and pumping TCP connections (spec nym-gateway.md §5.2–§5.4). */
#include "exit/localnet-exit.h"

#include <errno.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "crypto/nym-base58.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-size.h"
#include "runtime/nym-client-runtime-private.h"
#include "socks5/nym-nr-ordered-buffer.h"
#include "socks5/nym-nr-protocol.h"

G_DEFINE_QUARK (localnet-exit-error-quark, localnet_exit_error)

/* What the real network requester says when asked for its description is a placeholder;
 * ours says what it is. */
#define EXIT_DESCRIPTION "nymph-localnet network requester (the exit of a local test network)"

/* While the send queue is over the high water mark it is looked at this often. */
#define BACKPRESSURE_POLL_MS 10

/* Connection ids of closed connections are remembered so that their late Sends are dropped
 * instead of waiting for a Connect that never comes; the set is emptied when it grows past
 * this (the real one never empties it). */
#define MAX_RECENTLY_CLOSED 4096

/* Sends of one connection id kept while its Connect has not arrived (the mixnet reorders
 * messages; the real controller keeps them without a limit). */
#define MAX_PENDING_SENDS NYM_NR_ORDERED_BUFFER_MAX_OFFSET
#define MAX_PENDING_IDS   1024

/* ---- the way to the runtime thread ------------------------------------------------- */

/*
 * Every message the exit sends goes through this one queue to the runtime thread, where it
 * is fragmented at once (nym_client_runtime_queue_message / _queue_reply) in the order it
 * was produced. The runtime thread then tells the exit how many messages it took and how
 * long its send queue is, so the exit knows how much it has produced that the queue does
 * not show yet; nym_client_runtime_get_queued() alone would lag behind a fast socket.
 */
typedef struct
{
  gatomicrefcount   ref;
  GMutex            lock;
  GQueue            items;      /* OutItem*, under lock */
  bool              scheduled;  /* a drain source is attached to the runtime context */
  gint              alive;      /* cleared by the exit before it stops the runtime */
  NymClientRuntime *runtime;    /* borrowed; touched on the runtime thread while alive */
  GMainContext     *context;    /* the exit's context */
  LocalnetExit     *exit;       /* borrowed; touched on the exit's context while alive */
} Outbox;

typedef struct
{
  bool          reply;
  NymRecipient  recipient;
  uint8_t       sender_tag[16];
  GBytes       *data;
} OutItem;

typedef struct
{
  Outbox *outbox;
  guint   taken;
  guint   queued;
} Absorbed;

/* ---- one TCP connection ------------------------------------------------------------ */

typedef enum
{
  CONNECTION_RESOLVING,
  CONNECTION_CONNECTING,
  CONNECTION_OPEN,
} ConnectionState;

typedef struct
{
  int                 ref;
  LocalnetExit       *exit;            /* borrowed; NULL once the connection is finished */
  uint64_t            id;
  NymNrVersion        version;         /* of the Connect; every response uses it (§5.2) */
  bool                anonymous;       /* answer through reply SURBs */
  NymRecipient        return_address;
  uint8_t             sender_tag[16];
  char               *remote_address;  /* "host:port" as the client sent it */
  char               *host;
  uint16_t            port;
  ConnectionState     state;
  GList              *addresses;       /* GInetAddress*, checked against the policy */
  GList              *next_address;
  GError             *connect_error;   /* the last failed attempt */
  GCancellable       *cancellable;
  GSocketConnection  *connection;
  NymNrOrderedBuffer *incoming;        /* Sends from the client, by sequence number */
  GQueue              writes;          /* GBytes*, contiguous client data to write */
  GBytes             *in_write;        /* the bytes being written now */
  bool                writing;
  bool                client_closed;   /* the client's last Send (local_closed) is queued */
  bool                write_shut;      /* the remote socket is half-closed */
  bool                reading;
  bool                remote_closed;   /* NetworkData with remote_closed was sent */
  bool                timed_out;
  bool                surb_starved;    /* anonymous: too many replies wait for its sender's SURBs */
  uint64_t            next_sequence;   /* of the next NetworkData */
  gsize               read_size;       /* see connection_read_size() */
  guint               connect_timeout_id;
  guint               idle_id;
  guint               keepalive_id;
  guint               grace_id;
} Connection;

typedef struct
{
  GPtrArray *sends;  /* NymNrRequest* */
  guint      timeout_id;
} PendingSends;

struct _LocalnetExit
{
  GObject           parent_instance;

  /* owned */
  char             *data_dir;
  NymNrExitPolicy  *policy;          /* never NULL; the open policy for an open proxy */
  gboolean          open_proxy;
  gboolean          allow_local;
  gboolean          zero_delay;
  guint             connect_timeout_ms;
  guint             idle_timeout_ms;
  guint             keepalive_ms;
  guint             close_grace_ms;
  NymClientRuntime *runtime;
  Outbox           *outbox;
  GMainContext     *context;
  GSocketClient    *socket_client;
  GResolver        *resolver;
  GHashTable       *connections;     /* uint64_t* → Connection* */
  GHashTable       *pending;         /* uint64_t* → PendingSends* */
  GHashTable       *recently_closed; /* uint64_t* set */
  char             *address;
  char             *error_message;
  gboolean          ready;
  bool              stopped;

  /* back-pressure */
  guint             unqueued;        /* messages posted that the runtime has not taken yet */
  bool              queue_high;      /* the send queue went over the high water mark */
  bool              paused;
  guint             surb_starved;    /* connections not read while their sender's replies wait */
  guint             poll_id;

  /* counters */
  guint64           requests;
  guint64           connections_opened;
  guint64           connections_refused;
  guint64           bytes_to_remote;
  guint64           bytes_from_remote;
  guint64           pauses;
  guint             max_queued;
};

enum
{
  PROP_0,
  PROP_DATA_DIR,
  PROP_ALLOW_LOCAL,
  PROP_ZERO_DELAY,
  PROP_OPEN_PROXY,
  PROP_READY,
  PROP_ADDRESS,
  PROP_ERROR_MESSAGE,
  PROP_REQUESTS,
  PROP_CONNECTIONS,
  PROP_CONNECTIONS_OPENED,
  PROP_CONNECTIONS_REFUSED,
  PROP_BYTES_TO_REMOTE,
  PROP_BYTES_FROM_REMOTE,
  PROP_PAUSES,
  PROP_MAX_QUEUED,
  PROP_SURB_STARVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LocalnetExit, localnet_exit, G_TYPE_OBJECT)

static void exit_resume_reading (LocalnetExit *self);
static void exit_check_backlogs (LocalnetExit *self);
static Connection *connection_ref (Connection *conn);
static void connection_unref (gpointer data);
static void exit_update_pause (LocalnetExit *self);
static void exit_note_queued (LocalnetExit *self,
                              guint         queued);
static void connection_read (Connection *conn);
static void connection_pump_writes (Connection *conn);
static void connection_finish (Connection *conn,
                               bool        send_closed);

/* ---- Outbox -------------------------------------------------------------------------- */

static Outbox *
outbox_ref (Outbox *outbox)
{
  g_atomic_ref_count_inc (&outbox->ref);
  return outbox;
}

static void
out_item_free (gpointer data)
{
  OutItem *item = data;

  g_bytes_unref (item->data);
  g_free (item);
}

static void
outbox_unref (gpointer data)
{
  Outbox *outbox = data;

  if (!g_atomic_ref_count_dec (&outbox->ref))
    return;
  g_queue_clear_full (&outbox->items, out_item_free);
  g_mutex_clear (&outbox->lock);
  g_main_context_unref (outbox->context);
  g_free (outbox);
}

static void
absorbed_free (gpointer data)
{
  Absorbed *absorbed = data;

  outbox_unref (absorbed->outbox);
  g_free (absorbed);
}

/* On the exit's context: the runtime took `taken` messages and its queue holds `queued`. */
static gboolean
on_absorbed (gpointer data)
{
  Absorbed *absorbed = data;
  Outbox *outbox = absorbed->outbox;
  LocalnetExit *self;

  if (!g_atomic_int_get (&outbox->alive))
    return G_SOURCE_REMOVE;
  self = outbox->exit;
  self->unqueued -= MIN (self->unqueued, absorbed->taken);
  exit_note_queued (self, absorbed->queued);
  return G_SOURCE_REMOVE;
}

/* On the runtime thread. */
static gboolean
outbox_drain (gpointer data)
{
  Outbox *outbox = data;
  GQueue items = G_QUEUE_INIT;
  Absorbed *absorbed;
  OutItem *item;
  guint taken = 0;

  g_mutex_lock (&outbox->lock);
  items = outbox->items;
  g_queue_init (&outbox->items);
  outbox->scheduled = false;
  g_mutex_unlock (&outbox->lock);

  while ((item = g_queue_pop_head (&items)) != NULL)
    {
      if (g_atomic_int_get (&outbox->alive))
        {
          if (item->reply)
            nym_client_runtime_queue_reply (outbox->runtime, item->sender_tag, item->data);
          else
            nym_client_runtime_queue_message (outbox->runtime, &item->recipient, item->data, 0);
        }
      out_item_free (item);
      taken++;
    }
  if (!g_atomic_int_get (&outbox->alive))
    return G_SOURCE_REMOVE;

  absorbed = g_new0 (Absorbed, 1);
  absorbed->outbox = outbox_ref (outbox);
  absorbed->taken = taken;
  absorbed->queued = nym_client_runtime_get_queued (outbox->runtime);
  g_main_context_invoke_full (outbox->context, G_PRIORITY_DEFAULT, on_absorbed, absorbed, absorbed_free);
  return G_SOURCE_REMOVE;
}

static void
outbox_push (Outbox  *outbox,
             OutItem *item)
{
  g_mutex_lock (&outbox->lock);
  g_queue_push_tail (&outbox->items, item);
  if (!outbox->scheduled)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      outbox->scheduled = true;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, outbox_drain, outbox_ref (outbox), outbox_unref);
      g_source_set_static_name (source, "[localnet-exit] outbox");
      g_source_attach (source, nym_client_runtime_get_context (outbox->runtime));
    }
  g_mutex_unlock (&outbox->lock);
}

/* ---- sending responses --------------------------------------------------------------- */

/* Where an answer goes: the Connect's return address, else the sender's reply SURBs. */
typedef struct
{
  bool                anonymous;
  const NymRecipient *recipient;
  const uint8_t      *sender_tag;
} ReplyTarget;

static bool
exit_send (LocalnetExit        *self,
           const ReplyTarget   *target,
           const NymNrResponse *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = nym_nr_response_encode (response, &error);
  OutItem *item;

  if (bytes == NULL)
    {
      /* Only our own values go in, so this is a bug worth hearing about, not a client's fault. */
      g_critical ("The exit could not encode its response: %s", error->message);
      return false;
    }
  if (self->outbox == NULL || self->stopped)
    return false;

  item = g_new0 (OutItem, 1);
  item->reply = target->anonymous;
  if (target->anonymous)
    memcpy (item->sender_tag, target->sender_tag, 16);
  else
    item->recipient = *target->recipient;
  item->data = g_steal_pointer (&bytes);
  outbox_push (self->outbox, item);
  self->unqueued++;
  exit_update_pause (self);
  return true;
}

static ReplyTarget
connection_target (Connection *conn)
{
  ReplyTarget target = { conn->anonymous, &conn->return_address, conn->sender_tag };

  return target;
}

static void
connection_send_data (Connection    *conn,
                      const uint8_t *data,
                      size_t         len,
                      bool           closed)
{
  ReplyTarget target = connection_target (conn);
  g_autoptr(NymNrResponse) response =
    nym_nr_response_new_network_data (conn->version, conn->id, conn->next_sequence++, data, len, closed);

  exit_send (conn->exit, &target, response);
  if (closed)
    conn->remote_closed = true;
}

static void
exit_send_connection_error (LocalnetExit      *self,
                            NymNrVersion       version,
                            const ReplyTarget *target,
                            uint64_t           connection_id,
                            const char        *message)
{
  g_autoptr(NymNrResponse) response = nym_nr_response_new_connection_error (version, connection_id, message);

  g_debug ("exit: connection %" G_GUINT64_FORMAT ": %s", connection_id, message);
  exit_send (self, target, response);
}

/* ---- back-pressure ------------------------------------------------------------------- */

static void
exit_update_pause (LocalnetExit *self)
{
  bool pause = self->queue_high || self->unqueued > LOCALNET_EXIT_MAX_UNQUEUED_MESSAGES;

  if (pause && !self->paused)
    {
      self->paused = true;
      self->pauses++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSES]);
    }
  else if (!pause && self->paused)
    {
      self->paused = false;
      exit_resume_reading (self);
    }
}

static gboolean
on_backpressure_poll (gpointer user_data)
{
  LocalnetExit *self = user_data;

  if (self->runtime == NULL)
    {
      self->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  exit_note_queued (self, nym_client_runtime_get_queued (self->runtime));
  if (self->queue_high || self->surb_starved > 0)
    return G_SOURCE_CONTINUE;
  self->poll_id = 0;
  return G_SOURCE_REMOVE;
}

/* Hysteresis between NYM_CLIENT_RUNTIME_HIGH_WATER and _LOW_WATER; while high, the queue
 * is polled (it is an atomic read) until it drains. The send queue holds only what can go
 * out now; replies waiting for an anonymous sender's SURBs are looked at per sender, so a
 * sender that went away (its replies wait until the runtime gives them up) stops only its
 * own connections, not everybody's. */
static void
exit_note_queued (LocalnetExit *self,
                  guint         queued)
{
  if (queued > self->max_queued)
    {
      self->max_queued = queued;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_QUEUED]);
    }
  if (queued > NYM_CLIENT_RUNTIME_HIGH_WATER)
    self->queue_high = true;
  else if (queued <= NYM_CLIENT_RUNTIME_LOW_WATER)
    self->queue_high = false;
  exit_check_backlogs (self);
  if ((self->queue_high || self->surb_starved > 0) && self->poll_id == 0 && !self->stopped)
    self->poll_id = g_timeout_add (BACKPRESSURE_POLL_MS, on_backpressure_poll, self);
  exit_update_pause (self);
}

/* Per anonymous connection, the same hysteresis on the replies that wait for its sender's
 * SURBs (nym_client_runtime_get_reply_backlog); a connection that may go on is read again. */
static void
exit_check_backlogs (LocalnetExit *self)
{
  g_autoptr(GPtrArray) resumed = g_ptr_array_new_with_free_func (connection_unref);
  GHashTableIter iter;
  gpointer value;
  guint starved = 0;

  if (self->runtime == NULL)
    return;
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Connection *conn = value;
      guint backlog;

      if (!conn->anonymous)
        continue;
      backlog = nym_client_runtime_get_reply_backlog (self->runtime, conn->sender_tag);
      if (backlog > NYM_CLIENT_RUNTIME_HIGH_WATER)
        conn->surb_starved = true;
      else if (backlog <= NYM_CLIENT_RUNTIME_LOW_WATER && conn->surb_starved)
        {
          conn->surb_starved = false;
          g_ptr_array_add (resumed, connection_ref (conn));
        }
      if (conn->surb_starved)
        starved++;
    }
  if (starved != self->surb_starved)
    {
      self->surb_starved = starved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SURB_STARVED]);
    }
  /* Reading can finish a connection (an error), which changes the table: collected first. */
  for (guint i = 0; i < resumed->len; i++)
    connection_read (g_ptr_array_index (resumed, i));
}

static void
exit_resume_reading (LocalnetExit *self)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  /* Reading can finish a connection (an error), which changes the table: collect first. */
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (open, value);
  for (guint i = 0; i < open->len && !self->paused; i++)
    connection_read (g_ptr_array_index (open, i));
}

/* ---- Connection ---------------------------------------------------------------------- */

static Connection *
connection_ref (Connection *conn)
{
  conn->ref++;
  return conn;
}

static void
clear_source (guint *id)
{
  if (*id != 0)
    {
      g_source_remove (*id);
      *id = 0;
    }
}

static void
connection_unref (gpointer data)
{
  Connection *conn = data;

  if (--conn->ref > 0)
    return;
  g_free (conn->remote_address);
  g_free (conn->host);
  g_list_free_full (conn->addresses, g_object_unref);
  g_clear_error (&conn->connect_error);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->connection);
  g_clear_pointer (&conn->incoming, nym_nr_ordered_buffer_free);
  g_queue_clear_full (&conn->writes, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&conn->in_write, g_bytes_unref);
  g_free (conn);
}

static guint64 *
id_key (uint64_t id)
{
  guint64 *key = g_new (guint64, 1);

  *key = id;
  return key;
}

static void
exit_remember_closed (LocalnetExit *self,
                      uint64_t      id)
{
  if (g_hash_table_size (self->recently_closed) >= MAX_RECENTLY_CLOSED)
    g_hash_table_remove_all (self->recently_closed);
  g_hash_table_add (self->recently_closed, id_key (id));
}

/*
 * Ends a connection: stops every wait and operation, closes the socket and forgets it.
 * With send_closed the client is told (an empty NetworkData with remote_closed) unless it
 * was already.
 */
static void
connection_finish (Connection *conn,
                   bool        send_closed)
{
  LocalnetExit *self = conn->exit;

  if (self == NULL)
    return;
  if (send_closed && !conn->remote_closed)
    connection_send_data (conn, NULL, 0, true);
  conn->exit = NULL;
  g_cancellable_cancel (conn->cancellable);
  clear_source (&conn->connect_timeout_id);
  clear_source (&conn->idle_id);
  clear_source (&conn->keepalive_id);
  clear_source (&conn->grace_id);
  if (conn->connection != NULL)
    g_io_stream_close (G_IO_STREAM (conn->connection), NULL, NULL);
  exit_remember_closed (self, conn->id);
  /* The table's reference is dropped last: it may be the final one. */
  g_hash_table_remove (self->connections, &conn->id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIONS]);
}

static gboolean
on_close_grace (gpointer user_data)
{
  Connection *conn = user_data;

  conn->grace_id = 0;
  connection_finish (conn, true);
  return G_SOURCE_REMOVE;
}

/* After one side closed, the other has close_grace_ms to finish, as in the real one. */
static void
connection_start_grace (Connection *conn)
{
  if (conn->grace_id == 0 && conn->exit != NULL)
    conn->grace_id = g_timeout_add (conn->exit->close_grace_ms, on_close_grace, conn);
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  Connection *conn = user_data;

  conn->idle_id = 0;
  g_debug ("exit: connection %" G_GUINT64_FORMAT " got nothing from its client for %u ms; closing it",
           conn->id, conn->exit->idle_timeout_ms);
  connection_finish (conn, true);
  return G_SOURCE_REMOVE;
}

static void
connection_reset_idle (Connection *conn)
{
  clear_source (&conn->idle_id);
  if (conn->exit != NULL)
    conn->idle_id = g_timeout_add (conn->exit->idle_timeout_ms, on_idle_timeout, conn);
}

static gboolean
on_keepalive (gpointer user_data)
{
  Connection *conn = user_data;

  if (!conn->remote_closed)
    connection_send_data (conn, NULL, 0, false);
  return G_SOURCE_CONTINUE;
}

static void
connection_reset_keepalive (Connection *conn)
{
  clear_source (&conn->keepalive_id);
  if (conn->exit != NULL && conn->state == CONNECTION_OPEN && !conn->remote_closed)
    conn->keepalive_id = g_timeout_add (conn->exit->keepalive_ms, on_keepalive, conn);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  LocalnetExit *self = conn->exit;
  gsize len;
  const uint8_t *data;

  conn->reading = false;
  if (self == NULL)
    {
      connection_unref (conn);
      return;
    }
  if (bytes == NULL)
    {
      /* As in the real one, a read error ends the stream like an EOF. */
      g_debug ("exit: connection %" G_GUINT64_FORMAT ": reading %s failed: %s",
               conn->id, conn->remote_address, error->message);
      len = 0;
      data = NULL;
    }
  else
    {
      data = g_bytes_get_data (bytes, &len);
    }

  if (len == 0)
    {
      connection_send_data (conn, NULL, 0, true);
      clear_source (&conn->keepalive_id);
      if (conn->write_shut)
        connection_finish (conn, false);
      else
        connection_start_grace (conn);
    }
  else
    {
      self->bytes_from_remote += len;
      connection_send_data (conn, data, len, false);
      connection_reset_keepalive (conn);
      connection_read (conn);
    }
  connection_unref (conn);
}

/* Fragments one read fills: about the four packets' worth of plaintext (8 KiB) the real one
 * reads at most. */
#define READ_FRAGMENTS 5

/*
 * One read fills whole fragments: the most data whose NetworkData, in the message it travels
 * in (Reply data for an anonymous client, else Plain), pads to exactly READ_FRAGMENTS
 * fragments (nym-packet.md §17). Reading four packets' worth of plaintext (8192 bytes) made
 * every message six fragments, the last almost empty: 1.2 times the packets, and the sphinx
 * work with them, for the same data (bench/socks5.c).
 */
static gsize
connection_read_size (const Connection *conn)
{
  g_autoptr(NymNrResponse) empty = nym_nr_response_new_network_data (conn->version, conn->id, 0, NULL, 0, false);
  g_autoptr(GBytes) header = nym_nr_response_encode (empty, NULL);
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  size_t low = 1, high = READ_FRAGMENTS * capacity;

  g_assert (header != NULL);
  if (conn->anonymous)
    message = nym_message_new_reply_data (g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  else
    message = nym_message_new_plain (g_bytes_get_data (header, NULL), g_bytes_get_size (header));
  bytes = nym_message_to_bytes (message, NULL);
  g_assert (bytes != NULL);
  /* The overhead does not depend on the data's length; the padding adds at least one byte. */
  while (low < high)
    {
      size_t mid = (low + high + 1) / 2;

      if (nym_fragment_count (mid + bytes->len + 1, capacity, NULL) <= READ_FRAGMENTS)
        low = mid;
      else
        high = mid - 1;
    }
  return low;
}

static void
connection_read (Connection *conn)
{
  LocalnetExit *self = conn->exit;

  if (self == NULL || self->paused || conn->surb_starved || conn->state != CONNECTION_OPEN || conn->reading
      || conn->remote_closed)
    return;
  conn->reading = true;
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (conn->connection)),
                                   conn->read_size, G_PRIORITY_DEFAULT, conn->cancellable,
                                   on_read, connection_ref (conn));
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  conn->writing = false;
  g_clear_pointer (&conn->in_write, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    {
      if (conn->exit != NULL)
        {
          g_debug ("exit: connection %" G_GUINT64_FORMAT ": writing to %s failed: %s",
                   conn->id, conn->remote_address, error->message);
          connection_finish (conn, true);
        }
      connection_unref (conn);
      return;
    }
  if (conn->exit != NULL)
    {
      conn->exit->bytes_to_remote += written;
      connection_pump_writes (conn);
    }
  connection_unref (conn);
}

/* Writes the queued client data in order, one write at a time; after the client's last
 * data the sending half of the socket is shut, so the remote sees the end of the request. */
static void
connection_pump_writes (Connection *conn)
{
  GBytes *next;

  if (conn->exit == NULL || conn->state != CONNECTION_OPEN || conn->writing)
    return;
  next = g_queue_pop_head (&conn->writes);
  if (next != NULL)
    {
      gsize len;
      const void *data = g_bytes_get_data (next, &len);

      /* GOutputStream does not copy the data: the connection keeps the bytes until the
       * write is done, and the write keeps the connection. */
      conn->writing = true;
      conn->in_write = next;
      g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn->connection)),
                                       data, len, G_PRIORITY_DEFAULT, conn->cancellable,
                                       on_written, connection_ref (conn));
      return;
    }
  if (conn->client_closed && !conn->write_shut)
    {
      g_autoptr(GError) error = NULL;
      GSocket *socket = g_socket_connection_get_socket (conn->connection);

      conn->write_shut = true;
      if (!g_socket_shutdown (socket, FALSE, TRUE, &error))
        g_debug ("exit: connection %" G_GUINT64_FORMAT ": shutting down writing failed: %s",
                 conn->id, error->message);
      if (conn->remote_closed)
        connection_finish (conn, false);
      else
        connection_start_grace (conn);
    }
}

/* Moves what has become contiguous in the ordered buffer to the write queue. */
static void
connection_flush_incoming (Connection *conn)
{
  for (;;)
    {
      uint64_t last = 0;
      bool closed = false;
      GBytes *data = nym_nr_ordered_buffer_read (conn->incoming, &last, &closed);

      if (data == NULL)
        break;
      /* Empty Sends are the client's keep-alives; nothing to write. */
      if (g_bytes_get_size (data) > 0)
        g_queue_push_tail (&conn->writes, data);
      else
        g_bytes_unref (data);
      if (closed)
        {
          conn->client_closed = true;
          break;
        }
    }
  connection_pump_writes (conn);
}

static void
connection_accept_send (Connection         *conn,
                        const NymNrRequest *request)
{
  g_autoptr(GError) error = NULL;
  NymNrWriteResult result;

  connection_reset_idle (conn);
  if (request->data != NULL)
    result = nym_nr_ordered_buffer_write_bytes (conn->incoming, request->sequence, request->data,
                                                request->local_closed, &error);
  else
    result = nym_nr_ordered_buffer_write (conn->incoming, request->sequence, NULL, 0,
                                          request->local_closed, &error);
  if (result == NYM_NR_WRITE_REFUSED)
    {
      /* The real one logs this and carries on; a client can only hurt its own stream. */
      g_debug ("exit: connection %" G_GUINT64_FORMAT ": Send %" G_GUINT64_FORMAT " refused: %s",
               conn->id, request->sequence, error->message);
      return;
    }
  if (conn->state == CONNECTION_OPEN)
    connection_flush_incoming (conn);
}

/* ---- connecting ---------------------------------------------------------------------- */

static void connection_try_next_address (Connection *conn);

static gboolean
on_connect_timeout (gpointer user_data)
{
  Connection *conn = user_data;

  conn->connect_timeout_id = 0;
  conn->timed_out = true;
  g_cancellable_cancel (conn->cancellable);
  return G_SOURCE_REMOVE;
}

/* Every address failed (or time ran out): the client gets the reason as a ConnectionError
 * and, as from the real one, an empty NetworkData 0 with remote_closed, which is what a
 * real SOCKS5 client closes its socket on. */
static void
connection_fail_connect (Connection *conn)
{
  ReplyTarget target = connection_target (conn);
  g_autofree char *message = NULL;

  if (conn->timed_out)
    message = g_strdup_printf ("could not connect to %s: no answer within %u ms",
                               conn->remote_address, conn->exit->connect_timeout_ms);
  else
    message = g_strdup_printf ("could not connect to %s: %s", conn->remote_address,
                               conn->connect_error != NULL ? conn->connect_error->message : "no address");
  conn->exit->connections_refused++;
  g_object_notify_by_pspec (G_OBJECT (conn->exit), properties[PROP_CONNECTIONS_REFUSED]);
  exit_send_connection_error (conn->exit, conn->version, &target, conn->id, message);
  connection_finish (conn, true);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection =
    g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

  if (conn->exit == NULL)
    {
      connection_unref (conn);
      return;
    }
  if (connection == NULL)
    {
      g_clear_error (&conn->connect_error);
      conn->connect_error = g_steal_pointer (&error);
      if (conn->timed_out)
        connection_fail_connect (conn);
      else
        connection_try_next_address (conn);
      connection_unref (conn);
      return;
    }

  clear_source (&conn->connect_timeout_id);
  conn->connection = g_steal_pointer (&connection);
  conn->state = CONNECTION_OPEN;
  conn->exit->connections_opened++;
  g_object_notify_by_pspec (G_OBJECT (conn->exit), properties[PROP_CONNECTIONS_OPENED]);
  g_debug ("exit: connection %" G_GUINT64_FORMAT " to %s is open", conn->id, conn->remote_address);
  connection_reset_keepalive (conn);
  connection_read (conn);
  connection_flush_incoming (conn);
  connection_unref (conn);
}

static void
connection_try_next_address (Connection *conn)
{
  g_autoptr(GSocketAddress) address = NULL;
  GInetAddress *inet;

  if (conn->next_address == NULL)
    {
      connection_fail_connect (conn);
      return;
    }
  inet = conn->next_address->data;
  conn->next_address = conn->next_address->next;
  address = g_inet_socket_address_new (inet, conn->port);
  g_socket_client_connect_async (conn->exit->socket_client, G_SOCKET_CONNECTABLE (address),
                                 conn->cancellable, on_connected, connection_ref (conn));
}

static bool
inet_to_policy_address (GInetAddress   *inet,
                        NymNrIpAddress *out)
{
  gsize size = g_inet_address_get_native_size (inet);

  memset (out, 0, sizeof *out);
  if (size != 4 && size != 16)
    return false;
  out->family = size == 4 ? 4 : 6;
  memcpy (out->bytes, g_inet_address_to_bytes (inet), size);
  return true;
}

/* §5.4: every address the name resolves to must be allowed, or the Connect is refused. */
static void
connection_check_and_connect (Connection *conn)
{
  LocalnetExit *self = conn->exit;
  g_autofree NymNrIpAddress *checked = g_new0 (NymNrIpAddress, MAX (1, g_list_length (conn->addresses)));
  g_autoptr(GError) error = NULL;
  size_t n = 0;

  for (GList *l = conn->addresses; l != NULL; l = l->next)
    if (inet_to_policy_address (l->data, &checked[n]))
      n++;
  if (!nym_nr_exit_policy_allows (self->policy, checked, n, conn->port, self->allow_local, &error))
    {
      ReplyTarget target = connection_target (conn);
      g_autofree char *message = g_strdup_printf ("%s is refused: %s", conn->remote_address, error->message);

      self->connections_refused++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIONS_REFUSED]);
      exit_send_connection_error (self, conn->version, &target, conn->id, message);
      connection_finish (conn, false);
      return;
    }

  conn->state = CONNECTION_CONNECTING;
  conn->next_address = conn->addresses;
  conn->connect_timeout_id = g_timeout_add (self->connect_timeout_ms, on_connect_timeout, conn);
  connection_try_next_address (conn);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (conn->exit == NULL)
    {
      g_resolver_free_addresses (addresses);
      connection_unref (conn);
      return;
    }
  if (addresses == NULL)
    {
      ReplyTarget target = connection_target (conn);
      g_autofree char *message = g_strdup_printf ("%s is refused: its host could not be resolved: %s",
                                                  conn->remote_address, error->message);

      conn->exit->connections_refused++;
      g_object_notify_by_pspec (G_OBJECT (conn->exit), properties[PROP_CONNECTIONS_REFUSED]);
      exit_send_connection_error (conn->exit, conn->version, &target, conn->id, message);
      connection_finish (conn, false);
      connection_unref (conn);
      return;
    }
  conn->addresses = addresses;
  connection_check_and_connect (conn);
  connection_unref (conn);
}

/* ---- requests ------------------------------------------------------------------------ */

static void
pending_sends_free (gpointer data)
{
  PendingSends *pending = data;

  clear_source (&pending->timeout_id);
  g_ptr_array_unref (pending->sends);
  g_free (pending);
}

typedef struct
{
  LocalnetExit *exit;
  uint64_t      id;
} PendingTimeout;

static gboolean
on_pending_timeout (gpointer user_data)
{
  PendingTimeout *timeout = user_data;
  PendingSends *pending = g_hash_table_lookup (timeout->exit->pending, &timeout->id);

  /* Its Connect never came. */
  if (pending != NULL)
    {
      pending->timeout_id = 0;
      g_hash_table_remove (timeout->exit->pending, &timeout->id);
    }
  return G_SOURCE_REMOVE;
}

static void
exit_keep_pending_send (LocalnetExit *self,
                        NymNrRequest *request)
{
  PendingSends *pending = g_hash_table_lookup (self->pending, &request->connection_id);

  if (pending == NULL)
    {
      PendingTimeout *timeout;

      if (g_hash_table_size (self->pending) >= MAX_PENDING_IDS)
        {
          g_debug ("exit: Send for unknown connection %" G_GUINT64_FORMAT " dropped: too many waiting",
                   request->connection_id);
          nym_nr_request_free (request);
          return;
        }
      pending = g_new0 (PendingSends, 1);
      pending->sends = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_nr_request_free);
      timeout = g_new0 (PendingTimeout, 1);
      timeout->exit = self;
      timeout->id = request->connection_id;
      pending->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, self->idle_timeout_ms,
                                                on_pending_timeout, timeout, g_free);
      g_hash_table_insert (self->pending, id_key (request->connection_id), pending);
    }
  if (pending->sends->len >= MAX_PENDING_SENDS)
    {
      nym_nr_request_free (request);
      return;
    }
  g_ptr_array_add (pending->sends, request);
}

static void
exit_handle_connect (LocalnetExit  *self,
                     NymNrRequest  *request,
                     const uint8_t *sender_tag)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  PendingSends *pending;
  Connection *conn;
  char *host = NULL;
  uint16_t port = 0;

  /* §5.3: an explicit return address wins over the sender tag, as in the real one. */
  if (!request->has_return_address && sender_tag == NULL)
    {
      g_debug ("exit: Connect %" G_GUINT64_FORMAT " has no way back (no return address, no reply SURBs)",
               request->connection_id);
      return;
    }
  /* A message can be completed twice when a late ack made its sender send a fragment
   * again; a second Connect must not open the connection again, also not after it closed
   * (clients choose connection ids at random, so they do not reuse them). */
  if (g_hash_table_contains (self->connections, &request->connection_id)
      || g_hash_table_contains (self->recently_closed, &request->connection_id))
    {
      g_debug ("exit: duplicate Connect %" G_GUINT64_FORMAT " ignored", request->connection_id);
      return;
    }

  conn = g_new0 (Connection, 1);
  conn->ref = 1;
  conn->exit = self;
  conn->id = request->connection_id;
  conn->version = request->version;
  conn->anonymous = !request->has_return_address;
  if (request->has_return_address)
    conn->return_address = request->return_address;
  else
    memcpy (conn->sender_tag, sender_tag, 16);
  conn->read_size = connection_read_size (conn);
  conn->remote_address = g_strdup (request->remote_address);
  conn->cancellable = g_cancellable_new ();
  conn->incoming = nym_nr_ordered_buffer_new (NYM_NR_ORDERED_BUFFER_DEFAULT_MAX_BYTES);
  g_queue_init (&conn->writes);
  g_hash_table_insert (self->connections, id_key (conn->id), conn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIONS]);
  connection_reset_idle (conn);

  pending = g_hash_table_lookup (self->pending, &conn->id);
  if (pending != NULL)
    {
      for (guint i = 0; i < pending->sends->len; i++)
        connection_accept_send (conn, g_ptr_array_index (pending->sends, i));
      g_hash_table_remove (self->pending, &conn->id);
    }

  if (!nym_nr_remote_address_split (request->remote_address, &host, &port, &error))
    {
      ReplyTarget target = connection_target (conn);
      g_autofree char *message = g_strdup_printf ("%s is refused: %s", request->remote_address, error->message);

      self->connections_refused++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIONS_REFUSED]);
      exit_send_connection_error (self, conn->version, &target, conn->id, message);
      connection_finish (conn, false);
      return;
    }
  conn->host = host;
  conn->port = port;

  /* An address needs no resolver; a name is resolved here, at the exit (§5.4). */
  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      conn->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      connection_check_and_connect (conn);
      return;
    }
  g_resolver_lookup_by_name_async (self->resolver, host, conn->cancellable, on_resolved, connection_ref (conn));
}

static void
exit_handle_send (LocalnetExit *self,
                  NymNrRequest *request)
{
  Connection *conn = g_hash_table_lookup (self->connections, &request->connection_id);

  if (conn != NULL)
    {
      connection_accept_send (conn, request);
      nym_nr_request_free (request);
      return;
    }
  if (g_hash_table_contains (self->recently_closed, &request->connection_id))
    {
      g_debug ("exit: Send %" G_GUINT64_FORMAT " for closed connection %" G_GUINT64_FORMAT " dropped",
               request->sequence, request->connection_id);
      nym_nr_request_free (request);
      return;
    }
  /* The mixnet may deliver a Send before its Connect (connection_controller.rs). */
  exit_keep_pending_send (self, request);
}

static GBytes *
binary_info_json (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *empty_fields[] = {
    "build_timestamp", "commit_sha", "commit_timestamp", "commit_branch",
    "rustc_version", "rustc_channel", "cargo_profile", "cargo_triple",
  };
  char *text;
  gsize len = 0;

  /* BinaryInformation { binary_name, build_information: BinaryBuildInformationOwned }
   * (service-providers/common control.rs, bin-common build_information). */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "binary_name");
  json_builder_add_string_value (builder, "nymph-localnet");
  json_builder_set_member_name (builder, "build_information");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "binary_name");
  json_builder_add_string_value (builder, "nymph-localnet");
  json_builder_set_member_name (builder, "build_version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  for (size_t i = 0; i < G_N_ELEMENTS (empty_fields); i++)
    {
      json_builder_set_member_name (builder, empty_fields[i]);
      json_builder_add_string_value (builder, "");
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

/* Queries and control requests carry no return address, so like the real one the exit
 * can answer them only through reply SURBs. */
static void
exit_handle_query_or_control (LocalnetExit       *self,
                              const NymNrRequest *request,
                              const uint8_t      *sender_tag)
{
  g_autoptr(NymNrResponse) response = NULL;
  ReplyTarget target = { true, NULL, sender_tag };

  if (sender_tag == NULL)
    {
      g_debug ("exit: a query or control request without reply SURBs cannot be answered");
      return;
    }

  if (request->kind == NYM_NR_REQUEST_QUERY)
    {
      /* The real one answers queries with SOCKS5 protocol version 3 whatever the request
       * used. For a Legacy-interface request that would be [3][3]…, which readers take for
       * a versioned header with tag 3 and cannot decode, so such queries get the versioned
       * interface too. */
      NymNrVersion version = NYM_NR_VERSION_INIT_VERSIONED;

      if (request->version.interface != NYM_NR_VERSION_LEGACY)
        version.interface = request->version.interface;
      switch (request->query)
        {
        case NYM_NR_QUERY_OPEN_PROXY:
          response = nym_nr_response_new_query_open_proxy (version, self->open_proxy);
          break;
        case NYM_NR_QUERY_DESCRIPTION:
          response = nym_nr_response_new_query_text (version, NYM_NR_QUERY_DESCRIPTION, EXIT_DESCRIPTION);
          break;
        case NYM_NR_QUERY_EXIT_POLICY:
          /* No policy was fetched from anywhere, so there is no upstream URL. */
          response = nym_nr_response_new_query_exit_policy (version, true, "", self->policy);
          break;
        default:
          response = nym_nr_response_new_query_text (version, NYM_NR_QUERY_ERROR, "received unknown query variant");
          break;
        }
    }
  else
    {
      g_autoptr(GBytes) json = NULL;
      const uint8_t *body = NULL;
      gsize len = 0;

      switch (request->control)
        {
        case NYM_NR_CONTROL_HEALTH:
          break;
        case NYM_NR_CONTROL_BINARY_INFO:
          json = binary_info_json ();
          break;
        case NYM_NR_CONTROL_SUPPORTED_VERSIONS:
          json = nym_nr_control_supported_versions_json (NYM_NR_VERSION_CURRENT, NYM_NR_VERSION_CURRENT);
          break;
        default:
          return;
        }
      if (json != NULL)
        body = g_bytes_get_data (json, &len);
      response = nym_nr_response_new_control (request->version, request->control, body, len);
    }
  exit_send (self, &target, response);
}

static void
exit_handle_message (LocalnetExit  *self,
                     GBytes        *message,
                     const uint8_t *sender_tag)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (message, &len);
  NymNrRequest *request = nym_nr_request_decode (data, len, &error);

  if (request == NULL)
    {
      /* Like the real one: a message that is not a request is dropped. */
      g_debug ("exit: dropped a %zu-byte message that is no NR request: %s", len, error->message);
      return;
    }
  self->requests++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTS]);
  switch (request->kind)
    {
    case NYM_NR_REQUEST_CONNECT:
      exit_handle_connect (self, request, sender_tag);
      nym_nr_request_free (request);
      break;
    case NYM_NR_REQUEST_SEND:
      exit_handle_send (self, request);
      break;
    case NYM_NR_REQUEST_QUERY:
    case NYM_NR_REQUEST_CONTROL:
    default:
      exit_handle_query_or_control (self, request, sender_tag);
      nym_nr_request_free (request);
      break;
    }
}

/* ---- runtime events ------------------------------------------------------------------ */

static void
on_runtime_event (const NymClientEvent *event,
                  gpointer              user_data)
{
  LocalnetExit *self = user_data;

  switch (event->kind)
    {
    case NYM_CLIENT_EVENT_STATE:
      if (event->address != NULL && g_strcmp0 (event->address, self->address) != 0)
        {
          g_free (self->address);
          self->address = g_strdup (event->address);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
        }
      if (event->state == NYM_CLIENT_STATE_ERROR && g_strcmp0 (event->error_message, self->error_message) != 0)
        {
          g_free (self->error_message);
          self->error_message = g_strdup (event->error_message != NULL ? event->error_message : "the mixnet client failed");
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
        }
      /* While the client reconnects, requests and answers wait in its queues. */
      if ((event->state == NYM_CLIENT_STATE_READY) != self->ready)
        {
          self->ready = event->state == NYM_CLIENT_STATE_READY;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
        }
      break;
    case NYM_CLIENT_EVENT_MESSAGE:
      if (event->message != NULL && !self->stopped)
        exit_handle_message (self, event->message, event->sender_tag);
      break;
    case NYM_CLIENT_EVENT_STATS:
    case NYM_CLIENT_EVENT_STOPPED:
    default:
      break;
    }
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
localnet_exit_dispose (GObject *object)
{
  LocalnetExit *self = LOCALNET_EXIT (object);

  localnet_exit_stop (self);
  G_OBJECT_CLASS (localnet_exit_parent_class)->dispose (object);
}

static void
localnet_exit_finalize (GObject *object)
{
  LocalnetExit *self = LOCALNET_EXIT (object);

  g_free (self->data_dir);
  nym_nr_exit_policy_free (self->policy);
  g_clear_object (&self->socket_client);
  g_clear_object (&self->resolver);
  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->recently_closed);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->address);
  g_free (self->error_message);

  G_OBJECT_CLASS (localnet_exit_parent_class)->finalize (object);
}

static void
localnet_exit_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LocalnetExit *self = LOCALNET_EXIT (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;
    case PROP_ALLOW_LOCAL:
      g_value_set_boolean (value, self->allow_local);
      break;
    case PROP_ZERO_DELAY:
      g_value_set_boolean (value, self->zero_delay);
      break;
    case PROP_OPEN_PROXY:
      g_value_set_boolean (value, self->open_proxy);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_REQUESTS:
      g_value_set_uint64 (value, self->requests);
      break;
    case PROP_CONNECTIONS:
      g_value_set_uint (value, g_hash_table_size (self->connections));
      break;
    case PROP_CONNECTIONS_OPENED:
      g_value_set_uint64 (value, self->connections_opened);
      break;
    case PROP_CONNECTIONS_REFUSED:
      g_value_set_uint64 (value, self->connections_refused);
      break;
    case PROP_BYTES_TO_REMOTE:
      g_value_set_uint64 (value, self->bytes_to_remote);
      break;
    case PROP_BYTES_FROM_REMOTE:
      g_value_set_uint64 (value, self->bytes_from_remote);
      break;
    case PROP_PAUSES:
      g_value_set_uint64 (value, self->pauses);
      break;
    case PROP_MAX_QUEUED:
      g_value_set_uint (value, self->max_queued);
      break;
    case PROP_SURB_STARVED:
      g_value_set_uint (value, self->surb_starved);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_exit_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LocalnetExit *self = LOCALNET_EXIT (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_free (self->data_dir);
      self->data_dir = g_value_dup_string (value);
      break;
    case PROP_ALLOW_LOCAL:
      localnet_exit_set_allow_local (self, g_value_get_boolean (value));
      break;
    case PROP_ZERO_DELAY:
      localnet_exit_set_zero_delay (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
counter_property (const char *name)
{
  return g_param_spec_uint64 (name, NULL, NULL, 0, G_MAXUINT64, 0,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
localnet_exit_class_init (LocalnetExitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = localnet_exit_dispose;
  object_class->finalize = localnet_exit_finalize;
  object_class->get_property = localnet_exit_get_property;
  object_class->set_property = localnet_exit_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_LOCAL] =
    g_param_spec_boolean ("allow-local", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZERO_DELAY] =
    g_param_spec_boolean ("zero-delay", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN_PROXY] =
    g_param_spec_boolean ("open-proxy", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTS] = counter_property ("requests");
  properties[PROP_CONNECTIONS] =
    g_param_spec_uint ("connections", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTIONS_OPENED] = counter_property ("connections-opened");
  properties[PROP_CONNECTIONS_REFUSED] = counter_property ("connections-refused");
  properties[PROP_BYTES_TO_REMOTE] = counter_property ("bytes-to-remote");
  properties[PROP_BYTES_FROM_REMOTE] = counter_property ("bytes-from-remote");
  properties[PROP_PAUSES] = counter_property ("pauses");
  properties[PROP_MAX_QUEUED] =
    g_param_spec_uint ("max-queued", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Connections not read now because their anonymous sender has too many replies waiting
   * for its SURBs. */
  properties[PROP_SURB_STARVED] =
    g_param_spec_uint ("surb-starved", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
localnet_exit_init (LocalnetExit *self)
{
  self->policy = nym_nr_exit_policy_new_open ();
  self->open_proxy = TRUE;
  self->connect_timeout_ms = LOCALNET_EXIT_DEFAULT_CONNECT_TIMEOUT_MS;
  self->idle_timeout_ms = LOCALNET_EXIT_DEFAULT_IDLE_TIMEOUT_MS;
  self->keepalive_ms = LOCALNET_EXIT_DEFAULT_KEEPALIVE_MS;
  self->close_grace_ms = LOCALNET_EXIT_DEFAULT_CLOSE_GRACE_MS;
  self->connections = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, connection_unref);
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, pending_sends_free);
  self->recently_closed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->socket_client = g_socket_client_new ();
  /* Connections go straight to the target: a proxy from the environment would be wrong. */
  g_socket_client_set_enable_proxy (self->socket_client, FALSE);
  self->resolver = g_resolver_get_default ();
}

/* ---- public API ---------------------------------------------------------------------- */

LocalnetExit *
localnet_exit_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);
  return g_object_new (LOCALNET_TYPE_EXIT, "data-dir", data_dir, NULL);
}

void
localnet_exit_set_policy (LocalnetExit          *self,
                          const NymNrExitPolicy *policy)
{
  g_return_if_fail (LOCALNET_IS_EXIT (self));

  nym_nr_exit_policy_free (self->policy);
  self->policy = policy != NULL ? nym_nr_exit_policy_copy (policy) : nym_nr_exit_policy_new_open ();
  if (self->open_proxy != (policy == NULL))
    {
      self->open_proxy = policy == NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_PROXY]);
    }
}

bool
localnet_exit_load_policy_file (LocalnetExit  *self,
                                const char    *path,
                                GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(NymNrExitPolicy) policy = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;

  g_return_val_if_fail (LOCALNET_IS_EXIT (self), false);

  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_POLICY_FILE,
                   "Cannot read the exit policy %s: %s", path, local_error->message);
      return false;
    }
  policy = nym_nr_exit_policy_parse (text, (gssize) len, &local_error);
  if (policy == NULL)
    {
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_POLICY_FILE,
                   "The exit policy %s is not valid: %s", path, local_error->message);
      return false;
    }
  localnet_exit_set_policy (self, policy);
  return true;
}

void
localnet_exit_set_allow_local (LocalnetExit *self,
                               gboolean      allow_local)
{
  g_return_if_fail (LOCALNET_IS_EXIT (self));

  allow_local = !!allow_local;
  if (self->allow_local == allow_local)
    return;
  self->allow_local = allow_local;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_LOCAL]);
}

void
localnet_exit_set_zero_delay (LocalnetExit *self,
                              gboolean      zero_delay)
{
  g_return_if_fail (LOCALNET_IS_EXIT (self));

  zero_delay = !!zero_delay;
  if (self->zero_delay == zero_delay)
    return;
  self->zero_delay = zero_delay;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZERO_DELAY]);
}

void
localnet_exit_set_timeouts (LocalnetExit *self,
                            guint         connect_ms,
                            guint         idle_ms,
                            guint         keepalive_ms,
                            guint         close_grace_ms)
{
  g_return_if_fail (LOCALNET_IS_EXIT (self));

  if (connect_ms != 0)
    self->connect_timeout_ms = connect_ms;
  if (idle_ms != 0)
    self->idle_timeout_ms = idle_ms;
  if (keepalive_ms != 0)
    self->keepalive_ms = keepalive_ms;
  if (close_grace_ms != 0)
    self->close_grace_ms = close_grace_ms;
}

bool
localnet_exit_start (LocalnetExit  *self,
                     const char    *nym_api_url,
                     const char    *gateway_identity,
                     GError       **error)
{
  NymClientRuntimeConfig config;
  const char *urls[] = { nym_api_url, NULL };
  uint8_t identity[32];
  size_t len = 0;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (LOCALNET_IS_EXIT (self), false);

  if (self->runtime != NULL || self->stopped)
    {
      g_set_error_literal (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE,
                           "The exit was started already; a stopped exit cannot start again");
      return false;
    }
  if (nym_api_url == NULL || !g_str_has_prefix (nym_api_url, "http"))
    {
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID,
                   "“%s” is not a nym-api URL", nym_api_url != NULL ? nym_api_url : "(none)");
      return false;
    }
  if (gateway_identity == NULL
      || !nym_base58_decode (gateway_identity, identity, sizeof identity, &len, &local_error) || len != 32)
    {
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID,
                   "“%s” is not a gateway identity (base58 of 32 bytes)",
                   gateway_identity != NULL ? gateway_identity : "(none)");
      return false;
    }
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID,
                   "Cannot create the exit's directory %s: %s", self->data_dir, g_strerror (saved));
      return false;
    }

  nym_client_runtime_config_init (&config);
  config.data_dir = self->data_dir;
  config.nym_api_urls = (char **) urls;
  config.gateway_identity = (char *) gateway_identity;
  /* A zero-delay localnet gets a zero-delay exit; otherwise the exit mixes like any client. */
  config.zero_delay = self->zero_delay;

  self->context = g_main_context_ref_thread_default ();
  self->runtime = nym_client_runtime_new (&config, self->context, on_runtime_event, self);
  self->outbox = g_new0 (Outbox, 1);
  g_atomic_ref_count_init (&self->outbox->ref);
  g_mutex_init (&self->outbox->lock);
  g_queue_init (&self->outbox->items);
  self->outbox->alive = 1;
  self->outbox->runtime = self->runtime;
  self->outbox->context = g_main_context_ref (self->context);
  self->outbox->exit = self;
  nym_client_runtime_start (self->runtime);
  return true;
}

void
localnet_exit_stop (LocalnetExit *self)
{
  g_autoptr(GPtrArray) open = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (LOCALNET_IS_EXIT (self));

  if (self->stopped)
    return;
  self->stopped = true;
  clear_source (&self->poll_id);

  open = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (open, value);
  for (guint i = 0; i < open->len; i++)
    connection_finish (g_ptr_array_index (open, i), false);
  g_hash_table_remove_all (self->pending);

  if (self->outbox != NULL)
    {
      g_atomic_int_set (&self->outbox->alive, 0);
      g_clear_pointer (&self->outbox, outbox_unref);
    }
  /* Stops and joins the client thread; no event arrives after this. */
  g_clear_pointer (&self->runtime, nym_client_runtime_free);
  if (self->ready)
    {
      self->ready = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

gboolean
localnet_exit_is_ready (LocalnetExit *self)
{
  g_return_val_if_fail (LOCALNET_IS_EXIT (self), FALSE);
  return self->ready;
}

const char *
localnet_exit_get_address (LocalnetExit *self)
{
  g_return_val_if_fail (LOCALNET_IS_EXIT (self), NULL);
  return self->address;
}

const char *
localnet_exit_get_error_message (LocalnetExit *self)
{
  g_return_val_if_fail (LOCALNET_IS_EXIT (self), NULL);
  return self->error_message;
}

guint
localnet_exit_get_connections (LocalnetExit *self)
{
  g_return_val_if_fail (LOCALNET_IS_EXIT (self), 0);
  return g_hash_table_size (self->connections);
}

bool
localnet_exit_publish (LocalnetExit     *self,
                       LocalnetNetwork  *network,
                       const char       *gateway_name,
                       GError          **error)
{
  const LocalnetNodeInfo *node;
  g_autoptr(LocalnetNodeInfo) info = NULL;

  g_return_val_if_fail (LOCALNET_IS_EXIT (self), false);
  g_return_val_if_fail (LOCALNET_IS_NETWORK (network), false);

  if (self->address == NULL)
    {
      g_set_error_literal (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE,
                           "The exit has no address yet: it is published once it is ready");
      return false;
    }
  node = localnet_network_find_node (network, gateway_name);
  if (node == NULL || node->kind != LOCALNET_NODE_GATEWAY)
    {
      g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID,
                   "There is no gateway called “%s” to publish the exit at", gateway_name);
      return false;
    }
  info = localnet_node_info_copy (node);
  info->exit = true;
  g_free (info->network_requester_address);
  info->network_requester_address = g_strdup (self->address);
  return localnet_network_add_node (network, info, error) != 0;
}

char *
localnet_exit_dup_summary (LocalnetExit *self)
{
  g_return_val_if_fail (LOCALNET_IS_EXIT (self), NULL);

  return g_strdup_printf ("requests=%" G_GUINT64_FORMAT " connections=%u connections-opened=%" G_GUINT64_FORMAT
                          " connections-refused=%" G_GUINT64_FORMAT " bytes-to-remote=%" G_GUINT64_FORMAT
                          " bytes-from-remote=%" G_GUINT64_FORMAT " pauses=%" G_GUINT64_FORMAT " max-queued=%u",
                          self->requests, g_hash_table_size (self->connections), self->connections_opened,
                          self->connections_refused, self->bytes_to_remote, self->bytes_from_remote,
                          self->pauses, self->max_queued);
}
