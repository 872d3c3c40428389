/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetMixnode: framed packet reader, sphinx unwrap, replay filter, delay queue and forwarding. */
#include "localnet-mixnode.h"

#include <string.h>

#include "localnet-forwarder.h"
#include "localnet-keys.h"
#include "packet/nym-node-address.h"
#include "packet/nym-node-frame.h"
#include "packet/nym-packet-size.h"
#include "sphinx/nym-sphinx-packet.h"

/* How many packets may wait for one next hop before readers that feed it pause. */
#define FORWARD_QUEUE_LIMIT 512
#define READ_CHUNK          (64 * 1024)

typedef enum
{
  COUNTER_RECEIVED,
  COUNTER_FORWARDED,
  COUNTER_DROPPED_MALFORMED,
  COUNTER_DROPPED_UNSUPPORTED,
  COUNTER_DROPPED_UNWRAP,
  COUNTER_DROPPED_REPLAY,
  COUNTER_DROPPED_FINAL_HOP,
  COUNTER_DROPPED_QUEUE_FULL,
  COUNTER_READER_PAUSES,
  N_COUNTERS
} Counter;

static const char *const counter_names[N_COUNTERS] = {
  "received",
  "forwarded",
  "dropped-malformed",
  "dropped-unsupported",
  "dropped-unwrap",
  "dropped-replay",
  "dropped-final-hop",
  "dropped-queue-full",
  "reader-pauses",
};

typedef struct _Reader Reader;

struct _LocalnetMixnode
{
  GObject             parent_instance;

  /* owned */
  char               *name;
  char               *node_dir;
  LocalnetKeys       *keys;
  GSocketService     *service;
  LocalnetForwarder  *forwarder;
  GHashTable         *readers;        /* Reader* set; a reader frees itself when it ends */
  GHashTable         *replay_tags[3]; /* per NymKeyRotation byte: 32-byte tag → itself */
  GSequence          *delayed;        /* Delayed*, by deadline */
  guint               delay_timer;
  guint64             delay_seq;

  guint               layer;
  guint16             port;
  gboolean            zero_delay;
  guint64             counters[N_COUNTERS];
};

struct _Reader
{
  LocalnetMixnode   *mixnode;         /* borrowed; NULL once the node stopped */
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GByteArray        *buffer;          /* bytes received and not yet a whole frame */
  uint8_t           *chunk;
  NymNodeAddress     full_hop;        /* the hop whose full queue paused this reader */
  bool               paused;
};

typedef struct
{
  gint64         deadline_us;
  guint64        seq;
  NymNodeAddress next_hop;
  NymPacketSize  size;
  NymKeyRotation rotation;
  GBytes        *packet;
} Delayed;

enum
{
  PROP_0,
  PROP_NAME,
  PROP_NODE_DIR,
  PROP_LAYER,
  PROP_ZERO_DELAY,
  PROP_PORT,
  PROP_DELAYED,
  PROP_COUNTER_FIRST,
  N_PROPS = PROP_COUNTER_FIRST + N_COUNTERS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LocalnetMixnode, localnet_mixnode, G_TYPE_OBJECT)

static void reader_read (Reader *reader);

static void
count (LocalnetMixnode *self,
       Counter          counter)
{
  self->counters[counter]++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTER_FIRST + counter]);
}

static void
delayed_free (Delayed *delayed)
{
  g_bytes_unref (delayed->packet);
  g_free (delayed);
}

