/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON text frames of the gateway protocol: client requests parsed, server responses built (spec nym-gateway.md §1.3–§1.7). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "localnet-gateway-handshake.h"

G_BEGIN_DECLS

typedef enum
{
  LOCALNET_GATEWAY_REQUEST_SUPPORTED_PROTOCOL,
  LOCALNET_GATEWAY_REQUEST_HANDSHAKE_PAYLOAD,
  LOCALNET_GATEWAY_REQUEST_HANDSHAKE_ERROR,
  LOCALNET_GATEWAY_REQUEST_AUTHENTICATE_V2,
  LOCALNET_GATEWAY_REQUEST_CLAIM_FREE_BANDWIDTH,
  /* §1.6: requests that exist but that this gateway answers only with an error. */
  LOCALNET_GATEWAY_REQUEST_LEGACY,
  LOCALNET_GATEWAY_REQUEST_UNSUPPORTED,
} LocalnetGatewayRequestKind;

typedef struct
{
  LocalnetGatewayRequestKind kind;
  char                      *type;             /* the "type" as sent */
  uint8_t                    protocol_version; /* handshakePayload */
  GBytes                    *data;             /* handshakePayload */
  char                      *message;          /* handshakeError */
  LocalnetGatewayAuthRequest auth;             /* authenticateV2 */
} LocalnetGatewayRequest;

bool  localnet_gateway_request_parse              (const char             *text,
                                                   size_t                  len,
                                                   LocalnetGatewayRequest *out,
                                                   GError                **error) G_GNUC_WARN_UNUSED_RESULT;
void  localnet_gateway_request_clear              (LocalnetGatewayRequest *request);

char *localnet_gateway_reply_supported_protocol   (uint8_t                 version);
char *localnet_gateway_reply_handshake_payload    (uint8_t                 version,
                                                   const uint8_t          *data,
                                                   size_t                  len);
char *localnet_gateway_reply_register             (uint8_t                 version);
char *localnet_gateway_reply_authenticate         (uint8_t                 version,
                                                   int64_t                 bandwidth_remaining);
char *localnet_gateway_reply_bandwidth            (int64_t                 available_total);
char *localnet_gateway_reply_send                 (int64_t                 remaining_bandwidth);
char *localnet_gateway_reply_error                (const char             *message);
char *localnet_gateway_reply_out_of_bandwidth     (int64_t                 required,
                                                   int64_t                 available);

G_END_DECLS
