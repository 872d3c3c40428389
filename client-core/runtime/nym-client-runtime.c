/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mixnet client thread: start-up, the main Poisson stream, retransmission on late acks, reassembly and reconnection (spec nym-gateway.md §4, nym-packet.md §17–§21). */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "runtime/nym-client-runtime.h"
#include "runtime/nym-client-runtime-private.h"
#include "runtime/nym-client-runtime-socks5.h"

#include "crypto/nym-base58.h"
#include "gateway/nym-client-store.h"
#include "gateway/nym-gateway-session.h"
#include "packet/nym-ack.h"
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-poisson.h"
#include "packet/nym-reassembler.h"
#include "packet/nym-receiver.h"
#include "packet/nym-reply-surb.h"
#include "topology/nym-api-client.h"
#include "topology/nym-topology-refresher.h"

G_DEFINE_ENUM_TYPE (NymClientState, nym_client_state,
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_OFF, "off"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_FETCHING_TOPOLOGY, "fetching-topology"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_REGISTERING, "registering"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_CLAIMING_BANDWIDTH, "claiming-bandwidth"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_RECONNECTING, "reconnecting"),
  G_DEFINE_ENUM_VALUE (NYM_CLIENT_STATE_ERROR, "error"))

/* How long stop waits for the gateway to acknowledge the close before giving up on it. */
#define STOP_GRACE_MS 3000
/* Counters are reported at most this often, so a busy stream does not flood the caller. */
#define STATS_INTERVAL_MS 100
/* Incomplete messages are looked at this often and dropped after the §17 timeout. */
#define REASSEMBLY_SWEEP_S 60

/* Reply SURB management, nym-gateway.md §4.1 (the real client's config-types defaults and
 * reply_controller): replies only use the SURBs above the minimum, which stay back for
 * SurbRequests; more are asked for when the held and expected ones cannot carry what waits
 * plus that minimum, up to the maximum storage. */
#define REPLY_SURB_MIN_STORAGE          10
#define REPLY_SURB_MAX_STORAGE          200
#define REPLY_SURB_THRESHOLD_BUFFER     0
#define REPLY_SURB_MIN_REQUEST          10
#define REPLY_SURB_MAX_REQUEST          50
#define REPLY_SURB_MAX_ALLOWED_REQUEST  500
/* A SurbRequest is answered in AdditionalSurbs messages of at most this many SURBs. */
#define REPLY_SURB_ANSWER_BATCH         100
#define REPLY_SURB_REREQUEST_US         (10 * G_USEC_PER_SEC)
#define REPLY_SURB_DROP_US              (5 * 60 * G_USEC_PER_SEC)
#define REPLY_SURB_MAX_REREQUESTS       5
#define REPLY_KEY_MAX_AGE_US            (24 * G_TIME_SPAN_HOUR)
/* The real client looks at waiting replies and stale keys every 5 s. */
#define REPLY_SWEEP_MS                  5000
/* Bounds of our own (the real client keeps what it gets until it expires): the reply keys we
 * remember, the anonymous senders we hold SURBs for, the SURBs per sender and in all (about
 * 1.4 KB each), and their age. A key rotation makes SURBs useless after at most a day. */
#define REPLY_KEYS_MAX                  16384
#define SURB_SENDERS_MAX                256
#define SURBS_PER_SENDER_MAX            REPLY_SURB_MAX_ALLOWED_REQUEST
#define SURBS_TOTAL_MAX                 20000
#define RECEIVED_SURB_MAX_AGE_US        (24 * G_TIME_SPAN_HOUR)
#define SENDER_TAGS_MAX                 4096

/* The caller's side of the event channel. It outlives the runtime while events are still
 * queued on the caller's context; "alive" is cleared when the runtime is freed, so that an
 * event delivered later is dropped instead of reaching a caller that has gone. */
typedef struct
{
  gatomicrefcount    ref;
  gint               alive;
  NymClientEventFunc func;
  gpointer           user_data;
} Reporter;

typedef enum
{
  COMMAND_SEND,
  COMMAND_REPLY,
  COMMAND_SET_COVER,
  COMMAND_STOP,
} CommandKind;

typedef struct
{
  CommandKind  kind;
  NymRecipient recipient;
  GBytes      *data;
  guint        reply_surbs;
  bool         anonymous;      /* Repliable under our sender tag, also with 0 SURBs */
  uint8_t      sender_tag[NYM_SENDER_TAG_LEN];
  bool         cover_traffic;
  bool         counted;        /* posted by send(): counted in sends_posted */
} Command;

/* One fragment on its way: in the send queue, waiting for its ack, or both (a late ack can
 * still arrive for a fragment queued again). Freed when it is in neither place. */
typedef struct _NymClientRuntime NymClientRuntime;

typedef struct
{
  NymClientRuntime *runtime;
  NymRecipient recipient;
  NymFragment *fragment;
  guint64      id;             /* the 5-byte fragment id as a number, the table key */
  guint        ack_timer;
  bool         in_queue;
  bool         in_table;
  /* Replies (§20) go through a SURB of the anonymous sender with sender_tag, bound while the
   * fragment is in the send queue; without one it waits in that sender's pending queue. */
  bool          reply;
  bool          surb_request;  /* may use the SURBs kept back for requests */
  bool          in_pending;
  uint8_t       sender_tag[NYM_SENDER_TAG_LEN];
  NymReplySurb *surb;
} OutFragment;

/* A key of a SURB we handed out (§20): its digest finds it when the reply arrives. */
typedef struct
{
  uint8_t digest[32];
  guint   slot;        /* in reply_key_slab */
  gint64  created_us;
  GList  *link;        /* in reply_key_order */
} ReplyKey;

typedef struct
{
  NymReplySurb surb;
  gint64       received_us;
} StoredSurb;

/* An anonymous sender we can answer: its SURBs and the reply fragments waiting for one. */
typedef struct
{
  NymClientRuntime *runtime;
  uint8_t tag[NYM_SENDER_TAG_LEN];
  GQueue  surbs;              /* StoredSurb *, oldest first */
  GQueue  pending;            /* OutFragment *, retransmissions first */
  gint64  last_received_us;
  guint   pending_reception;  /* SURBs asked for and not yet received */
  guint   rerequests;
} SurbSender;

struct _NymClientRuntime
{
  /* Fixed at creation. */
  NymClientRuntimeConfig config;
  GMainContext          *report_context;
  Reporter              *reporter;
  GMainContext          *context;
  GMainLoop             *loop;
  GAsyncQueue           *commands;   /* Command *, posted from any thread */
  GThread               *thread;
  gint                   started;
  gint                   retransmissions;
  gint                   unacked;
  gint                   sends_posted;     /* send() calls, counted by the caller */
  gint                   sends_processed;  /* of those, fragmented on the thread */
  gint                   fragments_alive;  /* OutFragments not yet acknowledged or dropped */
  gint                   queued;           /* fragments not yet handed to the gateway */
  /* Reply fragments waiting for SURBs, per sender tag (GBytes → GUINT_TO_POINTER (count));
   * written on the runtime thread, read from any thread under backlog_lock. */
  GMutex                 backlog_lock;
  GHashTable            *backlog;

  /* Owned by the runtime thread; touched only on context. */
  NymClientState         state;
  char                  *error_message;
  char                  *gateway_text;
  char                  *address;
  bool                   cover_traffic;
  bool                   above_high_water;
  NymClientRuntimeHooks  hooks;
  gpointer               hooks_data;
  bool                   stopping;
  bool                   ever_ready;
  GCancellable          *cancellable;
  NymClientStore        *store;
  NymClientKeys         *keys;
  NymApiClient          *api;
  NymTopologyRefresher  *refresher;
  NymTopologySnapshot   *snapshot;
  NymTopologyNodeInfo   *gateway;
  NymRecipient           self_address;
  NymGatewaySession     *session;
  NymSocks5Proxy        *proxy;      /* the SOCKS5 proxy, or NULL */
  GQueue                 queue;      /* OutFragment *, head is sent next */
  GHashTable            *unacked_table; /* &OutFragment.id → OutFragment * */
  NymReassembler        *reassembler;
  GQueue                 deferred;   /* Command *: anonymous sends waiting for the topology */
  GHashTable            *reply_keys;      /* ReplyKey.digest → ReplyKey * */
  GQueue                 reply_key_order; /* ReplyKey *, oldest first */
  uint8_t               *reply_key_slab;  /* sodium_malloc'd (REPLY_KEYS_MAX + 1) × 16 bytes */
  uint8_t               *packet_scratch;  /* NymPacketPreparer.scratch, secure memory */
  guint                 *free_slots;
  guint                  n_free_slots;
  GHashTable            *surb_senders;    /* GBytes tag → SurbSender * */
  GHashTable            *sender_tags;     /* GBytes NymRecipient → our 16-byte tag for it */
  guint                  pending_replies; /* OutFragments in all SurbSender pending queues */
  guint                  reply_sweep_timer;
  guint                  cover_timer;
  gint                   loop_cover_packets;
  guint                  stream_timer;
  guint                  reconnect_timer;
  guint                  reconnect_ms;
  guint                  stats_timer;
  guint                  sweep_timer;
  guint64                bytes_sent;
  guint64                bytes_received;
  guint64                packets_sent;
  guint64                packets_received;
};

static void stream_kick (NymClientRuntime *self);
static void queue_changed (NymClientRuntime *self);
static void requeue_reply (NymClientRuntime *self,
                           OutFragment      *out);
static void loop_cover_kick (NymClientRuntime *self);
static void run_deferred (NymClientRuntime *self);

/* Events. */

