/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node-to-node frame (NymCodec) that carries sphinx packets on mix links (spec nym-packet.md §15.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-size.h"

G_BEGIN_DECLS

#define NYM_NODE_FRAME_VERSION_INITIAL 7
#define NYM_NODE_FRAME_VERSION_CURRENT 8

typedef struct
{
  uint8_t        version;  /* 7 (3-byte header) or 8 (4-byte header with rotation) */
  NymPacketSize  size;
  NymPacketType  type;
  NymKeyRotation rotation; /* always UNKNOWN for version 7 */
} NymNodeFrameHeader;

typedef enum
{
  NYM_NODE_FRAME_INVALID,
  NYM_NODE_FRAME_INCOMPLETE,
  NYM_NODE_FRAME_COMPLETE,
} NymNodeFrameStatus;

size_t             nym_node_frame_header_len (uint8_t                   version);
bool               nym_node_frame_encode     (const NymNodeFrameHeader *header,
                                              const uint8_t            *packet,
                                              size_t                    packet_len,
                                              GByteArray               *out,
                                              GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
NymNodeFrameStatus nym_node_frame_decode     (const uint8_t            *buf,
                                              size_t                    len,
                                              NymNodeFrameHeader       *header,
                                              const uint8_t           **packet,
                                              size_t                   *packet_len,
                                              size_t                   *consumed,
                                              GError                  **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
