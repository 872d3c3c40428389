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
/* How many packets of one connection may be in the unwrap pool before it stops reading. */
#define MAX_UNWRAPS_PER_READER 128

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

/* The node's keys, shared with the unwrap jobs still running on worker threads, so a
 * node can stop (and its object go away) while a worker still reads the secret. */
typedef struct
{
  gatomicrefcount ref;
  LocalnetKeys   *keys;
} SharedKeys;

struct _LocalnetMixnode
{
  GObject             parent_instance;

  /* owned */
  char               *name;
  char               *node_dir;
  SharedKeys         *keys;
  GMainContext       *context;        /* where readers run and unwrap jobs report back */
  GSocketService     *service;
  LocalnetForwarder  *forwarder;
  GHashTable         *readers;        /* Reader* set; a reader frees itself when it ends */
  uint8_t            *replay_filter[3]; /* per NymKeyRotation byte: Bloom filter bits, or NULL */
  GSequence          *delayed;        /* Delayed*, by deadline */
  guint               delay_timer;
  guint64             delay_seq;

  guint               layer;
  guint16             port;
  gboolean            zero_delay;
  gboolean            threaded_unwrap;
  guint64             counters[N_COUNTERS];
};

/* One incoming connection. Its references (main thread only) are held by the open
 * connection itself, a pending read, a pending forwarder wait and each unwrap job. */
struct _Reader
{
  guint              ref;
  LocalnetMixnode   *mixnode;         /* borrowed; NULL once the node stopped */
  GSocketConnection *connection;
  GCancellable      *cancellable;
  GByteArray        *buffer;          /* bytes received and not yet a whole frame */
  uint8_t           *chunk;
  guint              unwrapping;      /* packets of this connection in the unwrap pool */
  bool               reading;         /* a read is pending */
  bool               waiting;         /* paused until a full next-hop queue has room */
  bool               ended;           /* EOF, error, a bad frame or stop: no more reads */
};

/* One packet on its way through a worker thread (§10 unwrap is the CPU-heavy step). */
typedef struct
{
  Reader             *reader;         /* a reference */
  SharedKeys         *keys;           /* a reference */
  GMainContext       *context;        /* a reference */
  NymNodeFrameHeader  header;
  uint8_t            *packet;
  size_t              packet_len;
  uint8_t            *out;
  NymSphinxUnwrapped  result;
  GError             *error;
  bool                ok;
} UnwrapJob;

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
  PROP_THREADED_UNWRAP,
  PROP_COUNTER_FIRST,
  N_PROPS = PROP_COUNTER_FIRST + N_COUNTERS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LocalnetMixnode, localnet_mixnode, G_TYPE_OBJECT)

static void reader_maybe_read (Reader *reader);
static void reader_unref      (Reader *reader);