static Reporter *
reporter_ref (Reporter *reporter)
{
  g_atomic_ref_count_inc (&reporter->ref);
  return reporter;
}

static void
reporter_unref (Reporter *reporter)
{
  if (g_atomic_ref_count_dec (&reporter->ref))
    g_free (reporter);
}

typedef struct
{
  Reporter      *reporter;
  NymClientEvent event;
  char          *error_message;
  char          *gateway;
  char          *address;
  char          *socks_address;
  uint8_t        sender_tag[NYM_SENDER_TAG_LEN];
} PendingEvent;

static void
pending_event_free (gpointer data)
{
  PendingEvent *pending = data;

  reporter_unref (pending->reporter);
  g_free (pending->error_message);
  g_free (pending->gateway);
  g_free (pending->address);
  g_free (pending->socks_address);
  g_clear_pointer (&pending->event.message, g_bytes_unref);
  g_free (pending);
}

static gboolean
deliver_event (gpointer data)
{
  PendingEvent *pending = data;

  if (g_atomic_int_get (&pending->reporter->alive))
    pending->reporter->func (&pending->event, pending->reporter->user_data);
  return G_SOURCE_REMOVE;
}

static void
report_full (NymClientRuntime   *self,
             NymClientEventKind  kind,
             GBytes             *message,
             const uint8_t      *sender_tag)
{
  PendingEvent *pending = g_new0 (PendingEvent, 1);
  GSource *source;

  pending->reporter = reporter_ref (self->reporter);
  pending->error_message = g_strdup (self->error_message);
  pending->gateway = g_strdup (self->gateway_text);
  pending->address = g_strdup (self->address);
  pending->event.kind = kind;
  pending->event.state = self->state;
  pending->event.error_message = pending->error_message;
  pending->event.gateway = pending->gateway;
  pending->event.address = pending->address;
  /* The proxy's address is announced only while it accepts connections. */
  if (self->proxy != NULL && self->state == NYM_CLIENT_STATE_READY)
    pending->socks_address = g_strdup (nym_socks5_proxy_get_address (self->proxy));
  pending->event.socks_address = pending->socks_address;
  pending->event.bytes_sent = self->bytes_sent;
  pending->event.bytes_received = self->bytes_received;
  pending->event.packets_sent = self->packets_sent;
  pending->event.packets_received = self->packets_received;
  pending->event.message = message != NULL ? g_bytes_ref (message) : NULL;
  if (sender_tag != NULL)
    {
      memcpy (pending->sender_tag, sender_tag, NYM_SENDER_TAG_LEN);
      pending->event.sender_tag = pending->sender_tag;
    }

  /* An idle source rather than g_main_context_invoke, so that events keep their order even
   * when the report context happens to be owned by this thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_event, pending, pending_event_free);
  g_source_attach (source, self->report_context);
  g_source_unref (source);
}

static void
report (NymClientRuntime   *self,
        NymClientEventKind  kind,
        GBytes             *message)
{
  report_full (self, kind, message, NULL);
}

static void
set_state (NymClientRuntime *self,
           NymClientState    state,
           const char       *error_message)
{
  if (self->state == state && g_strcmp0 (self->error_message, error_message) == 0)
    return;
  self->state = state;
  g_free (self->error_message);
  self->error_message = g_strdup (error_message);
  report (self, NYM_CLIENT_EVENT_STATE, NULL);
  if (self->hooks.state != NULL)
    self->hooks.state (state, self->hooks_data);
}

static gboolean
on_stats_timer (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  self->stats_timer = 0;
  report (self, NYM_CLIENT_EVENT_STATS, NULL);
  return G_SOURCE_REMOVE;
}

static guint
add_timeout (NymClientRuntime *self,
             guint             ms,
             GSourceFunc       func)
{
  GSource *source = g_timeout_source_new (ms);
  guint id;

  g_source_set_callback (source, func, self, NULL);
  id = g_source_attach (source, self->context);
  g_source_unref (source);
  return id;
}

static void
clear_source (guint *id)
{
  if (*id != 0)
    {
      GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), *id);

      if (source != NULL)
        g_source_destroy (source);
      *id = 0;
    }
}

static void
stats_changed (NymClientRuntime *self)
{
  if (self->stats_timer == 0)
    self->stats_timer = add_timeout (self, STATS_INTERVAL_MS, on_stats_timer);
}

/* Fragments in flight. */

static guint64
fragment_id_key (const uint8_t id[static 5])
{
  guint64 key = 0;

  for (size_t i = 0; i < 5; i++)
    key = (key << 8) | id[i];
  return key;
}

static void
out_fragment_release (OutFragment *out)
{
  if (out->in_queue || out->in_table || out->in_pending)
    return;
  clear_source (&out->ack_timer);
  if (out->surb != NULL)
    {
      nym_reply_surb_clear (out->surb);
      g_free (out->surb);
    }
  nym_fragment_free (out->fragment);
  g_atomic_int_add (&out->runtime->fragments_alive, -1);
  g_free (out);
}

static void
table_forget (NymClientRuntime *self,
              OutFragment      *out)
{
  if (!out->in_table)
    return;
  g_hash_table_remove (self->unacked_table, &out->id);
  out->in_table = false;
  clear_source (&out->ack_timer);
  g_atomic_int_set (&self->unacked, (gint) g_hash_table_size (self->unacked_table));
}

typedef struct
{
  NymClientRuntime *self;
  OutFragment      *out;
} AckWait;

/* §19, §4.1: no ack in time means the packet (or its ack) was lost; the fragment goes to
 * the head of the queue and is sent again in a fresh packet on a fresh route. */
static gboolean
on_ack_timeout (gpointer user_data)
{
  AckWait *wait = user_data;
  NymClientRuntime *self = wait->self;
  OutFragment *out = wait->out;

  out->ack_timer = 0;
  if (out->in_queue || out->in_pending)
    return G_SOURCE_REMOVE;
  g_atomic_int_inc (&self->retransmissions);
  if (out->reply)
    requeue_reply (self, out);
  else
    {
      g_queue_push_head (&self->queue, out);
      out->in_queue = true;
    }
  queue_changed (self);
  stream_kick (self);
  return G_SOURCE_REMOVE;
}

static void
arm_ack_timer (NymClientRuntime        *self,
               OutFragment             *out,
               const NymPreparedPacket *prepared)
{
  uint64_t timeout_ns = nym_ack_timeout_ns (prepared->forward_delay_ns, prepared->ack_delay_ns);
  GSource *source = g_timeout_source_new ((guint) MIN (timeout_ns / 1000000, G_MAXUINT));
  AckWait *wait = g_new (AckWait, 1);

  clear_source (&out->ack_timer);
  wait->self = self;
  wait->out = out;
  g_source_set_callback (source, on_ack_timeout, wait, g_free);
  out->ack_timer = g_source_attach (source, self->context);
  g_source_unref (source);
  if (!out->in_table)
    {
      g_hash_table_insert (self->unacked_table, &out->id, out);
      out->in_table = true;
      g_atomic_int_set (&self->unacked, (gint) g_hash_table_size (self->unacked_table));
    }
}

static void
account_sent (NymClientRuntime        *self,
              const NymPreparedPacket *prepared)
{
  self->packets_sent++;
  self->bytes_sent += g_bytes_get_size (prepared->packet);
  stats_changed (self);
}

static bool
session_ready (NymClientRuntime *self)
{
  return self->session != NULL && !self->stopping
         && nym_gateway_session_get_state (self->session) == NYM_GATEWAY_SESSION_READY
         && self->state == NYM_CLIENT_STATE_READY;
}

static void
preparer_init (NymClientRuntime  *self,
               NymPacketPreparer *preparer)
{
  nym_packet_preparer_init_defaults (preparer, nym_topology_snapshot_get_topology (self->snapshot),
                                     &self->self_address, self->keys->ack_key);
  preparer->size = self->config.packet_size;
  preparer->average_packet_delay_ns = self->config.zero_delay ? 0 : self->config.average_packet_delay_ns;
  preparer->average_ack_delay_ns = self->config.zero_delay ? 0 : self->config.average_ack_delay_ns;
  /* Packets are prepared on the runtime thread only, one at a time. */
  preparer->scratch = self->packet_scratch;
}

/* Sends the head of the queue. Returns false when the gateway did not take it (the
 * fragment then stays at the head for after the reconnect). */
static bool
send_next_real (NymClientRuntime *self)
{
  OutFragment *out = g_queue_pop_head (&self->queue);
  NymPacketPreparer preparer;
  NymPreparedPacket prepared = { 0 };
  g_autoptr(GError) error = NULL;

  out->in_queue = false;
  queue_changed (self);
  preparer_init (self, &preparer);
  if (out->reply ? !nym_prepare_reply_packet (&preparer, out->surb, out->fragment, &prepared, &error)
                 : !nym_prepare_regular_packet (&preparer, &out->recipient, out->fragment, &prepared, &error))
    {
      /* A recipient whose gateway is not in the topology cannot be reached at all; the
       * fragment is dropped rather than retried forever. */
      g_debug ("Dropping a fragment that cannot be prepared: %s", error->message);
      table_forget (self, out);
      out_fragment_release (out);
      return true;
    }
  if (!nym_gateway_session_send_packet (self->session, &prepared.first_hop,
                                        g_bytes_get_data (prepared.packet, NULL),
                                        g_bytes_get_size (prepared.packet), prepared.rotation, &error))
    {
      g_debug ("The gateway did not take a packet: %s", error->message);
      g_queue_push_head (&self->queue, out);
      out->in_queue = true;
      queue_changed (self);
      nym_prepared_packet_clear (&prepared);
      return false;
    }
  /* §20: a SURB carries one packet only. */
  if (out->surb != NULL)
    {
      nym_reply_surb_clear (out->surb);
      g_clear_pointer (&out->surb, g_free);
    }
  account_sent (self, &prepared);
  arm_ack_timer (self, out, &prepared);
  nym_prepared_packet_clear (&prepared);
  return true;
}

static bool
send_cover (NymClientRuntime *self)
{
  NymPacketPreparer preparer;
  NymPreparedPacket prepared = { 0 };
  g_autoptr(GError) error = NULL;
  bool ok;

  preparer_init (self, &preparer);
  /* §4.1, §12: cover packets keep the legacy sphinx format; on the main stream their
   * per-hop delay is the ordinary one. */
  if (!nym_prepare_loop_cover_packet (&preparer, NYM_SPHINX_VERSION_EXPLICIT_PAYLOAD_KEYS,
                                      preparer.average_packet_delay_ns, &prepared, &error))
    {
      g_debug ("No cover packet: %s", error->message);
      return false;
    }
  ok = nym_gateway_session_send_packet (self->session, &prepared.first_hop,
                                        g_bytes_get_data (prepared.packet, NULL),
                                        g_bytes_get_size (prepared.packet), prepared.rotation, &error);
  if (ok)
    account_sent (self, &prepared);
  else
    g_debug ("The gateway did not take a cover packet: %s", error->message);
  nym_prepared_packet_clear (&prepared);
  return ok;
}

/* §21, nym-gateway.md §4.1: the loop cover stream, independent of the main stream: after
 * each exponentially distributed gap (200 ms on average) one loop cover packet, whatever the
 * main stream does. Its packets are made as the main stream's are: since Dec 2025 the real
 * client (cover_traffic_stream.rs) samples their hop delays with average_packet_delay, no
 * longer with the stream's 200 ms. */
static gboolean
on_loop_cover_tick (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  self->cover_timer = 0;
  if (!session_ready (self) || !self->cover_traffic)
    return G_SOURCE_REMOVE;
  if (send_cover (self))
    g_atomic_int_inc (&self->loop_cover_packets);
  loop_cover_kick (self);
  return G_SOURCE_REMOVE;
}

static void
loop_cover_kick (NymClientRuntime *self)
{
  uint64_t gap_ns;

  if (self->cover_timer != 0 || !session_ready (self) || !self->cover_traffic
      || self->config.loop_cover_average_delay_ns == 0)
    return;
  gap_ns = nym_poisson_sample_ns (self->config.loop_cover_average_delay_ns);
  self->cover_timer = add_timeout (self, (guint) MIN (gap_ns / 1000000, G_MAXUINT), on_loop_cover_tick);
}

/* The main Poisson stream (§21, spec nym-gateway.md §4.1): after each exponentially
 * distributed gap, the next real packet if one is queued, else loop cover. */
static gboolean
on_stream_tick (gpointer user_data)
{
  NymClientRuntime *self = user_data;
  uint64_t gap_ns;

  self->stream_timer = 0;
  if (!session_ready (self))
    return G_SOURCE_REMOVE;
  if (!g_queue_is_empty (&self->queue))
    {
      if (!send_next_real (self))
        return G_SOURCE_REMOVE;
    }
  else if (self->cover_traffic)
    send_cover (self);
  else
    return G_SOURCE_REMOVE;
  gap_ns = nym_poisson_sample_ns (self->config.message_sending_average_delay_ns);
  self->stream_timer = add_timeout (self, (guint) MIN (gap_ns / 1000000, G_MAXUINT), on_stream_tick);
  return G_SOURCE_REMOVE;
}

/* Zero-delay mode: everything queued goes out at once, and nothing else is sent. */
static gboolean
on_stream_flush (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  self->stream_timer = 0;
  while (session_ready (self) && !g_queue_is_empty (&self->queue))
    if (!send_next_real (self))
      break;
  return G_SOURCE_REMOVE;
}

static void
stream_kick (NymClientRuntime *self)
{
  if (self->stream_timer != 0 || !session_ready (self))
    return;
  if (self->config.zero_delay)
    {
      if (!g_queue_is_empty (&self->queue))
        self->stream_timer = add_timeout (self, 0, on_stream_flush);
      return;
    }
  if (!g_queue_is_empty (&self->queue) || self->cover_traffic)
    self->stream_timer = add_timeout (self, 0, on_stream_tick);
}

/* The send queue's length is published for any thread, and the drained hook fires once the
 * queue has come down from above the high water mark to the low one. Replies waiting for
 * their sender's SURBs do not count: they cannot be sent before those arrive, and a sender
 * that went away would otherwise hold every producer back (see sender_backlog_changed). */
static void
queue_changed (NymClientRuntime *self)
{
  guint queued = g_queue_get_length (&self->queue);

  g_atomic_int_set (&self->queued, (gint) queued);
  if (queued > NYM_CLIENT_RUNTIME_HIGH_WATER)
    self->above_high_water = true;
  else if (self->above_high_water && queued <= NYM_CLIENT_RUNTIME_LOW_WATER)
    {
      self->above_high_water = false;
      if (self->hooks.drained != NULL)
        self->hooks.drained (self->hooks_data);
    }
}

/* The runtime goes on after a message it cannot send; the caller learns why through the
 * error message of a STATE event. */
static void
report_problem (NymClientRuntime *self,
                char             *text)
{
  g_free (self->error_message);
  self->error_message = text;
  report (self, NYM_CLIENT_EVENT_STATE, NULL);
}

/* §17: envelope, padding to whole fragments, fragments. */
static GPtrArray *
fragment_message (NymClientRuntime *self,
                  const NymMessage *message,
                  GError          **error)
{
  size_t capacity = nym_packet_size_fragment_capacity (self->config.packet_size);
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) padded = NULL;

  bytes = nym_message_to_bytes (message, error);
  if (bytes == NULL)
    return NULL;
  padded = nym_message_pad (bytes->data, bytes->len, capacity);
  return nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, error);
}

