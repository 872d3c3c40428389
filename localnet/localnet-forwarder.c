/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetForwarder: bounded per-hop queues written as version-8 node frames over reused TCP links. */
#include "localnet-forwarder.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "packet/nym-node-frame.h"

/* Frames are gathered into writes of about this size, so a busy link costs few syscalls. */
#define WRITE_BATCH_BYTES (64 * 1024)

typedef struct
{
  LocalnetForwarder *forwarder;   /* borrowed: the forwarder owns the link */
  NymNodeAddress     address;
  char              *name;        /* "ip:port", for messages */
  GQueue             frames;      /* GBytes*, each one framed packet */
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GBytes            *in_flight;   /* the batch being written */
  GPtrArray         *waiters;     /* GTask*, completed when the queue has room */
  gboolean           connecting;
  uint8_t            watch_byte;  /* target of the read that notices a closed peer */
  GCancellable      *watch;       /* cancels that read when the link closes the connection */
  gboolean           peer_closed; /* seen while a write was pending: close after it */
} Link;

struct _LocalnetForwarder
{
  GObject          parent_instance;

  /* owned */
  GHashTable      *links;         /* name → Link* */
  GSocketClient   *client;
  guint            queue_limit;

  guint64          sent;
  guint64          dropped_queue_full;
  guint64          dropped_connect_failed;
};

enum
{
  PROP_0,
  PROP_QUEUE_LIMIT,
  PROP_SENT,
  PROP_DROPPED_QUEUE_FULL,
  PROP_DROPPED_CONNECT_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LocalnetForwarder, localnet_forwarder, G_TYPE_OBJECT)

static void link_pump (Link *link);

static void
link_complete_waiters (Link *link)
{
  g_autoptr(GPtrArray) waiters = NULL;

  if (link->waiters->len == 0 || link->frames.length >= link->forwarder->queue_limit)
    return;
  /* Completing a waiter may queue more packets and add new waiters, so work on a copy. */
  waiters = link->waiters;
  link->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
}

static void
link_drop_queue (Link *link)
{
  GBytes *frame;
  guint dropped = 0;

  while ((frame = g_queue_pop_head (&link->frames)) != NULL)
    {
      g_bytes_unref (frame);
      dropped++;
    }
  link->forwarder->dropped_connect_failed += dropped;
  if (dropped > 0)
    g_object_notify_by_pspec (G_OBJECT (link->forwarder), properties[PROP_DROPPED_CONNECT_FAILED]);
}

static void
link_close (Link *link)
{
  /* The watch read must end before the socket closes, or it would never complete. */
  if (link->watch != NULL)
    {
      g_cancellable_cancel (link->watch);
      g_clear_object (&link->watch);
    }
  if (link->connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (link->connection), NULL, NULL);
      g_clear_object (&link->connection);
    }
}

static void
link_free (Link *link)
{
  g_cancellable_cancel (link->cancellable);
  link_close (link);
  /* A pending write keeps its own reference to the batch (see link_pump). */
  g_clear_pointer (&link->in_flight, g_bytes_unref);
  g_queue_clear_full (&link->frames, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < link->waiters->len; i++)
    g_task_return_new_error (g_ptr_array_index (link->waiters, i), G_IO_ERROR, G_IO_ERROR_CLOSED,
                             "The forwarder to %s was closed", link->name);
  g_ptr_array_unref (link->waiters);
  g_clear_object (&link->cancellable);
  g_free (link->name);
  g_free (link);
}

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Link *link = user_data;
  g_autoptr(GError) error = NULL;
  gsize frames_in_batch;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;   /* the link is being freed */
      g_debug ("Forwarding to %s failed: %s", link->name, error->message);
      g_clear_pointer (&link->in_flight, g_bytes_unref);
      link_close (link);
      /* The batch is lost like packets on a broken real link; the rest of the queue goes
       * out on a new connection. */
      link_pump (link);
      return;
    }
  frames_in_batch = GPOINTER_TO_SIZE (g_object_get_data (source, "localnet-batch-frames"));
  link->forwarder->sent += frames_in_batch;
  g_object_notify_by_pspec (G_OBJECT (link->forwarder), properties[PROP_SENT]);
  g_clear_pointer (&link->in_flight, g_bytes_unref);
  if (link->peer_closed)
    link_close (link);
  link_complete_waiters (link);
  link_pump (link);
}

/* Next hops never send anything back, so a read that completes means the peer closed
 * (or reset) the connection; dropping it at once makes the next packet reconnect
 * instead of being written into a dead socket. */