static SharedKeys *
shared_keys_ref (SharedKeys *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_keys_unref (SharedKeys *shared)
{
  if (g_atomic_ref_count_dec (&shared->ref))
    {
      localnet_keys_free (shared->keys);
      g_free (shared);
    }
}

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

/*
 * The replay filter of one key rotation: a Bloom filter, as real nodes keep, so that memory
 * stays fixed however long a localnet runs (a node's key never rotates here). Replay tags
 * are KDF outputs, so seven of their 32-bit words serve directly as the seven hashes. With
 * 2^24 bits (2 MiB, allocated on first use) a legitimate packet is mistaken for a replay with
 * probability below 10^-9 after 100 000 packets and about 5·10^-4 after a million; a real
 * replay is always caught.
 */
#define REPLAY_FILTER_BITS   ((guint32) 1 << 24)
#define REPLAY_FILTER_HASHES 7

G_STATIC_ASSERT (REPLAY_FILTER_HASHES * 4 <= NYM_SPHINX_REPLAY_TAG_SIZE);

/* Adds the tag; returns true if it was (probably) there already. */
static bool
replay_filter_check_and_add (uint8_t       **bits,
                             const uint8_t   tag[static NYM_SPHINX_REPLAY_TAG_SIZE])
{
  bool seen = true;

  if (*bits == NULL)
    *bits = g_malloc0 (REPLAY_FILTER_BITS / 8);
  for (guint i = 0; i < REPLAY_FILTER_HASHES; i++)
    {
      guint32 word;
      guint32 index;
      uint8_t mask;

      memcpy (&word, tag + 4 * i, sizeof word);
      index = word & (REPLAY_FILTER_BITS - 1);
      mask = (uint8_t) (1u << (index & 7));
      if (((*bits)[index >> 3] & mask) == 0)
        {
          seen = false;
          (*bits)[index >> 3] |= mask;
        }
    }
  return seen;
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

static void
unwrap_job_free (UnwrapJob *job)
{
  reader_unref (job->reader);
  shared_keys_unref (job->keys);
  g_main_context_unref (job->context);
  g_free (job->packet);
  g_free (job->out);
  g_clear_error (&job->error);
  g_free (job);
}

static void
reader_resume (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Reader *reader = user_data;

  reader->waiting = false;
  localnet_forwarder_wait_finish (LOCALNET_FORWARDER (source), result, NULL);
  reader_maybe_read (reader);
  reader_unref (reader);
}

/* The second half of §10 at a mix node, on the main thread: replay check, then delay or
 * forward. Counters and tables are only ever touched here. */
static void
handle_unwrapped (LocalnetMixnode *self,
                  Reader          *reader,
                  UnwrapJob       *job)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) forward = NULL;
  NymKeyRotation rotation = job->header.rotation;
  NymNodeAddress next_hop;
  size_t consumed = 0;
  guint64 delay_ns;

  if (!job->ok)
    {
      g_debug ("%s: dropping a packet that does not unwrap: %s", self->name, job->error->message);
      count (self, COUNTER_DROPPED_UNWRAP);
      return;
    }

  /* A frame without a rotation byte (version 7) uses the current rotation's key, which is
   * the only key a localnet node has. */
  if (rotation == NYM_KEY_ROTATION_UNKNOWN)
    rotation = nym_key_rotation_from_id (LOCALNET_KEY_ROTATION_ID);
  if (replay_filter_check_and_add (&self->replay_filter[rotation], job->result.replay_tag))
    {
      count (self, COUNTER_DROPPED_REPLAY);
      return;
    }

  if (job->result.kind != NYM_SPHINX_HOP_FORWARD)
    {
      /* Mix nodes are never a route's last hop; that is always a gateway. */
      count (self, COUNTER_DROPPED_FINAL_HOP);
      return;
    }
  if (!nym_node_address_decode (job->result.next_hop_address, sizeof job->result.next_hop_address,
                                &next_hop, &consumed, &error))
    {
      g_debug ("%s: dropping a packet with a bad next hop: %s", self->name, error->message);
      count (self, COUNTER_DROPPED_UNWRAP);
      return;
    }

  forward = g_bytes_new_take (g_steal_pointer (&job->out), job->packet_len);
  delay_ns = MIN (job->result.delay_ns, LOCALNET_MIXNODE_MAX_DELAY_NS);
  if (self->zero_delay || delay_ns == 0)
    forward_now (self, &next_hop, job->header.size, job->header.rotation, forward);
  else
    hold_packet (self, &next_hop, job->header.size, job->header.rotation, forward, delay_ns);

  if (!reader->ended && !reader->waiting && localnet_forwarder_is_full (self->forwarder, &next_hop))
    {
      /* Back-pressure: the next hop is slow, so the source that feeds it waits for it. */
      reader->waiting = true;
      count (self, COUNTER_READER_PAUSES);
      reader->ref++;
      localnet_forwarder_wait_async (self->forwarder, &next_hop, reader->cancellable, reader_resume, reader);
    }
}

static gboolean
unwrap_job_done (gpointer user_data)
{
  UnwrapJob *job = user_data;
  Reader *reader = job->reader;

  reader->unwrapping--;
  if (reader->mixnode != NULL)
    handle_unwrapped (reader->mixnode, reader, job);
  reader_maybe_read (reader);
  unwrap_job_free (job);
  return G_SOURCE_REMOVE;
}

/* Runs on a worker thread: it touches nothing but the job. */
static void
unwrap_job_run (gpointer data,
                gpointer user_data)
{
  UnwrapJob *job = data;
  GSource *source;

  job->out = g_malloc (job->packet_len);
  job->ok = nym_sphinx_packet_unwrap (job->keys->keys->sphinx_secret, job->packet, job->packet_len,
                                      job->out, &job->result, &job->error);

  /* Always through a source attached to the node's context. g_main_context_invoke() would run
   * unwrap_job_done() right here on the worker whenever the loop's thread does not hold the
   * context at that moment (the worker's thread-default context is the same global default),
   * and the node's sockets and counters belong to the loop's thread only. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, unwrap_job_done, job, NULL);
  g_source_set_static_name (source, "[localnet] unwrap done");
  g_source_attach (source, job->context);
  g_source_unref (source);
}

/* One pool for every node of the process, as wide as the machine: unwrapping is almost all
 * of a mix node's work (bench/localnet.c), and the loop only does I/O. */
static GThreadPool *
unwrap_pool (void)
{
  static gsize pool = 0;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *created = g_thread_pool_new (unwrap_job_run, NULL, (gint) MAX (1, g_get_num_processors ()),
                                                FALSE, NULL);
      g_once_init_leave (&pool, (gsize) created);
    }
  return (GThreadPool *) pool;
}