static OutFragment *
out_fragment_new (NymClientRuntime *self,
                  NymFragment      *fragment)
{
  OutFragment *out = g_new0 (OutFragment, 1);
  uint8_t id[5];

  out->runtime = self;
  g_atomic_int_inc (&self->fragments_alive);
  out->fragment = fragment;
  nym_fragment_id_encode (fragment->header.set_id, fragment->header.current, id);
  out->id = fragment_id_key (id);
  return out;
}

/* Fragments message for recipient and queues every fragment. */
static bool
queue_envelope (NymClientRuntime   *self,
                const NymRecipient *recipient,
                const NymMessage   *message,
                GError            **error)
{
  g_autoptr(GPtrArray) fragments = fragment_message (self, message, error);

  if (fragments == NULL)
    return false;
  for (guint i = 0; i < fragments->len; i++)
    {
      OutFragment *out = out_fragment_new (self, g_ptr_array_index (fragments, i));

      g_ptr_array_index (fragments, i) = NULL;
      out->recipient = *recipient;
      out->in_queue = true;
      g_queue_push_tail (&self->queue, out);
    }
  queue_changed (self);
  stream_kick (self);
  return true;
}

/* Reply keys (§20). They live in one sodium_malloc'd slab; the slot after the last holds
 * the key handed to the receiver for the packet being opened. */

static guint
digest_hash (gconstpointer key)
{
  const uint8_t *digest = key;

  return (guint) digest[0] | (guint) digest[1] << 8 | (guint) digest[2] << 16 | (guint) digest[3] << 24;
}