static gint
compare_delayed (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const Delayed *x = a, *y = b;

  if (x->deadline_us != y->deadline_us)
    return x->deadline_us < y->deadline_us ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static guint
tag_hash (gconstpointer key)
{
  /* Replay tags are outputs of a KDF, so any four of their bytes are a good hash. */
  guint hash;
  memcpy (&hash, key, sizeof hash);
  return hash;
}

static gboolean
tag_equal (gconstpointer a,
           gconstpointer b)
{
  return memcmp (a, b, NYM_SPHINX_REPLAY_TAG_SIZE) == 0;
}

/* --- forwarding ---------------------------------------------------------------------- */

static void
forward_now (LocalnetMixnode      *self,
             const NymNodeAddress *next_hop,
             NymPacketSize         size,
             NymKeyRotation        rotation,
             GBytes               *packet)
{
  guint64 dropped_before;

  g_object_get (self->forwarder, "dropped-queue-full", &dropped_before, NULL);
  localnet_forwarder_send (self->forwarder, next_hop, size, NYM_PACKET_TYPE_MIX, rotation, packet);
  {
    guint64 dropped_after;
    g_object_get (self->forwarder, "dropped-queue-full", &dropped_after, NULL);
    count (self, dropped_after > dropped_before ? COUNTER_DROPPED_QUEUE_FULL : COUNTER_FORWARDED);
  }
}

static gboolean delay_timer_fired (gpointer user_data);

static void
schedule_delay_timer (LocalnetMixnode *self)
{
  GSequenceIter *first;
  const Delayed *head;
  gint64 wait_us;

  g_clear_handle_id (&self->delay_timer, g_source_remove);
  first = g_sequence_get_begin_iter (self->delayed);
  if (g_sequence_iter_is_end (first))
    return;
  head = g_sequence_get (first);
  wait_us = head->deadline_us - g_get_monotonic_time ();
  /* Round up so the timer never fires before the first deadline. */
  self->delay_timer = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                          wait_us > 0 ? (guint) ((wait_us + 999) / 1000) : 0,
                                          delay_timer_fired, self, NULL);
}

static gboolean
delay_timer_fired (gpointer user_data)
{
  LocalnetMixnode *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GSequenceIter *iter;

  self->delay_timer = 0;
  while (!g_sequence_iter_is_end (iter = g_sequence_get_begin_iter (self->delayed)))
    {
      Delayed *delayed = g_sequence_get (iter);

      if (delayed->deadline_us > now)
        break;
      forward_now (self, &delayed->next_hop, delayed->size, delayed->rotation, delayed->packet);
      g_sequence_remove (iter);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAYED]);
  schedule_delay_timer (self);
  return G_SOURCE_REMOVE;
}

static void
hold_packet (LocalnetMixnode      *self,
             const NymNodeAddress *next_hop,
             NymPacketSize         size,
             NymKeyRotation        rotation,
             GBytes               *packet,
             guint64               delay_ns)
{
  Delayed *delayed = g_new0 (Delayed, 1);
  GSequenceIter *iter;

  delayed->deadline_us = g_get_monotonic_time () + (gint64) (delay_ns / 1000);
  delayed->seq = self->delay_seq++;
  delayed->next_hop = *next_hop;
  delayed->size = size;
  delayed->rotation = rotation;
  delayed->packet = g_bytes_ref (packet);
  iter = g_sequence_insert_sorted (self->delayed, delayed, compare_delayed, NULL);
  if (g_sequence_iter_is_begin (iter))
    schedule_delay_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAYED]);
}

/* --- one packet ---------------------------------------------------------------------- */

/* Handles one decoded frame. Returns the next hop it was queued for (so the reader can
 * pause if that queue is full), or false if the packet went nowhere. */
