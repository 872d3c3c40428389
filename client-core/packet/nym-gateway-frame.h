/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Packet carriage between client and gateway: ForwardSphinx(V2), PushedMixMessage and the AES-256-GCM-SIV binary frame (spec nym-gateway.md §1.8–§1.9, nym-packet.md §15.3). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"

G_BEGIN_DECLS

#define NYM_GATEWAY_FRAME_NONCE_LEN 12
#define NYM_GATEWAY_FRAME_TAG_LEN   16
#define NYM_GATEWAY_FRAME_OVERHEAD  (2 + NYM_GATEWAY_FRAME_NONCE_LEN + NYM_GATEWAY_FRAME_TAG_LEN)

typedef enum
{
  NYM_GATEWAY_REQUEST_FORWARD_SPHINX    = 1,
  NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2 = 2,
} NymGatewayRequestKind;

typedef enum
{
  NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE = 1,
} NymGatewayResponseKind;

typedef struct
{
  NymPacketType  type;
  NymKeyRotation rotation;  /* UNKNOWN for kind 1 */
  NymNodeAddress first_hop;
  NymPacketSize  size;
  const uint8_t *packet;    /* points into the decoded plaintext */
  size_t         packet_len;
} NymForwardSphinx;

GByteArray *nym_forward_sphinx_encode (NymGatewayRequestKind  kind,
                                       NymPacketType          type,
                                       NymKeyRotation         rotation,
                                       const NymNodeAddress  *first_hop,
                                       const uint8_t         *packet,
                                       size_t                 packet_len,
                                       GError               **error) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_forward_sphinx_decode (NymGatewayRequestKind  kind,
                                       const uint8_t         *plaintext,
                                       size_t                 len,
                                       NymForwardSphinx      *out,
                                       GError               **error) G_GNUC_WARN_UNUSED_RESULT;

GByteArray *nym_gateway_frame_seal    (uint8_t                kind,
                                       const uint8_t          key[static 32],
                                       const uint8_t         *nonce,
                                       const uint8_t         *plaintext,
                                       size_t                 len,
                                       GError               **error) G_GNUC_WARN_UNUSED_RESULT;
GByteArray *nym_gateway_frame_open    (const uint8_t          key[static 32],
                                       const uint8_t         *frame,
                                       size_t                 len,
                                       uint8_t               *kind,
                                       GError               **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