static gboolean
digest_equal (gconstpointer a,
              gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

/* Sender tags are random, so their first bytes hash well. */
static guint
tag_hash (gconstpointer key)
{
  return digest_hash (key);
}

static gboolean
tag_equal (gconstpointer a,
           gconstpointer b)
{
  return memcmp (a, b, NYM_SENDER_TAG_LEN) == 0;
}

static void
reply_key_remove (NymClientRuntime *self,
                  ReplyKey         *entry)
{
  g_hash_table_remove (self->reply_keys, entry->digest);
  g_queue_delete_link (&self->reply_key_order, entry->link);
  sodium_memzero (self->reply_key_slab + (size_t) entry->slot * NYM_REPLY_SURB_KEY_LEN, NYM_REPLY_SURB_KEY_LEN);
  self->free_slots[self->n_free_slots++] = entry->slot;
  g_free (entry);
}

static void
reply_key_add (NymClientRuntime *self,
               const uint8_t     key[static 16])
{
  ReplyKey *entry = g_new0 (ReplyKey, 1);

  nym_reply_surb_key_digest (key, entry->digest);
  if (g_hash_table_contains (self->reply_keys, entry->digest))
    {
      g_free (entry);
      return;
    }
  /* The oldest key gives way: its SURB is the least likely to be used still. */
  if (self->n_free_slots == 0)
    reply_key_remove (self, g_queue_peek_head (&self->reply_key_order));
  entry->slot = self->free_slots[--self->n_free_slots];
  entry->created_us = g_get_monotonic_time ();
  memcpy (self->reply_key_slab + (size_t) entry->slot * NYM_REPLY_SURB_KEY_LEN, key, NYM_REPLY_SURB_KEY_LEN);
  g_queue_push_tail (&self->reply_key_order, entry);
  entry->link = g_queue_peek_tail_link (&self->reply_key_order);
  g_hash_table_insert (self->reply_keys, entry->digest, entry);
}

/* NymReplyKeyLookup: a SURB is used once, so its key is taken out as it is found. */
static const uint8_t *
reply_key_take (const uint8_t digest[32],
                gpointer      user_data)
{
  NymClientRuntime *self = user_data;
  ReplyKey *entry = g_hash_table_lookup (self->reply_keys, digest);
  uint8_t *scratch = self->reply_key_slab + (size_t) REPLY_KEYS_MAX * NYM_REPLY_SURB_KEY_LEN;

  if (entry == NULL)
    return NULL;
  memcpy (scratch, self->reply_key_slab + (size_t) entry->slot * NYM_REPLY_SURB_KEY_LEN, NYM_REPLY_SURB_KEY_LEN);
  reply_key_remove (self, entry);
  return scratch;
}

/* §20: count fresh SURBs back to us, made with the current topology. */
static GArray *
make_reply_surbs (NymClientRuntime *self,
                  guint             count,
                  GError          **error)
{
  g_autoptr(GArray) surbs = g_array_sized_new (FALSE, TRUE, sizeof (NymReplySurb), count);
  NymPacketPreparer preparer;

  g_array_set_clear_func (surbs, nym_reply_surb_clear);
  preparer_init (self, &preparer);
  for (guint i = 0; i < count; i++)
    {
      NymReplySurb surb;

      if (!nym_prepare_reply_surb (&preparer, &surb, error))
        return NULL;
      g_array_append_val (surbs, surb);
      sodium_memzero (&surb, sizeof surb);
    }
  return g_steal_pointer (&surbs);
}

static void
remember_reply_keys (NymClientRuntime *self,
                     GArray           *surbs)
{
  for (guint i = 0; i < surbs->len; i++)
    reply_key_add (self, g_array_index (surbs, NymReplySurb, i).key);
}

/* §20: one random sender tag per recipient, kept for this run, so that the recipient can
 * tell our messages (and SURBs) apart from other anonymous senders'. */
static const uint8_t *
sender_tag_for (NymClientRuntime   *self,
                const NymRecipient *recipient)
{
  g_autoptr(GBytes) key = g_bytes_new (recipient, sizeof *recipient);
  uint8_t *tag = g_hash_table_lookup (self->sender_tags, key);

  if (tag != NULL)
    return tag;
  if (g_hash_table_size (self->sender_tags) >= SENDER_TAGS_MAX)
    g_hash_table_remove_all (self->sender_tags);
  tag = g_malloc (NYM_SENDER_TAG_LEN);
  nym_sender_tag_new_random (tag);
  g_hash_table_insert (self->sender_tags, g_steal_pointer (&key), tag);
  return tag;
}

/* Sends reply SURBs we were asked for (§17 AdditionalSurbsV2) to recipient. */
static bool
send_additional_surbs (NymClientRuntime   *self,
                       const NymRecipient *recipient,
                       const uint8_t       tag[static 16],
                       guint               count,
                       GError            **error)
{
  g_autoptr(GArray) surbs = make_reply_surbs (self, count, error);
  g_autoptr(NymMessage) message = NULL;

  if (surbs == NULL)
    return false;
  message = nym_message_new_repliable (tag, NYM_REPLIABLE_ADDITIONAL_SURBS_V2, (const NymReplySurb *) surbs->data,
                                       surbs->len, nym_topology_key_rotation (nym_topology_snapshot_get_topology (self->snapshot)),
                                       NULL, 0);
  if (!queue_envelope (self, recipient, message, error))
    return false;
  remember_reply_keys (self, surbs);
  return true;
}

/* §17 Plain, or (anonymous) §17/§20 Repliable DataV2 with reply_surbs SURBs and our tag for
 * recipient. An anonymous message without SURBs is still Repliable, with an empty SURB list,
 * as the real client sends it: the receiver learns our tag and answers through SURBs it
 * holds from before. */
static void
queue_message (NymClientRuntime   *self,
               const NymRecipient *recipient,
               GBytes             *data,
               guint               reply_surbs,
               bool                anonymous)
{
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GArray) surbs = NULL;
  g_autoptr(GError) error = NULL;
  bool ok;

  if (!anonymous)
    message = nym_message_new_plain (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  else
    {
      surbs = make_reply_surbs (self, reply_surbs, &error);
      if (surbs != NULL)
        message = nym_message_new_repliable (sender_tag_for (self, recipient), NYM_REPLIABLE_DATA_V2,
                                             (const NymReplySurb *) surbs->data, surbs->len,
                                             nym_topology_key_rotation (nym_topology_snapshot_get_topology (self->snapshot)),
                                             g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    }
  ok = message != NULL && queue_envelope (self, recipient, message, &error);
  if (!ok)
    {
      report_problem (self, g_strdup_printf ("The message of %zu bytes cannot be sent: %s",
                                             g_bytes_get_size (data), error->message));
      return;
    }
  if (surbs != NULL)
    remember_reply_keys (self, surbs);
}

/* Anonymous senders and their SURBs (§20; the real client's reply controller). */

static SurbSender *
surb_sender_lookup (NymClientRuntime *self,
                    const uint8_t     tag[static 16])
{
  g_autoptr(GBytes) key = g_bytes_new (tag, NYM_SENDER_TAG_LEN);

  return g_hash_table_lookup (self->surb_senders, key);
}

static void
stored_surb_free (gpointer data)
{
  StoredSurb *stored = data;

  nym_reply_surb_clear (&stored->surb);
  g_free (stored);
}

/* Publishes how many reply fragments wait for a SURB of sender, for
 * nym_client_runtime_get_reply_backlog() on any thread. */
static void
sender_backlog_changed (NymClientRuntime *self,
                        SurbSender       *sender)
{
  guint waiting = g_queue_get_length (&sender->pending);

  g_mutex_lock (&self->backlog_lock);
  if (waiting == 0)
    g_hash_table_remove (self->backlog, sender->tag);
  else
    g_hash_table_insert (self->backlog, g_memdup2 (sender->tag, NYM_SENDER_TAG_LEN), GUINT_TO_POINTER (waiting));
  g_mutex_unlock (&self->backlog_lock);
}

/* Drops what waits for a SURB of sender; the fragments are given up. */
static void
surb_sender_drop_pending (NymClientRuntime *self,
                          SurbSender       *sender)
{
  OutFragment *out;

  while ((out = g_queue_pop_head (&sender->pending)) != NULL)
    {
      out->in_pending = false;
      self->pending_replies--;
      table_forget (self, out);
      out_fragment_release (out);
    }
  sender_backlog_changed (self, sender);
}

/* The table's value destructor; runs on the runtime thread or once it has ended. */
static void
surb_sender_free (gpointer data)
{
  SurbSender *sender = data;

  g_queue_clear_full (&sender->surbs, stored_surb_free);
  surb_sender_drop_pending (sender->runtime, sender);
  g_free (sender);
}

static SurbSender *
surb_sender_ensure (NymClientRuntime *self,
                    const uint8_t     tag[static 16])
{
  SurbSender *sender = surb_sender_lookup (self, tag);

  if (sender != NULL)
    return sender;
  /* Bounded: the sender heard from longest ago gives way. */
  if (g_hash_table_size (self->surb_senders) >= SURB_SENDERS_MAX)
    {
      GHashTableIter iter;
      gpointer key, value, oldest_key = NULL;
      gint64 oldest = G_MAXINT64;

      g_hash_table_iter_init (&iter, self->surb_senders);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (((SurbSender *) value)->last_received_us < oldest)
          {
            oldest = ((SurbSender *) value)->last_received_us;
            oldest_key = key;
          }
      g_hash_table_remove (self->surb_senders, oldest_key);
    }
  sender = g_new0 (SurbSender, 1);
  sender->runtime = self;
  memcpy (sender->tag, tag, NYM_SENDER_TAG_LEN);
  g_queue_init (&sender->surbs);
  g_queue_init (&sender->pending);
  g_hash_table_insert (self->surb_senders, g_bytes_new (tag, NYM_SENDER_TAG_LEN), sender);
  return sender;
}

static NymReplySurb *
surb_sender_take (SurbSender *sender)
{
  StoredSurb *stored = g_queue_pop_head (&sender->surbs);
  NymReplySurb *surb = g_new (NymReplySurb, 1);

  *surb = stored->surb;
  stored_surb_free (stored);
  return surb;
}

/* reply_controller should_request_more_surbs: the held and expected SURBs cannot carry what
 * waits plus the minimum kept back, and the maximum is not reached. */
static bool
surb_sender_needs_more (SurbSender *sender)
{
  guint available = g_queue_get_length (&sender->surbs) + sender->pending_reception;
  guint required = g_queue_get_length (&sender->pending) + REPLY_SURB_MIN_STORAGE + REPLY_SURB_THRESHOLD_BUFFER;

  return available < REPLY_SURB_MAX_STORAGE && available < required;
}

/* §17 Reply SurbRequest through one of the SURBs, also one of those kept back: it asks for
 * what waits (at least 10, at most 50) and names our address for the answer. */
static bool
request_surbs (NymClientRuntime *self,
               SurbSender       *sender)
{
  guint amount = CLAMP (g_queue_get_length (&sender->pending) + REPLY_SURB_THRESHOLD_BUFFER,
                        REPLY_SURB_MIN_REQUEST, REPLY_SURB_MAX_REQUEST);
  g_autoptr(NymMessage) message = nym_message_new_surb_request (&self->self_address, amount);
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(GError) error = NULL;

  if (g_queue_is_empty (&sender->surbs))
    {
      g_debug ("No SURB left to ask for more with");
      return false;
    }
  fragments = fragment_message (self, message, &error);
  if (fragments == NULL || fragments->len > g_queue_get_length (&sender->surbs))
    {
      g_debug ("Cannot ask for more SURBs: %s", error != NULL ? error->message : "too few SURBs");
      return false;
    }
  /* The request goes first: everything else waits for its answer. */
  for (guint i = fragments->len; i > 0; i--)
    {
      OutFragment *out = out_fragment_new (self, g_ptr_array_index (fragments, i - 1));

      g_ptr_array_index (fragments, i - 1) = NULL;
      out->reply = true;
      out->surb_request = true;
      memcpy (out->sender_tag, sender->tag, NYM_SENDER_TAG_LEN);
      out->surb = surb_sender_take (sender);
      out->in_queue = true;
      g_queue_push_head (&self->queue, out);
    }
  sender->pending_reception += amount;
  return true;
}

/* Moves what waits for sender into the send queue while SURBs above the minimum last, and
 * asks for more when they do not suffice. */
static void
surb_sender_pump (NymClientRuntime *self,
                  SurbSender       *sender)
{
  while (!g_queue_is_empty (&sender->pending) && g_queue_get_length (&sender->surbs) > REPLY_SURB_MIN_STORAGE)
    {
      OutFragment *out = g_queue_pop_head (&sender->pending);

      out->in_pending = false;
      self->pending_replies--;
      out->surb = surb_sender_take (sender);
      out->in_queue = true;
      /* A waiting retransmission goes first, as the others do. */
      if (out->in_table)
        g_queue_push_head (&self->queue, out);
      else
        g_queue_push_tail (&self->queue, out);
    }
  if (surb_sender_needs_more (sender))
    request_surbs (self, sender);
  sender_backlog_changed (self, sender);
  queue_changed (self);
  stream_kick (self);
}

static void
give_back_surb (NymClientRuntime *self,
                OutFragment      *out)
{
  SurbSender *sender = surb_sender_lookup (self, out->sender_tag);
  StoredSurb *stored;

  if (sender != NULL)
    {
      stored = g_new (StoredSurb, 1);
      stored->surb = *out->surb;
      stored->received_us = g_get_monotonic_time ();
      g_queue_push_head (&sender->surbs, stored);
    }
  nym_reply_surb_clear (out->surb);
  g_clear_pointer (&out->surb, g_free);
}

/* A reply fragment whose ack is late goes out again through a fresh SURB, or waits for one. */
static void
requeue_reply (NymClientRuntime *self,
               OutFragment      *out)
{
  SurbSender *sender = surb_sender_lookup (self, out->sender_tag);
  guint keep = out->surb_request ? 0 : REPLY_SURB_MIN_STORAGE;

  if (sender == NULL)
    {
      table_forget (self, out);
      out_fragment_release (out);
      return;
    }
  if (g_queue_get_length (&sender->surbs) > keep)
    {
      out->surb = surb_sender_take (sender);
      out->in_queue = true;
      g_queue_push_head (&self->queue, out);
      return;
    }
  out->in_pending = true;
  self->pending_replies++;
  g_queue_push_head (&sender->pending, out);
  sender_backlog_changed (self, sender);
  if (surb_sender_needs_more (sender))
    request_surbs (self, sender);
}

/* §20: a reply is a Reply Data message whose fragments wait for the sender's SURBs. */
static void
queue_reply (NymClientRuntime *self,
             const uint8_t     sender_tag[static 16],
             GBytes           *data)
{
  SurbSender *sender = surb_sender_lookup (self, sender_tag);
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(GError) error = NULL;

  if (sender == NULL)
    {
      g_autofree char *tag = nym_sender_tag_to_base58 (sender_tag);

      report_problem (self, g_strdup_printf ("No reply SURBs are held for the sender tag %s, so the "
                                             "reply of %zu bytes cannot be sent", tag, g_bytes_get_size (data)));
      return;
    }
  message = nym_message_new_reply_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  fragments = fragment_message (self, message, &error);
  if (fragments == NULL)
    {
      report_problem (self, g_strdup_printf ("The reply of %zu bytes cannot be sent: %s",
                                             g_bytes_get_size (data), error->message));
      return;
    }
  for (guint i = 0; i < fragments->len; i++)
    {
      OutFragment *out = out_fragment_new (self, g_ptr_array_index (fragments, i));

      g_ptr_array_index (fragments, i) = NULL;
      out->reply = true;
      memcpy (out->sender_tag, sender_tag, NYM_SENDER_TAG_LEN);
      out->in_pending = true;
      self->pending_replies++;
      g_queue_push_tail (&sender->pending, out);
    }
  surb_sender_pump (self, sender);
}

/* SURBs from an anonymous sender: with its data, as a heartbeat, or answering our request. */
static void
store_surbs (NymClientRuntime *self,
             const uint8_t     tag[static 16],
             GArray           *surbs,
             bool              answer)
{
  SurbSender *sender = surb_sender_ensure (self, tag);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;
  guint total = 0;

  g_hash_table_iter_init (&iter, self->surb_senders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += g_queue_get_length (&((SurbSender *) value)->surbs);
  if (answer)
    sender->pending_reception -= MIN (surbs->len, sender->pending_reception);
  for (guint i = 0; i < surbs->len; i++)
    {
      StoredSurb *stored;

      /* Beyond a bound, this sender's oldest SURB gives way; with none, the new one is dropped. */
      if (g_queue_get_length (&sender->surbs) >= SURBS_PER_SENDER_MAX
          || (total >= SURBS_TOTAL_MAX && !g_queue_is_empty (&sender->surbs)))
        stored_surb_free (g_queue_pop_head (&sender->surbs));
      else if (total >= SURBS_TOTAL_MAX)
        continue;
      else
        total++;
      stored = g_new (StoredSurb, 1);
      stored->surb = g_array_index (surbs, NymReplySurb, i);
      stored->received_us = now;
      g_queue_push_tail (&sender->surbs, stored);
    }
  sender->last_received_us = now;
  sender->rerequests = 0;
  surb_sender_pump (self, sender);
}

/* §17 SurbRequest: recipient wants more SURBs from us. Only a recipient we sent anonymous
 * messages to may ask, and for at most 500 at once. */
static void
answer_surb_request (NymClientRuntime   *self,
                     const NymRecipient *recipient,
                     guint               amount)
{
  g_autoptr(GBytes) key = g_bytes_new (recipient, sizeof *recipient);
  const uint8_t *tag = g_hash_table_lookup (self->sender_tags, key);

  if (tag == NULL)
    {
      g_debug ("Ignoring a request for reply SURBs from a recipient we never sent any to");
      return;
    }
  amount = MIN (amount, REPLY_SURB_MAX_ALLOWED_REQUEST);
  while (amount > 0)
    {
      guint batch = MIN (amount, REPLY_SURB_ANSWER_BATCH);
      g_autoptr(GError) error = NULL;

      if (!send_additional_surbs (self, recipient, tag, batch, &error))
        {
          g_debug ("Could not send additional reply SURBs: %s", error->message);
          return;
        }
      amount -= batch;
    }
}

/* Every 5 s: replies that waited long for SURBs ask again (at most 5 times) and are dropped
 * after 5 minutes; senders that went quiet, old SURBs and day-old reply keys go. */
static gboolean
on_reply_sweep (gpointer user_data)
{
  NymClientRuntime *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;
  ReplyKey *key;

  g_hash_table_iter_init (&iter, self->surb_senders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SurbSender *sender = value;
      gint64 idle = now - sender->last_received_us;
      StoredSurb *stored;

      while ((stored = g_queue_peek_head (&sender->surbs)) != NULL && now - stored->received_us > RECEIVED_SURB_MAX_AGE_US)
        stored_surb_free (g_queue_pop_head (&sender->surbs));
      if (!g_queue_is_empty (&sender->pending))
        {
          if (sender->rerequests > REPLY_SURB_MAX_REREQUESTS || idle > REPLY_SURB_DROP_US)
            {
              g_autofree char *tag = nym_sender_tag_to_base58 (sender->tag);

              /* The caller learns that a reply went nowhere, as for a message that cannot be sent. */
              report_problem (self, g_strdup_printf ("Gave up %u reply fragments for the sender tag %s: "
                                                     "it sent no more reply SURBs", g_queue_get_length (&sender->pending), tag));
              surb_sender_drop_pending (self, sender);
            }
          else if (idle > REPLY_SURB_REREQUEST_US)
            {
              sender->rerequests++;
              request_surbs (self, sender);
              sender->pending_reception = 0;
            }
        }
      if (g_queue_is_empty (&sender->surbs) && g_queue_is_empty (&sender->pending)
          && sender->pending_reception == 0 && idle > REPLY_SURB_DROP_US)
        g_hash_table_iter_remove (&iter);
    }
  while ((key = g_queue_peek_head (&self->reply_key_order)) != NULL && now - key->created_us > REPLY_KEY_MAX_AGE_US)
    reply_key_remove (self, key);
  queue_changed (self);
  stream_kick (self);
  return G_SOURCE_CONTINUE;
}

/* Receiving. */

static void
deliver_message (NymClientRuntime *self,
                 const uint8_t    *sender_tag,
                 GBytes           *data)
{
  if (data == NULL)
    return;
  if (self->hooks.message != NULL && self->hooks.message (sender_tag, data, self->hooks_data))
    return;
  report_full (self, NYM_CLIENT_EVENT_MESSAGE, data, sender_tag);
}

static void
deliver_fragment (NymClientRuntime *self,
                  GByteArray       *fragment)
{
  g_autoptr(GByteArray) complete = NULL;
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  size_t len = 0;

  switch (nym_reassembler_insert (self->reassembler, fragment->data, fragment->len,
                                  g_get_monotonic_time (), &complete, &error))
    {
    case NYM_REASSEMBLY_COMPLETE:
      break;
    case NYM_REASSEMBLY_INVALID:
      g_debug ("Dropping a fragment: %s", error->message);
      return;
    default:
      return;
    }
  if (!nym_message_unpadded_len (complete->data, complete->len, &len, &error)
      || (message = nym_message_parse (complete->data, len, &error)) == NULL)
    {
      g_debug ("Dropping a reassembled message: %s", error->message);
      return;
    }
  /* §17: what each kind of envelope carries, and what its content asks of us. */
  switch (message->type)
    {
    case NYM_MESSAGE_PLAIN:
      deliver_message (self, NULL, message->data);
      break;
    case NYM_MESSAGE_REPLIABLE:
      store_surbs (self, message->sender_tag, message->reply_surbs,
                   message->content_tag == NYM_REPLIABLE_ADDITIONAL_SURBS_V1
                   || message->content_tag == NYM_REPLIABLE_ADDITIONAL_SURBS_V2);
      if (message->content_tag == NYM_REPLIABLE_DATA_V1 || message->content_tag == NYM_REPLIABLE_DATA_V2)
        deliver_message (self, message->sender_tag, message->data);
      break;
    case NYM_MESSAGE_REPLY:
      if (message->content_tag == NYM_REPLY_SURB_REQUEST)
        answer_surb_request (self, &message->surb_request_recipient, message->surb_request_amount);
      else
        deliver_message (self, NULL, message->data);
      break;
    }
}

static void
on_session_received (NymGatewaySession *session,
                     GBytes            *plaintext,
                     NymClientRuntime  *self)
{
  NymReceived received = { 0 };
  g_autoptr(GError) error = NULL;
  OutFragment *out;
  bool ok;

  self->packets_received++;
  self->bytes_received += g_bytes_get_size (plaintext);
  stats_changed (self);
  ok = nym_received_open (self->keys->encryption_secret, self->keys->ack_key, reply_key_take, self,
                          g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                          &received, &error);
  sodium_memzero (self->reply_key_slab + (size_t) REPLY_KEYS_MAX * NYM_REPLY_SURB_KEY_LEN, NYM_REPLY_SURB_KEY_LEN);
  if (!ok)
    {
      g_debug ("Dropping what the gateway pushed: %s", error->message);
      return;
    }
  switch (received.kind)
    {
    case NYM_RECEIVED_ACK:
      /* §19: the fragment arrived; forget it, also if it was already queued again. */
      out = g_hash_table_lookup (self->unacked_table, &(guint64) { fragment_id_key (received.fragment_id) });
      if (out != NULL)
        {
          table_forget (self, out);
          if (out->in_queue)
            {
              g_queue_remove (&self->queue, out);
              out->in_queue = false;
              /* The SURB bound for a retransmission is still unused: it goes back. */
              if (out->surb != NULL)
                give_back_surb (self, out);
              queue_changed (self);
            }
          if (out->in_pending)
            {
              SurbSender *sender = surb_sender_lookup (self, out->sender_tag);

              if (sender != NULL)
                {
                  g_queue_remove (&sender->pending, out);
                  sender_backlog_changed (self, sender);
                }
              out->in_pending = false;
              self->pending_replies--;
              queue_changed (self);
            }
          out_fragment_release (out);
        }
      break;
    case NYM_RECEIVED_FRAGMENT:
    case NYM_RECEIVED_REPLY_FRAGMENT:
      deliver_fragment (self, received.fragment);
      break;
    case NYM_RECEIVED_COVER:
      break;
    }
  nym_received_clear (&received);
}

/* Connection and reconnection. */

static void connect_session (NymClientRuntime *self);

static gboolean
on_reconnect_timer (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  self->reconnect_timer = 0;
  connect_session (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (NymClientRuntime *self,
                    const char       *why)
{
  set_state (self, NYM_CLIENT_STATE_RECONNECTING, why);
  clear_source (&self->stream_timer);
  clear_source (&self->cover_timer);
  if (self->reconnect_timer != 0)
    return;
  self->reconnect_timer = add_timeout (self, self->reconnect_ms, on_reconnect_timer);
  self->reconnect_ms = MIN (self->reconnect_ms * 2, NYM_CLIENT_RECONNECT_MAX_MS);
}

static void
on_session_state (NymGatewaySession *session,
                  GParamSpec        *pspec,
                  NymClientRuntime  *self)
{
  NymGatewaySessionState state = nym_gateway_session_get_state (session);

  if (self->stopping)
    return;
  if (state == NYM_GATEWAY_SESSION_FAILED && self->state == NYM_CLIENT_STATE_READY)
    {
      schedule_reconnect (self, nym_gateway_session_get_error_message (session));
      return;
    }
  /* While reconnecting the caller keeps seeing "reconnecting" until the session is back. */
  if (self->ever_ready)
    return;
  switch (state)
    {
    case NYM_GATEWAY_SESSION_CONNECTING:
      set_state (self, NYM_CLIENT_STATE_CONNECTING, NULL);
      break;
    case NYM_GATEWAY_SESSION_REGISTERING:
    case NYM_GATEWAY_SESSION_AUTHENTICATING:
      set_state (self, NYM_CLIENT_STATE_REGISTERING, NULL);
      break;
    case NYM_GATEWAY_SESSION_CLAIMING_BANDWIDTH:
      set_state (self, NYM_CLIENT_STATE_CLAIMING_BANDWIDTH, NULL);
      break;
    default:
      break;
    }
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NymClientRuntime *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nym_gateway_session_connect_finish (NYM_GATEWAY_SESSION (source), result, &error))
    {
      if (self->stopping)
        return;
      if (self->ever_ready)
        schedule_reconnect (self, error->message);
      else
        set_state (self, NYM_CLIENT_STATE_ERROR, error->message);
      return;
    }
  if (self->stopping)
    return;
  self->ever_ready = true;
  self->reconnect_ms = NYM_CLIENT_RECONNECT_INITIAL_MS;
  set_state (self, NYM_CLIENT_STATE_READY, NULL);
  run_deferred (self);
  stream_kick (self);
  loop_cover_kick (self);
}

static void
connect_session (NymClientRuntime *self)
{
  if (self->stopping)
    return;
  nym_gateway_session_connect_async (self->session, self->cancellable, on_connected, self);
}

static char *
gateway_url (const NymTopologyNodeInfo *node)
{
  const char *host = node->hostname;

  if (node->wss_port != 0 && host != NULL)
    return g_strdup_printf ("wss://%s:%u", host, node->wss_port);
  if (host == NULL && node->ip_addresses != NULL)
    host = node->ip_addresses[0];
  if (host == NULL)
    return NULL;
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("ws://[%s]:%u", host, node->ws_port);
  return g_strdup_printf ("ws://%s:%u", host, node->ws_port);
}

/* Atomic (temporary file, fsync, rename), as every file that matters (DESIGN "Files on disk"). */
static void
save_active_gateway (NymClientRuntime *self)
{
  g_autofree char *path = g_build_filename (self->config.data_dir, NYM_CLIENT_ACTIVE_GATEWAY_FILE_NAME, NULL);
  g_autofree char *text = g_strconcat (self->gateway_text, "\n", NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    g_debug ("Could not remember the gateway: %s", error->message);
}

char *
nym_client_runtime_load_active_gateway (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, NYM_CLIENT_ACTIVE_GATEWAY_FILE_NAME, NULL);
  g_autofree char *text = NULL;
  uint8_t identity[32];
  size_t len = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  g_strstrip (text);
  if (!nym_base58_decode (text, identity, sizeof identity, &len, NULL) || len != 32)
    return NULL;
  return g_steal_pointer (&text);
}

static void
on_gateway_selected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  NymClientRuntime *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  NymTopologyNodeInfo *node;

  node = nym_api_client_select_gateway_finish (NYM_API_CLIENT (source), result, &error);
  if (self->stopping)
    {
      g_clear_pointer (&node, nym_topology_node_info_free);
      return;
    }
  if (node == NULL)
    {
      set_state (self, NYM_CLIENT_STATE_ERROR, error->message);
      return;
    }
  self->gateway = node;
  url = gateway_url (node);
  if (url == NULL)
    {
      set_state (self, NYM_CLIENT_STATE_ERROR, "The chosen gateway publishes no address for clients");
      return;
    }
  memcpy (self->self_address.identity, self->keys->identity_public, 32);
  memcpy (self->self_address.encryption_key, self->keys->encryption_public, 32);
  memcpy (self->self_address.gateway, node->identity, 32);
  self->gateway_text = nym_base58_encode (node->identity, 32);
  self->address = nym_client_keys_dup_address (self->keys, node->identity);
  save_active_gateway (self);
  if (self->proxy != NULL)
    nym_socks5_proxy_set_self_address (self->proxy, &self->self_address);
  self->session = nym_gateway_session_new (url, node->identity, self->keys, self->store);
  if (self->config.gateway_timeout_s != 0)
    nym_gateway_session_set_timeout (self->session, self->config.gateway_timeout_s);
  g_signal_connect (self->session, "notify::state", G_CALLBACK (on_session_state), self);
  g_signal_connect (self->session, "received", G_CALLBACK (on_session_received), self);
  set_state (self, NYM_CLIENT_STATE_CONNECTING, NULL);
  connect_session (self);
}

static void
on_topology_changed (NymTopologyRefresher *refresher,
                     NymTopologySnapshot  *snapshot,
                     NymClientRuntime     *self)
{
  bool first = self->snapshot == NULL;

  g_clear_pointer (&self->snapshot, nym_topology_snapshot_unref);
  self->snapshot = nym_topology_snapshot_ref (snapshot);
  if (!first || self->stopping)
    return;
  /* §4.3: a gateway given by the caller wins; otherwise the one this data dir registered
   * with before is reused, and only a new client picks one at random. */
  if (self->config.gateway_identity == NULL)
    self->config.gateway_identity = nym_client_runtime_load_active_gateway (self->config.data_dir);
  nym_api_client_select_gateway_async (self->api, self->snapshot,
                                       self->config.gateway_identity != NULL
                                         ? NYM_GATEWAY_SELECTION_IDENTITY : NYM_GATEWAY_SELECTION_RANDOM,
                                       self->config.gateway_identity, self->cancellable,
                                       on_gateway_selected, self);
}

static void
on_topology_failed (NymTopologyRefresher *refresher,
                    GError               *error,
                    NymClientRuntime     *self)
{
  /* Later failures keep the last good topology (the refresher's rule); only the first
   * fetch decides whether the client can start at all. */
  if (self->snapshot == NULL && !self->stopping)
    {
      nym_topology_refresher_stop (refresher);
      set_state (self, NYM_CLIENT_STATE_ERROR, error->message);
    }
}

static gboolean
on_reassembly_sweep (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  nym_reassembler_expire (self->reassembler, g_get_monotonic_time (), NYM_REASSEMBLY_TIMEOUT_US);
  return G_SOURCE_CONTINUE;
}

static void
begin (NymClientRuntime *self)
{
  g_autoptr(GError) error = NULL;

  self->store = nym_client_store_open (self->config.data_dir, &error);
  if (self->store != NULL)
    self->keys = nym_client_store_ensure_keys (self->store, &error);
  if (self->keys != NULL)
    self->api = nym_api_client_new ((const char *const *) self->config.nym_api_urls, &error);
  if (self->api == NULL)
    {
      set_state (self, NYM_CLIENT_STATE_ERROR, error->message);
      return;
    }
  /* The proxy listens from the start and refuses connections until ready (fail closed), so
   * that an address that cannot be bound is an error at once. */
  if (self->config.socks5_address != NULL)
    {
      self->proxy = nym_client_runtime_socks5_start (self, &self->config, &error);
      if (self->proxy == NULL)
        {
          set_state (self, NYM_CLIENT_STATE_ERROR, error->message);
          return;
        }
    }
  set_state (self, NYM_CLIENT_STATE_FETCHING_TOPOLOGY, NULL);
  self->refresher = nym_topology_refresher_new (self->api);
  g_signal_connect (self->refresher, "changed", G_CALLBACK (on_topology_changed), self);
  g_signal_connect (self->refresher, "refresh-failed", G_CALLBACK (on_topology_failed), self);
  nym_topology_refresher_start (self->refresher);
}

/* Commands. */

static void
command_free (Command *command)
{
  g_clear_pointer (&command->data, g_bytes_unref);
  g_free (command);
}

static void
on_session_closed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NymClientRuntime *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!nym_gateway_session_close_finish (NYM_GATEWAY_SESSION (source), result, &error))
    g_debug ("Closing the gateway session: %s", error->message);
  g_main_loop_quit (self->loop);
}

static gboolean
on_stop_grace (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
begin_stop (NymClientRuntime *self)
{
  NymGatewaySessionState state;

  if (self->stopping)
    return;
  self->stopping = true;
  g_cancellable_cancel (self->cancellable);
  if (self->proxy != NULL)
    nym_socks5_proxy_set_ready (self->proxy, false);
  clear_source (&self->stream_timer);
  clear_source (&self->cover_timer);
  clear_source (&self->reconnect_timer);
  if (self->refresher != NULL)
    nym_topology_refresher_stop (self->refresher);
  state = self->session != NULL ? nym_gateway_session_get_state (self->session) : NYM_GATEWAY_SESSION_DISCONNECTED;
  if (state == NYM_GATEWAY_SESSION_DISCONNECTED || state == NYM_GATEWAY_SESSION_FAILED)
    {
      g_main_loop_quit (self->loop);
      return;
    }
  add_timeout (self, STOP_GRACE_MS, on_stop_grace);
  nym_gateway_session_close_async (self->session, NULL, on_session_closed, self);
}

/* Reply SURBs need the topology and our gateway, so anonymous messages (and, to keep the
 * order, what is sent after them) wait until the runtime is first ready. */
static bool
must_defer (NymClientRuntime *self,
            const Command    *command)
{
  return (command->anonymous && !self->ever_ready) || !g_queue_is_empty (&self->deferred);
}

static void
run_deferred (NymClientRuntime *self)
{
  Command *command;

  while ((command = g_queue_pop_head (&self->deferred)) != NULL)
    {
      queue_message (self, &command->recipient, command->data, command->reply_surbs, command->anonymous);
      if (command->counted)
        g_atomic_int_inc (&self->sends_processed);
      command_free (command);
    }
}

static gboolean
drain_commands (gpointer user_data)
{
  NymClientRuntime *self = user_data;
  Command *command;

  while ((command = g_async_queue_try_pop (self->commands)) != NULL)
    {
      switch (command->kind)
        {
        case COMMAND_SEND:
          if (!self->stopping && must_defer (self, command))
            {
              g_queue_push_tail (&self->deferred, command);
              continue;
            }
          if (!self->stopping)
            queue_message (self, &command->recipient, command->data, command->reply_surbs, command->anonymous);
          g_atomic_int_inc (&self->sends_processed);
          break;
        case COMMAND_REPLY:
          if (!self->stopping)
            queue_reply (self, command->sender_tag, command->data);
          g_atomic_int_inc (&self->sends_processed);
          break;
        case COMMAND_SET_COVER:
          self->cover_traffic = command->cover_traffic && !self->config.zero_delay;
          if (!self->cover_traffic)
            clear_source (&self->cover_timer);
          stream_kick (self);
          loop_cover_kick (self);
          break;
        case COMMAND_STOP:
          begin_stop (self);
          break;
        }
      command_free (command);
    }
  return G_SOURCE_REMOVE;
}

/* Always through a source on the runtime's context: g_main_context_invoke would run the
 * command right here, on the caller's thread, whenever the runtime thread does not hold its
 * context at that moment (before its loop runs or after it ended). */
static void
post (NymClientRuntime *self,
      Command          *command)
{
  GSource *source = g_idle_source_new ();

  g_async_queue_push (self->commands, command);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, drain_commands, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* The thread. */

static void
out_fragment_drop (gpointer data)
{
  OutFragment *out = data;

  out->in_queue = false;
  out->in_table = false;
  out_fragment_release (out);
}

static void
release_everything (NymClientRuntime *self)
{
  GList *unacked = g_hash_table_get_values (self->unacked_table);

  clear_source (&self->stats_timer);
  clear_source (&self->sweep_timer);
  clear_source (&self->reply_sweep_timer);
  clear_source (&self->cover_timer);
  for (GList *l = unacked; l != NULL; l = l->next)
    {
      OutFragment *out = l->data;

      out->in_table = false;
      if (out->in_queue)
        continue;
      out_fragment_release (out);
    }
  g_list_free (unacked);
  g_hash_table_remove_all (self->unacked_table);
  g_queue_clear_full (&self->queue, out_fragment_drop);
  g_hash_table_remove_all (self->surb_senders);
  self->pending_replies = 0;
  g_atomic_int_set (&self->queued, 0);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) command_free);
  /* The proxy goes before the loop below runs the callbacks its closed connections left. */
  nym_client_runtime_socks5_stop (self, g_steal_pointer (&self->proxy));
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  if (self->refresher != NULL)
    g_signal_handlers_disconnect_by_data (self->refresher, self);
  g_clear_object (&self->refresher);
  g_clear_object (&self->api);
  g_clear_pointer (&self->snapshot, nym_topology_snapshot_unref);
  g_clear_pointer (&self->gateway, nym_topology_node_info_free);
  /* Sources the objects above left behind (closing sockets, finished tasks) run here, on
   * the context they belong to, before the thread ends. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_pointer (&self->keys, nym_client_keys_free);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reassembler, nym_reassembler_free);
}

static gboolean
on_thread_begin (gpointer user_data)
{
  NymClientRuntime *self = user_data;

  begin (self);
  drain_commands (self);
  return G_SOURCE_REMOVE;
}

static gpointer
runtime_thread (gpointer data)
{
  NymClientRuntime *self = data;
  GSource *source;

  g_main_context_push_thread_default (self->context);
  self->sweep_timer = 0;
  source = g_timeout_source_new_seconds (REASSEMBLY_SWEEP_S);
  g_source_set_callback (source, on_reassembly_sweep, self, NULL);
  self->sweep_timer = g_source_attach (source, self->context);
  g_source_unref (source);
  source = g_timeout_source_new (REPLY_SWEEP_MS);
  g_source_set_callback (source, on_reply_sweep, self, NULL);
  self->reply_sweep_timer = g_source_attach (source, self->context);
  g_source_unref (source);
  source = g_idle_source_new ();
  g_source_set_callback (source, on_thread_begin, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_main_loop_run (self->loop);

  release_everything (self);
  self->stopping = true;
  self->state = NYM_CLIENT_STATE_OFF;
  g_clear_pointer (&self->error_message, g_free);
  report (self, NYM_CLIENT_EVENT_STATS, NULL);
  report (self, NYM_CLIENT_EVENT_STATE, NULL);
  report (self, NYM_CLIENT_EVENT_STOPPED, NULL);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* Public API. */

void
nym_client_runtime_config_init (NymClientRuntimeConfig *config)
{
  memset (config, 0, sizeof *config);
  config->cover_traffic = true;
  config->average_packet_delay_ns = NYM_DEFAULT_AVERAGE_PACKET_DELAY_NS;
  config->average_ack_delay_ns = NYM_DEFAULT_AVERAGE_ACK_DELAY_NS;
  config->message_sending_average_delay_ns = NYM_DEFAULT_MESSAGE_SENDING_AVERAGE_DELAY_NS;
  config->loop_cover_average_delay_ns = NYM_DEFAULT_LOOP_COVER_DELAY_NS;
  config->packet_size = NYM_PACKET_SIZE_REGULAR;
  config->socks5_anonymous = true;
  config->socks5_reply_surbs = NYM_SOCKS5_PROXY_CONNECT_REPLY_SURBS;
}

void
nym_client_runtime_config_clear (NymClientRuntimeConfig *config)
{
  g_clear_pointer (&config->data_dir, g_free);
  g_clear_pointer (&config->nym_api_urls, g_strfreev);
  g_clear_pointer (&config->gateway_identity, g_free);
  g_clear_pointer (&config->socks5_address, g_free);
  g_clear_pointer (&config->socks5_exit, g_free);
}

NymClientRuntime *
nym_client_runtime_new (const NymClientRuntimeConfig *config,
                        GMainContext                 *report_context,
                        NymClientEventFunc            func,
                        gpointer                      user_data)
{
  NymClientRuntime *self = g_new0 (NymClientRuntime, 1);

  g_return_val_if_fail (config->data_dir != NULL && config->nym_api_urls != NULL, NULL);
  self->config = *config;
  self->config.data_dir = g_strdup (config->data_dir);
  self->config.nym_api_urls = g_strdupv (config->nym_api_urls);
  self->config.gateway_identity = g_strdup (config->gateway_identity);
  self->config.socks5_address = g_strdup (config->socks5_address);
  self->config.socks5_exit = g_strdup (config->socks5_exit);
  self->report_context = report_context != NULL ? g_main_context_ref (report_context)
                                                : g_main_context_ref_thread_default ();
  self->reporter = g_new0 (Reporter, 1);
  g_atomic_ref_count_init (&self->reporter->ref);
  self->reporter->alive = 1;
  self->reporter->func = func;
  self->reporter->user_data = user_data;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->commands = g_async_queue_new ();
  self->state = NYM_CLIENT_STATE_OFF;
  self->cover_traffic = config->cover_traffic && !config->zero_delay;
  self->cancellable = g_cancellable_new ();
  self->unacked_table = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->reassembler = nym_reassembler_new ();
  self->reconnect_ms = NYM_CLIENT_RECONNECT_INITIAL_MS;
  g_queue_init (&self->queue);
  g_queue_init (&self->deferred);
  g_queue_init (&self->reply_key_order);
  self->reply_keys = g_hash_table_new (digest_hash, digest_equal);
  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");
  self->reply_key_slab = sodium_malloc ((size_t) (REPLY_KEYS_MAX + 1) * NYM_REPLY_SURB_KEY_LEN);
  if (self->reply_key_slab == NULL)
    g_error ("No secure memory is left for the reply SURB keys");
  self->packet_scratch = nym_packet_scratch_new ();
  self->free_slots = g_new (guint, REPLY_KEYS_MAX);
  for (guint i = 0; i < REPLY_KEYS_MAX; i++)
    self->free_slots[i] = REPLY_KEYS_MAX - 1 - i;
  self->n_free_slots = REPLY_KEYS_MAX;
  self->surb_senders = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                              surb_sender_free);
  self->sender_tags = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, g_free);
  g_mutex_init (&self->backlog_lock);
  self->backlog = g_hash_table_new_full (tag_hash, tag_equal, g_free, NULL);
  return self;
}

