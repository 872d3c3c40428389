/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymClient: the GObject through which the UI thread starts, stops and watches the mixnet client runtime. */
#pragma once

#include <stdbool.h>
#include <gio/gio.h>

#include "runtime/nym-client-runtime.h"

G_BEGIN_DECLS

#define NYM_CLIENT_ERROR (nym_client_error_quark ())

typedef enum
{
  NYM_CLIENT_ERROR_RUNNING,      /* start while a runtime is already running */
  NYM_CLIENT_ERROR_NOT_RUNNING,  /* send while no runtime is running */
  NYM_CLIENT_ERROR_CONFIG,       /* the configuration lacks something it needs */
  NYM_CLIENT_ERROR_INVALID,      /* an argument out of range (no reply SURBs for an anonymous message) */
} NymClientError;

GQuark nym_client_error_quark (void);

/*
 * Lives on the thread that creates it and mirrors a NymClientRuntime there: every property
 * and signal is updated on that thread's thread-default context (properties are notified
 * explicitly, only on change).
 *
 * Properties (read-only): "state" (NymClientState), "error-message", "gateway" (base58
 * identity), "address" (our Recipient), "bytes-sent", "bytes-received", "packets-sent",
 * "packets-received", "socks-address" (the SOCKS5 proxy's "127.0.0.1:PORT" while it accepts
 * connections, else NULL). Signal "message-received" (GBytes *data) for every complete message that carries
 * no sender tag, "anonymous-message-received" (GBytes *data, const char *sender_tag in
 * base58) for every one that does (its sender attached reply SURBs).
 */
#define NYM_TYPE_CLIENT (nym_client_get_type ())

G_DECLARE_FINAL_TYPE (NymClient, nym_client, NYM, CLIENT, GObject)

NymClient      *nym_client_new                  (void);
/* Starts a runtime with config (copied). Fails if one is already running. */
bool            nym_client_start                (NymClient                    *self,
                                                 const NymClientRuntimeConfig *config,
                                                 GError                      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Ends the runtime and joins its thread; the state becomes "off". */
void            nym_client_stop                 (NymClient                    *self);
/* Queues data for recipient (a Recipient text); fails for a bad address or when stopped. */
bool            nym_client_send_message         (NymClient                    *self,
                                                 const char                   *recipient,
                                                 GBytes                       *data,
                                                 GError                      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Queues data for recipient as an anonymous message with reply_surbs (at least 1) reply SURBs. */
bool            nym_client_send_anonymous       (NymClient                    *self,
                                                 const char                   *recipient,
                                                 GBytes                       *data,
                                                 guint                         reply_surbs,
                                                 GError                      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Answers the anonymous sender with sender_tag (base58) through its reply SURBs; fails for
 * a malformed tag (an unknown one is reported as the runtime's error message). */
bool            nym_client_reply                (NymClient                    *self,
                                                 const char                   *sender_tag,
                                                 GBytes                       *data,
                                                 GError                      **error) G_GNUC_WARN_UNUSED_RESULT;
void            nym_client_set_cover_traffic    (NymClient                    *self,
                                                 bool                          cover_traffic);

NymClientState  nym_client_get_state            (NymClient                    *self);
const char     *nym_client_get_error_message    (NymClient                    *self);
const char     *nym_client_get_gateway          (NymClient                    *self);
const char     *nym_client_get_address          (NymClient                    *self);
const char     *nym_client_get_socks_address    (NymClient                    *self);
guint64         nym_client_get_bytes_sent       (NymClient                    *self);
guint64         nym_client_get_bytes_received   (NymClient                    *self);
guint64         nym_client_get_packets_sent     (NymClient                    *self);
guint64         nym_client_get_packets_received (NymClient                    *self);
/* The running runtime (borrowed), or NULL; for tests that look at its counters. */
NymClientRuntime *nym_client_get_runtime        (NymClient                    *self);

G_END_DECLS