static bool
process_packet (LocalnetMixnode          *self,
                const NymNodeFrameHeader *header,
                const uint8_t            *packet,
                size_t                    packet_len,
                NymNodeAddress           *next_hop_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) forward = NULL;
  NymSphinxUnwrapped result;
  NymNodeAddress next_hop;
  NymKeyRotation rotation = header->rotation;
  size_t consumed = 0;
  uint8_t *out;
  guint64 delay_ns;

  count (self, COUNTER_RECEIVED);
  if (header->type != NYM_PACKET_TYPE_MIX || !nym_packet_size_is_sphinx (header->size))
    {
      /* Outfox packets are framed like sphinx ones, but no 2026 client sends them. */
      count (self, COUNTER_DROPPED_UNSUPPORTED);
      return false;
    }

  out = g_malloc (packet_len);
  if (!nym_sphinx_packet_unwrap (self->keys->sphinx_secret, packet, packet_len, out, &result, &error))
    {
      g_debug ("%s: dropping a packet that does not unwrap: %s", self->name, error->message);
      g_free (out);
      count (self, COUNTER_DROPPED_UNWRAP);
      return false;
    }
  forward = g_bytes_new_take (out, packet_len);

  /* A frame without a rotation byte (version 7) uses the current rotation's key, which is
   * the only key a localnet node has. */
  if (rotation == NYM_KEY_ROTATION_UNKNOWN)
    rotation = nym_key_rotation_from_id (LOCALNET_KEY_ROTATION_ID);
  if (g_hash_table_contains (self->replay_tags[rotation], result.replay_tag))
    {
      count (self, COUNTER_DROPPED_REPLAY);
      return false;
    }
  g_hash_table_add (self->replay_tags[rotation], g_memdup2 (result.replay_tag, NYM_SPHINX_REPLAY_TAG_SIZE));

  if (result.kind != NYM_SPHINX_HOP_FORWARD)
    {
      /* Mix nodes are never a route's last hop; that is always a gateway. */
      count (self, COUNTER_DROPPED_FINAL_HOP);
      return false;
    }
  if (!nym_node_address_decode (result.next_hop_address, sizeof result.next_hop_address,
                                &next_hop, &consumed, &error))
    {
      g_debug ("%s: dropping a packet with a bad next hop: %s", self->name, error->message);
      count (self, COUNTER_DROPPED_UNWRAP);
      return false;
    }

  delay_ns = MIN (result.delay_ns, LOCALNET_MIXNODE_MAX_DELAY_NS);
  if (self->zero_delay || delay_ns == 0)
    forward_now (self, &next_hop, header->size, header->rotation, forward);
  else
    hold_packet (self, &next_hop, header->size, header->rotation, forward, delay_ns);
  *next_hop_out = next_hop;
  return true;
}

/* --- connections --------------------------------------------------------------------- */

static void
reader_free (Reader *reader)
{
  if (reader->mixnode != NULL)
    g_hash_table_remove (reader->mixnode->readers, reader);
  if (reader->connection != NULL)
    g_io_stream_close (G_IO_STREAM (reader->connection), NULL, NULL);
  g_clear_object (&reader->connection);
  g_clear_object (&reader->cancellable);
  g_byte_array_unref (reader->buffer);
  g_free (reader->chunk);
  g_free (reader);
}

static void
reader_resume (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GError) error = NULL;

  if (!localnet_forwarder_wait_finish (LOCALNET_FORWARDER (source), result, &error)
      || reader->mixnode == NULL || g_cancellable_is_cancelled (reader->cancellable))
    {
      reader_free (reader);
      return;
    }
  reader->paused = false;
  reader_read (reader);
}

/* Decodes every whole frame in the buffer. Returns false if the stream is broken. */
static bool
reader_drain (Reader *reader)
{
  LocalnetMixnode *self = reader->mixnode;
  size_t offset = 0;
  bool ok = true;

  while (offset < reader->buffer->len)
    {
      g_autoptr(GError) error = NULL;
      NymNodeFrameHeader header;
      const uint8_t *packet = NULL;
      size_t packet_len = 0, consumed = 0;
      NymNodeFrameStatus status;
      NymNodeAddress next_hop;

      status = nym_node_frame_decode (reader->buffer->data + offset, reader->buffer->len - offset,
                                      &header, &packet, &packet_len, &consumed, &error);
      if (status == NYM_NODE_FRAME_INCOMPLETE)
        break;
      if (status == NYM_NODE_FRAME_INVALID)
        {
          /* A stream of frames cannot be resynchronised after garbage: the sender is
           * broken or hostile, so the connection ends (as a real node's codec does). */
          g_debug ("%s: closing a connection after a bad frame: %s", self->name, error->message);
          count (self, COUNTER_DROPPED_MALFORMED);
          ok = false;
          break;
        }
      offset += consumed;
      if (process_packet (self, &header, packet, packet_len, &next_hop)
          && localnet_forwarder_is_full (self->forwarder, &next_hop))
        {
          reader->full_hop = next_hop;
          reader->paused = true;
        }
    }
  g_byte_array_remove_range (reader->buffer, 0, (guint) offset);
  return ok;
}