void
nym_client_runtime_start (NymClientRuntime *self)
{
  if (!g_atomic_int_compare_and_exchange (&self->started, 0, 1))
    return;
  self->thread = g_thread_new ("nym-mixnet", runtime_thread, self);
}

void
nym_client_runtime_send (NymClientRuntime   *self,
                         const NymRecipient *recipient,
                         GBytes             *data)
{
  Command *command = g_new0 (Command, 1);

  g_atomic_int_inc (&self->sends_posted);
  command->kind = COMMAND_SEND;
  command->counted = true;
  command->recipient = *recipient;
  command->data = g_bytes_ref (data);
  post (self, command);
}

void
nym_client_runtime_send_anonymous (NymClientRuntime   *self,
                                   const NymRecipient *recipient,
                                   GBytes             *data,
                                   guint               reply_surbs)
{
  Command *command = g_new0 (Command, 1);

  g_atomic_int_inc (&self->sends_posted);
  command->kind = COMMAND_SEND;
  command->counted = true;
  command->recipient = *recipient;
  command->data = g_bytes_ref (data);
  command->reply_surbs = reply_surbs;
  command->anonymous = true;
  post (self, command);
}

void
nym_client_runtime_reply (NymClientRuntime *self,
                          const uint8_t     sender_tag[static 16],
                          GBytes           *data)
{
  Command *command = g_new0 (Command, 1);

  g_atomic_int_inc (&self->sends_posted);
  command->kind = COMMAND_REPLY;
  memcpy (command->sender_tag, sender_tag, NYM_SENDER_TAG_LEN);
  command->data = g_bytes_ref (data);
  post (self, command);
}

