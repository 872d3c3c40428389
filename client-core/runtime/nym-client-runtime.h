/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymClientRuntime: the mixnet client thread that owns topology, gateway session, Poisson stream, acks and reassembly (spec nym-gateway.md §4, nym-packet.md §17–§21). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "packet/nym-packet-size.h"
#include "packet/nym-recipient.h"

G_BEGIN_DECLS

typedef enum
{
  NYM_CLIENT_STATE_OFF,
  NYM_CLIENT_STATE_FETCHING_TOPOLOGY,
  NYM_CLIENT_STATE_CONNECTING,
  NYM_CLIENT_STATE_REGISTERING,
  NYM_CLIENT_STATE_CLAIMING_BANDWIDTH,
  NYM_CLIENT_STATE_READY,
  NYM_CLIENT_STATE_RECONNECTING,
  NYM_CLIENT_STATE_ERROR,
} NymClientState;

#define NYM_TYPE_CLIENT_STATE (nym_client_state_get_type ())
GType nym_client_state_get_type (void);

/* §4.1: the main Poisson stream sends a packet every 20 ms on average. */
#define NYM_DEFAULT_MESSAGE_SENDING_AVERAGE_DELAY_NS (20 * G_GUINT64_CONSTANT (1000000))

/* Reply SURBs an anonymous message carries unless told otherwise (the real SDK's default). */
#define NYM_DEFAULT_REPLY_SURBS 10

/* The first and the longest wait before the runtime tries its gateway again. */
#define NYM_CLIENT_RECONNECT_INITIAL_MS 250
#define NYM_CLIENT_RECONNECT_MAX_MS     (30 * 1000)

/*
 * What a runtime is started with; copied by nym_client_runtime_new(). Defaults (from
 * nym_client_runtime_config_init) follow spec nym-gateway.md §4.1.
 */
typedef struct
{
  char         *data_dir;                 /* holds client.sqlite; created 0700 */
  char        **nym_api_urls;             /* NULL-terminated, at least one */
  char         *gateway_identity;         /* base58; NULL chooses one at random (§4.3) */
  bool          cover_traffic;            /* loop cover when no real packet is queued */
  bool          zero_delay;               /* tests, benchmarks: no mix delays, send at once, no cover */
  uint64_t      average_packet_delay_ns;  /* per hop */
  uint64_t      average_ack_delay_ns;     /* per hop */
  uint64_t      message_sending_average_delay_ns;
  uint64_t      loop_cover_average_delay_ns; /* the separate loop cover stream (§4.1); 0 switches it off */
  NymPacketSize packet_size;
  guint         gateway_timeout_s;        /* every wait of the gateway session */
  /* The SOCKS5 proxy (spec nym-gateway.md §5), which runs on the runtime thread. */
  char         *socks5_address;           /* "127.0.0.1:1080" (port 0: any free one); NULL: no proxy */
  char         *socks5_exit;              /* Recipient text of the network requester */
  bool          socks5_anonymous;         /* reply SURBs instead of our address (§5.3); default true */
  guint         socks5_reply_surbs;       /* anonymous: SURBs on each Connect; default 20 (§5.3) */
  bool          socks5_allow_non_loopback; /* let the proxy listen where other machines reach it */
  bool          socks5_legacy;            /* legacy instead of versioned NR requests (§5.2) */
} NymClientRuntimeConfig;

typedef enum
{
  NYM_CLIENT_EVENT_STATE,     /* state, error_message (ERROR/RECONNECTING), gateway, address */
  NYM_CLIENT_EVENT_STATS,     /* the four counters */
  NYM_CLIENT_EVENT_MESSAGE,   /* message: a complete message addressed to us */
  NYM_CLIENT_EVENT_STOPPED,   /* the thread has released everything and is about to end */
} NymClientEventKind;

/* An event as the caller's context receives it; every pointer is borrowed for the call. */
typedef struct
{
  NymClientEventKind kind;
  NymClientState     state;
  const char        *error_message;
  const char        *gateway;          /* base58 identity of the gateway in use, or NULL */
  const char        *address;          /* our Recipient text, or NULL before a gateway is known */
  guint64            bytes_sent;       /* sphinx bytes handed to the gateway (cover included) */
  guint64            bytes_received;   /* bytes the gateway pushed to us */
  guint64            packets_sent;
  guint64            packets_received;
  GBytes            *message;
  const uint8_t     *sender_tag;       /* MESSAGE: 16 bytes when the sender attached reply SURBs (anonymous), else NULL */
  const char        *socks_address;    /* STATE: "127.0.0.1:PORT" the proxy listens on while ready, else NULL */
} NymClientEvent;