static void
reader_read_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Reader *reader = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n <= 0 || reader->mixnode == NULL)
    {
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("A mix connection ended: %s", error->message);
      reader_free (reader);
      return;
    }
  g_byte_array_append (reader->buffer, reader->chunk, (guint) n);
  if (!reader_drain (reader))
    {
      reader_free (reader);
      return;
    }
  if (reader->paused)
    {
      /* Back-pressure: the next hop is slow, so this source waits for it. */
      count (reader->mixnode, COUNTER_READER_PAUSES);
      localnet_forwarder_wait_async (reader->mixnode->forwarder, &reader->full_hop,
                                     reader->cancellable, reader_resume, reader);
      return;
    }
  reader_read (reader);
}

static void
reader_read (Reader *reader)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (reader->connection));

  g_input_stream_read_async (in, reader->chunk, READ_CHUNK, G_PRIORITY_DEFAULT,
                             reader->cancellable, reader_read_done, reader);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  LocalnetMixnode *self = user_data;
  Reader *reader = g_new0 (Reader, 1);

  reader->mixnode = self;
  reader->connection = g_object_ref (connection);
  reader->cancellable = g_cancellable_new ();
  reader->buffer = g_byte_array_new ();
  reader->chunk = g_malloc (READ_CHUNK);
  g_hash_table_add (self->readers, reader);
  reader_read (reader);
  return TRUE;
}

/* --- public API ---------------------------------------------------------------------- */

LocalnetMixnode *
localnet_mixnode_new (const char *name,
                      const char *node_dir,
                      guint       layer)
{
  g_return_val_if_fail (name != NULL && node_dir != NULL, NULL);
  g_return_val_if_fail (layer >= 1 && layer <= 3, NULL);

  return g_object_new (LOCALNET_TYPE_MIXNODE,
                       "name", name,
                       "node-dir", node_dir,
                       "layer", layer,
                       NULL);
}

bool
localnet_mixnode_start (LocalnetMixnode  *self,
                        guint16           port,
                        GError          **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketService) service = NULL;

  g_return_val_if_fail (LOCALNET_IS_MIXNODE (self), false);
  g_return_val_if_fail (self->service == NULL, false);

  if (self->keys == NULL)
    {
      self->keys = localnet_keys_load_or_create (self->node_dir, error);
      if (self->keys == NULL)
        return false;
    }

  service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, error))
    return false;
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (service);
  self->service = g_steal_pointer (&service);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  return true;
}

void
localnet_mixnode_stop (LocalnetMixnode *self)
{
  GHashTableIter iter;
  Reader *reader;

  g_return_if_fail (LOCALNET_IS_MIXNODE (self));

  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  /* Each reader still has an operation pending; it frees itself when that operation
   * reports the cancellation, so here it is only detached. */
  g_hash_table_iter_init (&iter, self->readers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &reader, NULL))
    {
      reader->mixnode = NULL;
      g_cancellable_cancel (reader->cancellable);
      g_hash_table_iter_remove (&iter);
    }
  g_clear_handle_id (&self->delay_timer, g_source_remove);
  if (g_sequence_get_length (self->delayed) > 0)
    {
      g_sequence_remove_range (g_sequence_get_begin_iter (self->delayed),
                               g_sequence_get_end_iter (self->delayed));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAYED]);
    }
  localnet_forwarder_close (self->forwarder);
}

guint16
localnet_mixnode_get_port (LocalnetMixnode *self)
{
  g_return_val_if_fail (LOCALNET_IS_MIXNODE (self), 0);
  return self->port;
}

LocalnetNodeInfo *
localnet_mixnode_dup_info (LocalnetMixnode *self)
{
  LocalnetNodeInfo *info;

  g_return_val_if_fail (LOCALNET_IS_MIXNODE (self), NULL);
  g_return_val_if_fail (self->keys != NULL && self->port != 0, NULL);

  info = g_new0 (LocalnetNodeInfo, 1);
  info->name = g_strdup (self->name);
  info->kind = LOCALNET_NODE_MIXNODE;
  info->layer = self->layer;
  memcpy (info->identity, self->keys->identity_public, 32);
  memcpy (info->sphinx_key, self->keys->sphinx_public, 32);
  info->mix_port = self->port;
  return info;
}