guint64
nym_client_runtime_get_loop_cover_packets (NymClientRuntime *self)
{
  return (guint64) g_atomic_int_get (&self->loop_cover_packets);
}

guint
nym_client_runtime_get_queued (NymClientRuntime *self)
{
  return (guint) g_atomic_int_get (&self->queued);
}

guint
nym_client_runtime_get_reply_backlog (NymClientRuntime *self,
                                      const uint8_t     sender_tag[static 16])
{
  guint waiting;

  g_mutex_lock (&self->backlog_lock);
  waiting = GPOINTER_TO_UINT (g_hash_table_lookup (self->backlog, sender_tag));
  g_mutex_unlock (&self->backlog_lock);
  return waiting;
}

GMainContext *
nym_client_runtime_get_context (NymClientRuntime *self)
{
  return self->context;
}

void
nym_client_runtime_set_hooks (NymClientRuntime            *self,
                              const NymClientRuntimeHooks *hooks,
                              gpointer                     user_data)
{
  if (hooks != NULL)
    self->hooks = *hooks;
  else
    memset (&self->hooks, 0, sizeof self->hooks);
  self->hooks_data = user_data;
}

void
nym_client_runtime_queue_message (NymClientRuntime   *self,
                                  const NymRecipient *recipient,
                                  GBytes             *data,
                                  guint               reply_surbs)
{
  Command *command;

  if (self->stopping)
    return;
  command = g_new0 (Command, 1);
  command->kind = COMMAND_SEND;
  command->recipient = *recipient;
  command->data = g_bytes_ref (data);
  command->reply_surbs = reply_surbs;
  command->anonymous = reply_surbs > 0;
  if (must_defer (self, command))
    {
      g_queue_push_tail (&self->deferred, command);
      return;
    }
  queue_message (self, recipient, data, reply_surbs, command->anonymous);
  command_free (command);
}