static void
watch_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Link *link = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (link->connection == NULL
      || g_io_stream_get_input_stream (G_IO_STREAM (link->connection)) != G_INPUT_STREAM (source))
    return;
  if (n > 0)
    {
      /* Not part of the protocol; ignore it and keep watching. */
      g_input_stream_read_async (G_INPUT_STREAM (source), &link->watch_byte, 1, G_PRIORITY_DEFAULT,
                                 link->watch, watch_done, link);
      return;
    }
  g_debug ("Next hop %s closed its connection", link->name);
  if (link->in_flight == NULL)
    link_close (link);
  else
    link->peer_closed = TRUE;
}

static void
connect_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Link *link = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  link->connecting = FALSE;
  if (connection == NULL)
    {
      g_debug ("Cannot connect to next hop %s: %s", link->name, error->message);
      /* A hop that is down loses what was queued for it, as a real mix node would;
       * the next packet tries again. */
      link_drop_queue (link);
      link_complete_waiters (link);
      return;
    }
  /* Packets are small and latency matters more than segment count. */
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  link->connection = connection;
  link->peer_closed = FALSE;
  link->watch = g_cancellable_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                             &link->watch_byte, 1, G_PRIORITY_DEFAULT, link->watch,
                             watch_done, link);
  link_pump (link);
}

static void
link_pump (Link *link)
{
  g_autoptr(GByteArray) batch = NULL;
  GOutputStream *out;
  gsize frames = 0;

  if (link->in_flight != NULL || link->connecting || g_queue_is_empty (&link->frames))
    return;
  if (link->connection == NULL)
    {
      g_autoptr(GInetAddress) inet =
        g_inet_address_new_from_bytes (link->address.ip,
                                       link->address.ip_version == 6 ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, link->address.port);

      link->connecting = TRUE;
      g_socket_client_connect_async (link->forwarder->client, G_SOCKET_CONNECTABLE (address),
                                     link->cancellable, connect_done, link);
      return;
    }

  batch = g_byte_array_new ();
  while (!g_queue_is_empty (&link->frames) && batch->len < WRITE_BATCH_BYTES)
    {
      g_autoptr(GBytes) frame = g_queue_pop_head (&link->frames);
      gsize size;
      gconstpointer data = g_bytes_get_data (frame, &size);

      g_byte_array_append (batch, data, (guint) size);
      frames++;
    }
  link->in_flight = g_byte_array_free_to_bytes (g_steal_pointer (&batch));
  out = g_io_stream_get_output_stream (G_IO_STREAM (link->connection));
  g_object_set_data (G_OBJECT (out), "localnet-batch-frames", GSIZE_TO_POINTER (frames));
  /* The stream lives as long as the write is pending, so it keeps the bytes alive even if
   * the link is freed while the write is still in the kernel. */
  g_object_set_data_full (G_OBJECT (out), "localnet-batch", g_bytes_ref (link->in_flight),
                          (GDestroyNotify) g_bytes_unref);
  g_output_stream_write_all_async (out,
                                   g_bytes_get_data (link->in_flight, NULL),
                                   g_bytes_get_size (link->in_flight),
                                   G_PRIORITY_DEFAULT, link->cancellable, write_done, link);
  /* Taking frames off the queue may have made room for a paused reader. */
  link_complete_waiters (link);
}

static Link *
get_link (LocalnetForwarder    *self,
          const NymNodeAddress *next_hop,
          bool                  create)
{
  g_autofree char *name = nym_node_address_to_string (next_hop);
  Link *link = g_hash_table_lookup (self->links, name);

  if (link != NULL || !create)
    return link;
  link = g_new0 (Link, 1);
  link->forwarder = self;
  link->address = *next_hop;
  link->name = g_steal_pointer (&name);
  link->cancellable = g_cancellable_new ();
  link->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&link->frames);
  g_hash_table_insert (self->links, link->name, link);
  return link;
}

bool
localnet_forwarder_send (LocalnetForwarder    *self,
                         const NymNodeAddress *next_hop,
                         NymPacketSize         size,
                         NymPacketType         type,
                         NymKeyRotation        rotation,
                         GBytes               *packet)
{
  NymNodeFrameHeader header = {
    .version = NYM_NODE_FRAME_VERSION_CURRENT,
    .size = size,
    .type = type,
    .rotation = rotation,
  };
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const uint8_t *data;
  Link *link;

  g_return_val_if_fail (LOCALNET_IS_FORWARDER (self), false);
  g_return_val_if_fail (next_hop != NULL && packet != NULL, false);

  link = get_link (self, next_hop, true);
  if (link->frames.length >= 2 * self->queue_limit)
    {
      self->dropped_queue_full++;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED_QUEUE_FULL]);
      return false;
    }
  data = g_bytes_get_data (packet, &len);
  if (!nym_node_frame_encode (&header, data, len, frame, &error))
    {
      /* Callers pass packets they have just unwrapped, so this is a programming error. */
      g_critical ("Cannot frame a packet for %s: %s", link->name, error->message);
      return false;
    }
  g_queue_push_tail (&link->frames, g_byte_array_free_to_bytes (g_steal_pointer (&frame)));
  link_pump (link);
  return link->frames.length < self->queue_limit;
}