typedef void (*NymClientEventFunc) (const NymClientEvent *event,
                                    gpointer              user_data);

typedef struct _NymClientRuntime NymClientRuntime;

void              nym_client_runtime_config_init  (NymClientRuntimeConfig       *config);
void              nym_client_runtime_config_clear (NymClientRuntimeConfig       *config);

/* Events are delivered on report_context (NULL: the thread-default context of the caller). */
NymClientRuntime *nym_client_runtime_new          (const NymClientRuntimeConfig *config,
                                                   GMainContext                 *report_context,
                                                   NymClientEventFunc            func,
                                                   gpointer                      user_data) G_GNUC_WARN_UNUSED_RESULT;
/* Starts the thread (once); it loads keys, fetches the topology, connects and reports each
 * step. Commands posted before ready wait in the queue. */
void              nym_client_runtime_start        (NymClientRuntime             *self);
/* Queues data for recipient; thread-safe. */
void              nym_client_runtime_send         (NymClientRuntime             *self,
                                                   const NymRecipient           *recipient,
                                                   GBytes                       *data);
/* Sends data as a Repliable message carrying our sender tag and reply_surbs reply SURBs
 * (nym-packet.md §17, §20); the receiver can answer without learning our address. With
 * reply_surbs == 0 the message is still Repliable, with an empty SURB list, as the real
 * client sends it: the receiver answers through SURBs it holds from earlier messages. */
void              nym_client_runtime_send_anonymous (NymClientRuntime         *self,
                                                     const NymRecipient       *recipient,
                                                     GBytes                   *data,
                                                     guint                     reply_surbs);
/* Answers the anonymous sender with tag through its stored reply SURBs; asks it for more
 * SURBs (SurbRequest) when they run short and queues data until they arrive. */
void              nym_client_runtime_reply        (NymClientRuntime             *self,
                                                   const uint8_t                 sender_tag[static 16],
                                                   GBytes                       *data);

/* Producers of much data stop while get_queued() is above the high water mark and resume
 * once it is at or below the low one (the "drained" hook of nym-client-runtime-private.h). */
#define NYM_CLIENT_RUNTIME_HIGH_WATER 256
#define NYM_CLIENT_RUNTIME_LOW_WATER  64

/* Fragments waiting in the send queue (not yet handed to the gateway); atomic, any thread.
 * Replies waiting for their sender's SURBs are not in it: they cannot go out before those
 * arrive, and a sender that went away must not hold back what others are sent. */
guint             nym_client_runtime_get_queued   (NymClientRuntime             *self);
/* Reply fragments for the anonymous sender with sender_tag that wait for its SURBs (0 for a
 * tag we hold nothing for); any thread. A producer of replies stops for that sender while
 * this is above NYM_CLIENT_RUNTIME_HIGH_WATER and resumes at or below _LOW_WATER. */
guint             nym_client_runtime_get_reply_backlog (NymClientRuntime        *self,
                                                        const uint8_t            sender_tag[static 16]);
/* Switches loop cover on or off while running. */
void              nym_client_runtime_set_cover    (NymClientRuntime             *self,
                                                   bool                          cover_traffic);
/* Closes the session, ends and joins the thread; no event is delivered afterwards except
 * those already queued, and none once the runtime is freed. Safe to call twice. */
void              nym_client_runtime_stop         (NymClientRuntime             *self);
void              nym_client_runtime_free         (NymClientRuntime             *self);

/* Test support: how many fragments were sent again because their ack was late, and how
 * many still wait for their ack. Only meaningful between events; read from any thread. */
guint64           nym_client_runtime_get_retransmissions (NymClientRuntime      *self);
guint             nym_client_runtime_get_unacked         (NymClientRuntime      *self);
/* True once every message given to send() was fragmented and each of its fragments was
 * acknowledged (or dropped as undeliverable); read from any thread. */
bool              nym_client_runtime_is_idle             (NymClientRuntime      *self);
/* Test support: loop cover packets the separate loop cover stream handed to the gateway. */
guint64           nym_client_runtime_get_loop_cover_packets (NymClientRuntime   *self);

/* The file in the data dir that names the gateway in use (base58), so that later runs
 * reuse the gateway the client registered with (spec nym-gateway.md §4.3). */
#define NYM_CLIENT_ACTIVE_GATEWAY_FILE_NAME "active-gateway"

/* The gateway a previous run chose for data_dir, or NULL (also for an unreadable or
 * malformed file, which the next run simply replaces). */
char             *nym_client_runtime_load_active_gateway (const char            *data_dir) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymClientRuntime, nym_client_runtime_free)

G_END_DECLS