void
nym_client_runtime_queue_reply (NymClientRuntime *self,
                                const uint8_t     sender_tag[static 16],
                                GBytes           *data)
{
  if (!self->stopping)
    queue_reply (self, sender_tag, data);
}

void
nym_client_runtime_set_cover (NymClientRuntime *self,
                              bool              cover_traffic)
{
  Command *command = g_new0 (Command, 1);

  command->kind = COMMAND_SET_COVER;
  command->cover_traffic = cover_traffic;
  post (self, command);
}

void
nym_client_runtime_stop (NymClientRuntime *self)
{
  Command *command;

  if (self->thread == NULL)
    return;
  command = g_new0 (Command, 1);
  command->kind = COMMAND_STOP;
  post (self, command);
  g_thread_join (g_steal_pointer (&self->thread));
}

guint64
nym_client_runtime_get_retransmissions (NymClientRuntime *self)
{
  return (guint64) g_atomic_int_get (&self->retransmissions);
}

guint
nym_client_runtime_get_unacked (NymClientRuntime *self)
{
  return (guint) g_atomic_int_get (&self->unacked);
}

bool
nym_client_runtime_is_idle (NymClientRuntime *self)
{
  /* Processed is read first: a send counted there has already created its fragments. */
  gint processed = g_atomic_int_get (&self->sends_processed);

  return processed == g_atomic_int_get (&self->sends_posted) && g_atomic_int_get (&self->fragments_alive) == 0;
}