bool
localnet_forwarder_is_full (LocalnetForwarder    *self,
                            const NymNodeAddress *next_hop)
{
  Link *link;

  g_return_val_if_fail (LOCALNET_IS_FORWARDER (self), false);

  link = get_link (self, next_hop, false);
  return link != NULL && link->frames.length >= self->queue_limit;
}

void
localnet_forwarder_wait_async (LocalnetForwarder    *self,
                               const NymNodeAddress *next_hop,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Link *link;

  g_return_if_fail (LOCALNET_IS_FORWARDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, localnet_forwarder_wait_async);
  link = get_link (self, next_hop, false);
  if (link == NULL || link->frames.length < self->queue_limit)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_ptr_array_add (link->waiters, g_steal_pointer (&task));
}

bool
localnet_forwarder_wait_finish (LocalnetForwarder  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), false);
  return g_task_propagate_boolean (G_TASK (result), error);
}

guint64
localnet_forwarder_get_sent (LocalnetForwarder *self)
{
  g_return_val_if_fail (LOCALNET_IS_FORWARDER (self), 0);
  return self->sent;
}

void
localnet_forwarder_close (LocalnetForwarder *self)
{
  g_return_if_fail (LOCALNET_IS_FORWARDER (self));
  g_hash_table_remove_all (self->links);
}

static void
localnet_forwarder_dispose (GObject *object)
{
  LocalnetForwarder *self = LOCALNET_FORWARDER (object);

  if (self->links != NULL)
    g_hash_table_remove_all (self->links);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (localnet_forwarder_parent_class)->dispose (object);
}

static void
localnet_forwarder_finalize (GObject *object)
{
  LocalnetForwarder *self = LOCALNET_FORWARDER (object);

  g_clear_pointer (&self->links, g_hash_table_unref);

  G_OBJECT_CLASS (localnet_forwarder_parent_class)->finalize (object);
}

static void
localnet_forwarder_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LocalnetForwarder *self = LOCALNET_FORWARDER (object);

  switch (prop_id)
    {
    case PROP_QUEUE_LIMIT:
      g_value_set_uint (value, self->queue_limit);
      break;
    case PROP_SENT:
      g_value_set_uint64 (value, self->sent);
      break;
    case PROP_DROPPED_QUEUE_FULL:
      g_value_set_uint64 (value, self->dropped_queue_full);
      break;
    case PROP_DROPPED_CONNECT_FAILED:
      g_value_set_uint64 (value, self->dropped_connect_failed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_forwarder_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LocalnetForwarder *self = LOCALNET_FORWARDER (object);

  switch (prop_id)
    {
    case PROP_QUEUE_LIMIT:
      self->queue_limit = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_forwarder_class_init (LocalnetForwarderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = localnet_forwarder_dispose;
  object_class->finalize = localnet_forwarder_finalize;
  object_class->get_property = localnet_forwarder_get_property;
  object_class->set_property = localnet_forwarder_set_property;

  properties[PROP_QUEUE_LIMIT] =
    g_param_spec_uint ("queue-limit", NULL, NULL, 1, G_MAXUINT / 2, 1024,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENT] =
    g_param_spec_uint64 ("sent", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROPPED_QUEUE_FULL] =
    g_param_spec_uint64 ("dropped-queue-full", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROPPED_CONNECT_FAILED] =
    g_param_spec_uint64 ("dropped-connect-failed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
localnet_forwarder_init (LocalnetForwarder *self)
{
  self->links = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) link_free);
  self->client = g_socket_client_new ();
  /* A next hop on 127.0.0.1 that does not answer within this time is down. */
  g_socket_client_set_timeout (self->client, 10);
}

LocalnetForwarder *
localnet_forwarder_new (guint queue_limit)
{
  g_return_val_if_fail (queue_limit > 0, NULL);
  return g_object_new (LOCALNET_TYPE_FORWARDER, "queue-limit", queue_limit, NULL);
}
