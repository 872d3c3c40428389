/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JSON text messages between client and gateway: requests built, ServerResponse parsed (spec nym-gateway.md §1.3, §1.6–§1.7). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "gateway/nym-gateway-error.h"

G_BEGIN_DECLS

typedef enum
{
  NYM_GATEWAY_REPLY_SUPPORTED_PROTOCOL,
  NYM_GATEWAY_REPLY_HANDSHAKE_PAYLOAD,
  NYM_GATEWAY_REPLY_HANDSHAKE_ERROR,
  NYM_GATEWAY_REPLY_REGISTER,
  NYM_GATEWAY_REPLY_AUTHENTICATE,
  NYM_GATEWAY_REPLY_BANDWIDTH,
  NYM_GATEWAY_REPLY_SEND,
  NYM_GATEWAY_REPLY_ERROR,
  NYM_GATEWAY_REPLY_OUT_OF_BANDWIDTH,
  NYM_GATEWAY_REPLY_TICKET_REPLAY,
  NYM_GATEWAY_REPLY_ENCRYPTED_RESPONSE,
} NymGatewayReplyType;

/* One parsed ServerResponse. Which fields are set depends on the type:
 * version (supportedProtocol, handshakePayload, register, authenticate), status (register,
 * authenticate), bandwidth (authenticate's bandwidth_remaining, bandwidth's available_total,
 * send's remaining_bandwidth, out_of_bandwidth's available), required (out_of_bandwidth),
 * data (handshakePayload), message (error, handshakeError). */
typedef struct
{
  NymGatewayReplyType type;
  guint               version;
  bool                status;
  gint64              bandwidth;
  gint64              required;
  bool                upgrade_mode;
  GByteArray         *data;
  char               *message;
} NymGatewayReply;

char *nym_gateway_request_simple_json      (const char      *type) G_GNUC_WARN_UNUSED_RESULT;
char *nym_gateway_handshake_payload_json   (uint8_t          protocol_version,
                                            const uint8_t   *data,
                                            size_t           len) G_GNUC_WARN_UNUSED_RESULT;
char *nym_gateway_handshake_error_json     (const char      *message) G_GNUC_WARN_UNUSED_RESULT;

bool  nym_gateway_reply_parse              (const char      *text,
                                            size_t           len,
                                            NymGatewayReply *out,
                                            GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void  nym_gateway_reply_clear              (NymGatewayReply *reply);

G_END_DECLS