void
nym_client_runtime_free (NymClientRuntime *self)
{
  Command *command;

  if (self == NULL)
    return;
  nym_client_runtime_stop (self);
  g_atomic_int_set (&self->reporter->alive, 0);
  reporter_unref (self->reporter);
  while ((command = g_async_queue_try_pop (self->commands)) != NULL)
    command_free (command);
  g_async_queue_unref (self->commands);
  /* A runtime that never ran still owns what new() made. */
  if (self->unacked_table != NULL)
    {
      g_queue_clear_full (&self->queue, out_fragment_drop);
      g_hash_table_unref (self->unacked_table);
    }
  g_queue_clear_full (&self->deferred, (GDestroyNotify) command_free);
  g_hash_table_unref (self->surb_senders);
  g_hash_table_unref (self->backlog);
  g_mutex_clear (&self->backlog_lock);
  g_hash_table_unref (self->sender_tags);
  g_queue_clear_full (&self->reply_key_order, g_free);
  g_hash_table_unref (self->reply_keys);
  sodium_free (self->reply_key_slab);
  nym_packet_scratch_free (self->packet_scratch);
  g_free (self->free_slots);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reassembler, nym_reassembler_free);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_main_context_unref (self->report_context);
  g_free (self->error_message);
  g_free (self->gateway_text);
  g_free (self->address);
  nym_client_runtime_config_clear (&self->config);
  g_free (self);
}
