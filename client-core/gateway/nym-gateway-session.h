/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymGatewaySession: the websocket session a Nym client keeps with its gateway (spec nym-gateway.md §1, §1.12). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gio/gio.h>

#include "gateway/nym-client-keys.h"
#include "gateway/nym-client-store.h"
#include "gateway/nym-gateway-error.h"
#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"

G_BEGIN_DECLS

/* §1.10 step 2: below this many bytes of known bandwidth the client claims more. */
#define NYM_GATEWAY_BANDWIDTH_THRESHOLD G_GINT64_CONSTANT (40000000)

typedef enum
{
  NYM_GATEWAY_SESSION_DISCONNECTED,
  NYM_GATEWAY_SESSION_CONNECTING,
  NYM_GATEWAY_SESSION_REGISTERING,
  NYM_GATEWAY_SESSION_AUTHENTICATING,
  NYM_GATEWAY_SESSION_CLAIMING_BANDWIDTH,
  NYM_GATEWAY_SESSION_READY,
  NYM_GATEWAY_SESSION_FAILED,
} NymGatewaySessionState;

#define NYM_TYPE_GATEWAY_SESSION_STATE (nym_gateway_session_state_get_type ())
GType nym_gateway_session_state_get_type (void);

/*
 * One session with one gateway, on the GMainContext that is thread-default when the session
 * is created (libwebsockets runs on that context's loop; every signal, notification and
 * async callback is delivered there). connect runs §1.12 steps 2–4: supportedProtocol, the
 * registration handshake when the store holds no key for this gateway (the key is then
 * stored) or AuthenticateV2 when it does, and a free bandwidth claim when less than
 * NYM_GATEWAY_BANDWIDTH_THRESHOLD remains. Once "ready", send_packet forwards sphinx packets
 * and "received" (GBytes *plaintext) is emitted for each PushedMixMessage. A lost connection
 * moves the session to "failed" with a message in "error-message"; connect may be called
 * again from "failed" or "disconnected" (reconnection policy belongs to the caller).
 *
 * Properties (all notified explicitly): "state", "remaining-bandwidth" (bytes, as the gateway
 * last reported), "error-message" (the last failure or gateway error, for a user),
 * "protocol-version" (negotiated), "packets-sent", "packets-acknowledged" (send replies),
 * "timeout" (seconds allowed for every wait, default 30), "tls-ca-file" (a PEM file of the
 * certificate authorities a wss:// gateway's certificate must chain to; NULL, the default,
 * means the system's). A wss:// certificate is always verified, host name included.
 */
#define NYM_TYPE_GATEWAY_SESSION (nym_gateway_session_get_type ())

G_DECLARE_FINAL_TYPE (NymGatewaySession, nym_gateway_session, NYM, GATEWAY_SESSION, GObject)

NymGatewaySession      *nym_gateway_session_new                      (const char           *url,
                                                                      const uint8_t         gateway_identity[static 32],
                                                                      const NymClientKeys  *keys,
                                                                      NymClientStore       *store);

void                    nym_gateway_session_connect_async            (NymGatewaySession    *self,
                                                                      GCancellable         *cancellable,
                                                                      GAsyncReadyCallback   callback,
                                                                      gpointer              user_data);
bool                    nym_gateway_session_connect_finish           (NymGatewaySession    *self,
                                                                      GAsyncResult         *result,
                                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
bool                    nym_gateway_session_send_packet              (NymGatewaySession    *self,
                                                                      const NymNodeAddress *first_hop,
                                                                      const uint8_t        *packet,
                                                                      size_t                len,
                                                                      NymKeyRotation        rotation,
                                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void                    nym_gateway_session_ping_async               (NymGatewaySession    *self,
                                                                      GCancellable         *cancellable,
                                                                      GAsyncReadyCallback   callback,
                                                                      gpointer              user_data);
bool                    nym_gateway_session_ping_finish              (NymGatewaySession    *self,
                                                                      GAsyncResult         *result,
                                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void                    nym_gateway_session_close_async              (NymGatewaySession    *self,
                                                                      GCancellable         *cancellable,
                                                                      GAsyncReadyCallback   callback,
                                                                      gpointer              user_data);
bool                    nym_gateway_session_close_finish             (NymGatewaySession    *self,
                                                                      GAsyncResult         *result,
                                                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;

const char             *nym_gateway_session_get_url                  (NymGatewaySession    *self);
const uint8_t          *nym_gateway_session_get_gateway_identity     (NymGatewaySession    *self);
NymGatewaySessionState  nym_gateway_session_get_state                (NymGatewaySession    *self);
gint64                  nym_gateway_session_get_remaining_bandwidth  (NymGatewaySession    *self);
const char             *nym_gateway_session_get_error_message        (NymGatewaySession    *self);
guint                   nym_gateway_session_get_protocol_version     (NymGatewaySession    *self);
guint64                 nym_gateway_session_get_packets_sent         (NymGatewaySession    *self);
guint64                 nym_gateway_session_get_packets_acknowledged (NymGatewaySession    *self);
guint                   nym_gateway_session_get_timeout              (NymGatewaySession    *self);
void                    nym_gateway_session_set_timeout              (NymGatewaySession    *self,
                                                                      guint                 seconds);
const char             *nym_gateway_session_get_tls_ca_file          (NymGatewaySession    *self);
void                    nym_gateway_session_set_tls_ca_file          (NymGatewaySession    *self,
                                                                      const char           *path);

G_END_DECLS
