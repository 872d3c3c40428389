/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nym packet sizes, packet types and key-rotation bytes with their wire tags (spec nym-packet.md §13, §15.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"
#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

/* §2, §13: every sphinx packet is a 348-byte header and a payload with 17 bytes of overhead
 * (the sizes come from sphinx/nym-sphinx.h). */
#define NYM_SPHINX_PACKET_OVERHEAD      (NYM_SPHINX_HEADER_SIZE + NYM_SPHINX_PAYLOAD_OVERHEAD)
#define NYM_ACK_IV_LEN                  16
#define NYM_FRAGMENT_ID_LEN             5
/* §19: a SURB-ACK is the first hop zero-padded to 19 bytes and a complete 386-byte ack packet. */
#define NYM_NODE_ADDRESS_MAX_UNPADDED   19
#define NYM_ACK_PACKET_LEN              (NYM_ACK_IV_LEN + NYM_FRAGMENT_ID_LEN + NYM_SPHINX_PACKET_OVERHEAD)
#define NYM_SURB_ACK_LEN                (NYM_NODE_ADDRESS_MAX_UNPADDED + NYM_ACK_PACKET_LEN)
#define NYM_ACK_PAYLOAD_LEN             (NYM_ACK_IV_LEN + NYM_FRAGMENT_ID_LEN)
/* §18: the 32 bytes after the SURB-ACK are an ephemeral key or a reply-key digest. */
#define NYM_E2E_KEY_PREFIX_LEN          32

typedef enum
{
  NYM_PACKET_SIZE_REGULAR        = 1,
  NYM_PACKET_SIZE_ACK            = 2,
  NYM_PACKET_SIZE_EXTENDED32     = 3,
  NYM_PACKET_SIZE_EXTENDED8      = 4,
  NYM_PACKET_SIZE_EXTENDED16     = 5,
  NYM_PACKET_SIZE_OUTFOX_REGULAR = 6,
  NYM_PACKET_SIZE_OUTFOX_ACK     = 7,
} NymPacketSize;

/* The five sphinx sizes, in tag order, for callers that iterate over every size. */
extern const NymPacketSize nym_packet_sphinx_sizes[5];

typedef enum
{
  NYM_PACKET_TYPE_MIX    = 0,
  NYM_PACKET_TYPE_OUTFOX = 2,
} NymPacketType;

typedef enum
{
  NYM_KEY_ROTATION_UNKNOWN = 0,
  NYM_KEY_ROTATION_ODD     = 1,
  NYM_KEY_ROTATION_EVEN    = 2,
} NymKeyRotation;

bool           nym_packet_size_from_tag         (uint8_t        tag,
                                                 NymPacketSize *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool           nym_packet_size_from_length      (size_t         packet_len,
                                                 NymPacketSize *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool           nym_packet_size_from_plaintext   (size_t         plaintext_len,
                                                 NymPacketSize *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool           nym_packet_size_from_name        (const char    *name,
                                                 NymPacketSize *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool           nym_packet_size_is_sphinx        (NymPacketSize  size);
size_t         nym_packet_size_total            (NymPacketSize  size);
size_t         nym_packet_size_payload          (NymPacketSize  size);
size_t         nym_packet_size_plaintext        (NymPacketSize  size);
size_t         nym_packet_size_fragment_capacity (NymPacketSize size);
size_t         nym_packet_size_delivered        (NymPacketSize  size);
const char    *nym_packet_size_name             (NymPacketSize  size);

bool           nym_packet_type_from_byte        (uint8_t        byte,
                                                 NymPacketType *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool           nym_key_rotation_from_byte       (uint8_t         byte,
                                                 NymKeyRotation *out,
                                                 GError        **error) G_GNUC_WARN_UNUSED_RESULT;
NymKeyRotation nym_key_rotation_from_id         (uint32_t        rotation_id);

G_END_DECLS