void
localnet_mixnode_set_zero_delay (LocalnetMixnode *self,
                                 gboolean         zero_delay)
{
  g_return_if_fail (LOCALNET_IS_MIXNODE (self));

  zero_delay = !!zero_delay;
  if (self->zero_delay == zero_delay)
    return;
  self->zero_delay = zero_delay;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZERO_DELAY]);
}

char *
localnet_mixnode_dup_summary (LocalnetMixnode *self)
{
  GString *line;

  g_return_val_if_fail (LOCALNET_IS_MIXNODE (self), NULL);

  line = g_string_new (self->name);
  for (guint i = 0; i < N_COUNTERS; i++)
    g_string_append_printf (line, " %s=%" G_GUINT64_FORMAT, counter_names[i], self->counters[i]);
  return g_string_free (line, FALSE);
}

/* --- GObject ------------------------------------------------------------------------- */

static void
localnet_mixnode_dispose (GObject *object)
{
  LocalnetMixnode *self = LOCALNET_MIXNODE (object);

  if (self->readers != NULL)
    localnet_mixnode_stop (self);
  g_clear_object (&self->forwarder);

  G_OBJECT_CLASS (localnet_mixnode_parent_class)->dispose (object);
}

static void
localnet_mixnode_finalize (GObject *object)
{
  LocalnetMixnode *self = LOCALNET_MIXNODE (object);

  g_free (self->name);
  g_free (self->node_dir);
  g_clear_pointer (&self->keys, localnet_keys_free);
  g_clear_pointer (&self->readers, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->replay_tags); i++)
    g_hash_table_unref (self->replay_tags[i]);
  g_sequence_free (self->delayed);

  G_OBJECT_CLASS (localnet_mixnode_parent_class)->finalize (object);
}

static void
localnet_mixnode_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LocalnetMixnode *self = LOCALNET_MIXNODE (object);

  if (prop_id >= PROP_COUNTER_FIRST && prop_id < N_PROPS)
    {
      g_value_set_uint64 (value, self->counters[prop_id - PROP_COUNTER_FIRST]);
      return;
    }
  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_NODE_DIR:
      g_value_set_string (value, self->node_dir);
      break;
    case PROP_LAYER:
      g_value_set_uint (value, self->layer);
      break;
    case PROP_ZERO_DELAY:
      g_value_set_boolean (value, self->zero_delay);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_DELAYED:
      g_value_set_uint (value, (guint) g_sequence_get_length (self->delayed));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_mixnode_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LocalnetMixnode *self = LOCALNET_MIXNODE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_NODE_DIR:
      self->node_dir = g_value_dup_string (value);
      break;
    case PROP_LAYER:
      self->layer = g_value_get_uint (value);
      break;
    case PROP_ZERO_DELAY:
      localnet_mixnode_set_zero_delay (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_mixnode_class_init (LocalnetMixnodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = localnet_mixnode_dispose;
  object_class->finalize = localnet_mixnode_finalize;
  object_class->get_property = localnet_mixnode_get_property;
  object_class->set_property = localnet_mixnode_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NODE_DIR] =
    g_param_spec_string ("node-dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER] =
    g_param_spec_uint ("layer", NULL, NULL, 1, 3, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZERO_DELAY] =
    g_param_spec_boolean ("zero-delay", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELAYED] =
    g_param_spec_uint ("delayed", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  for (guint i = 0; i < N_COUNTERS; i++)
    properties[PROP_COUNTER_FIRST + i] =
      g_param_spec_uint64 (counter_names[i], NULL, NULL, 0, G_MAXUINT64, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
localnet_mixnode_init (LocalnetMixnode *self)
{
  self->readers = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (self->replay_tags); i++)
    self->replay_tags[i] = g_hash_table_new_full (tag_hash, tag_equal, g_free, NULL);
  self->delayed = g_sequence_new ((GDestroyNotify) delayed_free);
  self->forwarder = localnet_forwarder_new (FORWARD_QUEUE_LIMIT);
}