/* Handles one decoded frame: counts it and sends a sphinx packet to the unwrap pool. */
static void
process_packet (LocalnetMixnode          *self,
                Reader                   *reader,
                const NymNodeFrameHeader *header,
                const uint8_t            *packet,
                size_t                    packet_len)
{
  UnwrapJob *job;

  count (self, COUNTER_RECEIVED);
  if (header->type != NYM_PACKET_TYPE_MIX || !nym_packet_size_is_sphinx (header->size))
    {
      /* Outfox packets are framed like sphinx ones, but no 2026 client sends them. */
      count (self, COUNTER_DROPPED_UNSUPPORTED);
      return;
    }

  job = g_new0 (UnwrapJob, 1);
  reader->ref++;
  job->reader = reader;
  job->keys = shared_keys_ref (self->keys);
  job->context = g_main_context_ref (self->context);
  job->header = *header;
  job->packet = g_memdup2 (packet, packet_len);
  job->packet_len = packet_len;
  reader->unwrapping++;
  if (self->threaded_unwrap)
    {
      g_thread_pool_push (unwrap_pool (), job, NULL);
      return;
    }
  /* On the loop itself: the same steps without the hand-over (see bench/localnet.c). */
  job->out = g_malloc (job->packet_len);
  job->ok = nym_sphinx_packet_unwrap (job->keys->keys->sphinx_secret, job->packet, job->packet_len,
                                      job->out, &job->result, &job->error);
  unwrap_job_done (job);
}

/* --- connections --------------------------------------------------------------------- */

static void
reader_unref (Reader *reader)
{
  g_assert (reader->ref > 0);
  if (--reader->ref > 0)
    return;
  g_clear_object (&reader->connection);
  g_clear_object (&reader->cancellable);
  g_byte_array_unref (reader->buffer);
  g_free (reader->chunk);
  g_free (reader);
}

/* No more reading: closes the connection and drops the connection's own reference. */
static void
reader_end (Reader *reader)
{
  if (reader->ended)
    return;
  reader->ended = true;
  if (reader->mixnode != NULL)
    g_hash_table_remove (reader->mixnode->readers, reader);
  g_cancellable_cancel (reader->cancellable);
  if (reader->connection != NULL)
    g_io_stream_close (G_IO_STREAM (reader->connection), NULL, NULL);
  reader_unref (reader);
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
      process_packet (self, reader, &header, packet, packet_len);
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

  reader->reading = false;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n <= 0 || reader->mixnode == NULL)
    {
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("A mix connection ended: %s", error->message);
      reader_end (reader);
    }
  else
    {
      g_byte_array_append (reader->buffer, reader->chunk, (guint) n);
      if (!reader_drain (reader))
        reader_end (reader);
      reader_maybe_read (reader);
    }
  reader_unref (reader);
}

/* Reads more unless something says to wait: a full next hop, or too many of this
 * connection's packets still being unwrapped. Whatever cleared the reason calls this again. */
static void
reader_maybe_read (Reader *reader)
{
  if (reader->ended || reader->reading || reader->waiting || reader->mixnode == NULL
      || reader->unwrapping >= MAX_UNWRAPS_PER_READER)
    return;
  reader->reading = true;
  reader->ref++;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (reader->connection)),
                             reader->chunk, READ_CHUNK, G_PRIORITY_DEFAULT,
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

  reader->ref = 1;
  reader->mixnode = self;
  reader->connection = g_object_ref (connection);
  reader->cancellable = g_cancellable_new ();
  reader->buffer = g_byte_array_new ();
  reader->chunk = g_malloc (READ_CHUNK);
  g_hash_table_add (self->readers, reader);
  reader_maybe_read (reader);
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
      LocalnetKeys *keys = localnet_keys_load_or_create (self->node_dir, error);

      if (keys == NULL)
        return false;
      self->keys = g_new0 (SharedKeys, 1);
      g_atomic_ref_count_init (&self->keys->ref);
      self->keys->keys = keys;
    }
  g_clear_pointer (&self->context, g_main_context_unref);
  self->context = g_main_context_ref_thread_default ();

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
  /* A reader may outlive the node while a read or an unwrap is pending; detached, it only
   * waits for those to finish and then goes away. */
  g_hash_table_iter_init (&iter, self->readers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &reader, NULL))
    {
      reader->mixnode = NULL;
      g_hash_table_iter_steal (&iter);
      reader_end (reader);
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
  memcpy (info->identity, self->keys->keys->identity_public, 32);
  memcpy (info->sphinx_key, self->keys->keys->sphinx_public, 32);
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
  g_clear_pointer (&self->keys, shared_keys_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->readers, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->replay_filter); i++)
    g_free (self->replay_filter[i]);
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
    case PROP_THREADED_UNWRAP:
      g_value_set_boolean (value, self->threaded_unwrap);
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
    case PROP_THREADED_UNWRAP:
      self->threaded_unwrap = g_value_get_boolean (value);
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
  properties[PROP_THREADED_UNWRAP] =
    g_param_spec_boolean ("threaded-unwrap", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
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
  self->delayed = g_sequence_new ((GDestroyNotify) delayed_free);
  self->forwarder = localnet_forwarder_new (FORWARD_QUEUE_LIMIT);
}
