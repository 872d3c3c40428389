/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymSocks5Proxy: the local SOCKS4/4a/5 listener that carries each TCP connection to a network requester through the mixnet (spec nym-gateway.md §5). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "packet/nym-recipient.h"
#include "socks5/nym-socks-error.h"

G_BEGIN_DECLS

/* §5.1: the Nym SOCKS5 client listens on 127.0.0.1:1080 unless told otherwise. */
#define NYM_SOCKS5_PROXY_DEFAULT_ADDRESS "127.0.0.1:1080"

/* §5.3: reply SURBs the Nym SOCKS5 client attaches to a Connect and to every Send in anonymous
 * mode (DEFAULT_CONNECTION_START_SURBS, DEFAULT_PER_REQUEST_SURBS). */
#define NYM_SOCKS5_PROXY_CONNECT_REPLY_SURBS 20
#define NYM_SOCKS5_PROXY_SEND_REPLY_SURBS    3

/* The most bytes read from a client socket into one Send request: four regular-packet
 * plaintexts, as the Nym client's reader (4 × 2048). */
#define NYM_SOCKS5_PROXY_CHUNK_SIZE 8192

/* An idle connection sends an empty Send this often so that the exit keeps it, and one that
 * hears nothing from the exit for the second interval is closed (the Nym client's
 * KEEPALIVE_INTERVAL and MIX_TTL). */
#define NYM_SOCKS5_PROXY_KEEPALIVE_S 60
#define NYM_SOCKS5_PROXY_IDLE_TIMEOUT_S (5 * 60)

/* A client that has not completed its SOCKS request this long after connecting is closed, so
 * that idle connections cannot pile up before the handshake. */
#define NYM_SOCKS5_PROXY_HANDSHAKE_TIMEOUT_MS (30 * 1000)

/* After the exit closed its side and everything it sent was written, a client that keeps its
 * side open is closed this much later (the Nym client's SHUTDOWN_TIMEOUT). */
#define NYM_SOCKS5_PROXY_SHUTDOWN_TIMEOUT_MS 3000

/*
 * How the proxy reaches the mixnet. Both functions are called on the thread the proxy was
 * created on (the mixnet thread) and must not call back into the proxy.
 */
typedef struct
{
  /* Queues data for recipient as one mixnet message: reply_surbs == 0 a plain message,
   * > 0 a repliable one carrying that many reply SURBs. */
  void  (*send)       (const NymRecipient *recipient,
                       GBytes             *data,
                       guint               reply_surbs,
                       gpointer            user_data);
  /* Fragments waiting in the send queue, for back-pressure. */
  guint (*get_queued) (gpointer            user_data);
} NymSocks5ProxyBackend;

typedef struct
{
  const char  *address;              /* "IP:PORT" or "[IPv6]:PORT" ("localhost" = 127.0.0.1); port 0 = any free port */
  bool         allow_non_loopback;   /* required for any address that is not a loopback one */
  NymRecipient exit;                 /* the network requester */
  bool         anonymous;            /* reply SURBs instead of our address (§5.3) */
  guint        connect_reply_surbs;  /* anonymous: SURBs on a Connect; 0 = NYM_SOCKS5_PROXY_CONNECT_REPLY_SURBS */
  guint        send_reply_surbs;     /* anonymous: SURBs on a Send; 0 = NYM_SOCKS5_PROXY_SEND_REPLY_SURBS */
  bool         legacy;               /* the legacy request encoding instead of the versioned one (§5.2) */
  guint        high_water;           /* stop reading clients while get_queued() is above this */
  guint        low_water;            /* and resume at or below this (also after drained()) */
  guint        keepalive_ms;         /* 0 = NYM_SOCKS5_PROXY_KEEPALIVE_S */
  guint        idle_timeout_ms;      /* 0 = NYM_SOCKS5_PROXY_IDLE_TIMEOUT_S */
  guint        shutdown_timeout_ms;  /* 0 = NYM_SOCKS5_PROXY_SHUTDOWN_TIMEOUT_MS */
  guint        handshake_timeout_ms; /* 0 = NYM_SOCKS5_PROXY_HANDSHAKE_TIMEOUT_MS */
} NymSocks5ProxyConfig;

typedef struct _NymSocks5Proxy NymSocks5Proxy;

/* Binds and starts listening on the thread-default main context of the caller, where all of
 * the proxy's work then happens; every other function must be called on that thread. The
 * proxy starts not ready: it refuses every CONNECT until set_ready (true). */
NymSocks5Proxy *nym_socks5_proxy_new               (const NymSocks5ProxyConfig  *config,
                                                    const NymSocks5ProxyBackend *backend,
                                                    gpointer                     backend_data,
                                                    GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
/* Closes every connection and the listener. */
void            nym_socks5_proxy_free              (NymSocks5Proxy              *self);

/* The bound address with its real port, "127.0.0.1:PORT" or "[::1]:PORT". */
const char     *nym_socks5_proxy_get_address       (NymSocks5Proxy              *self);
guint16         nym_socks5_proxy_get_port          (NymSocks5Proxy              *self);
/* Fail closed (UX.md point 3): while not ready every CONNECT is refused with SOCKS5 0x03
 * "network unreachable" (SOCKS4 0x5b); going from ready to not ready closes every open
 * connection. */
void            nym_socks5_proxy_set_ready         (NymSocks5Proxy              *self,
                                                    bool                         ready);
bool            nym_socks5_proxy_get_ready         (NymSocks5Proxy              *self);
/* Our own address, the return address of a Connect when not anonymous. */
void            nym_socks5_proxy_set_self_address  (NymSocks5Proxy              *self,
                                                    const NymRecipient          *address);
/* A message that arrived for us: consumed (true) when it is a network-requester response for
 * one of our connections, false for anything else. */
bool            nym_socks5_proxy_handle_message    (NymSocks5Proxy              *self,
                                                    const uint8_t               *sender_tag,
                                                    GBytes                      *data);
/* The send queue came down to the low water mark: clients are read again. */
void            nym_socks5_proxy_drained           (NymSocks5Proxy              *self);
/* Open client connections (handshaking or proxying). */
guint           nym_socks5_proxy_get_n_connections (NymSocks5Proxy              *self);
/* True while reading clients is paused for back-pressure. */
bool            nym_socks5_proxy_is_throttled      (NymSocks5Proxy              *self);

/* "IP:PORT" into an address (no name lookup; "localhost" is 127.0.0.1). */
GInetSocketAddress *nym_socks5_proxy_parse_address (const char                  *text,
                                                    GError                     **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymSocks5Proxy, nym_socks5_proxy_free)

G_END_DECLS
