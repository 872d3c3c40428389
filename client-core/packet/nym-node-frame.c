/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The node-to-node frame (NymCodec) that carries sphinx packets on mix links (spec nym-packet.md §15.1). */
#include "packet/nym-node-frame.h"

size_t
nym_node_frame_header_len (uint8_t version)
{
  return version == NYM_NODE_FRAME_VERSION_INITIAL ? 3 : 4;
}

static bool
check_version (uint8_t  version,
               GError **error)
{
  if (version < NYM_NODE_FRAME_VERSION_INITIAL || version > NYM_NODE_FRAME_VERSION_CURRENT)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNSUPPORTED_VERSION,
                   "Frame version %u is not supported (only 7 and 8 are)", version);
      return false;
    }
  return true;
}

/* The frame is the header followed by exactly the number of packet bytes its size tag names. */
bool
nym_node_frame_encode (const NymNodeFrameHeader *header,
                       const uint8_t            *packet,
                       size_t                    packet_len,
                       GByteArray               *out,
                       GError                  **error)
{
  uint8_t head[4];
  size_t expected;
  size_t head_len;

  if (!check_version (header->version, error))
    return false;
  expected = nym_packet_size_total (header->size);
  if (expected == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "Packet size %u cannot be framed by this client", (unsigned) header->size);
      return false;
    }
  if (packet_len != expected)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "A %s frame needs a %zu-byte packet, got %zu bytes",
                   nym_packet_size_name (header->size), expected, packet_len);
      return false;
    }
  head_len = nym_node_frame_header_len (header->version);
  head[0] = header->version;
  head[1] = (uint8_t) header->size;
  head[2] = (uint8_t) header->type;
  head[3] = (uint8_t) header->rotation;
  g_byte_array_append (out, head, (guint) head_len);
  g_byte_array_append (out, packet, (guint) packet_len);
  return true;
}

/*
 * Decodes one frame from the start of a stream buffer. INCOMPLETE means more bytes are needed
 * and nothing was consumed; COMPLETE points packet into buf and sets consumed to the frame's
 * length so the caller can continue with the next frame; INVALID sets error.
 */
NymNodeFrameStatus
nym_node_frame_decode (const uint8_t       *buf,
                       size_t               len,
                       NymNodeFrameHeader  *header,
                       const uint8_t      **packet,
                       size_t              *packet_len,
                       size_t              *consumed,
                       GError             **error)
{
  NymNodeFrameHeader parsed = { 0 };
  size_t head_len;
  size_t body_len;

  *consumed = 0;
  if (len < 3)
    return NYM_NODE_FRAME_INCOMPLETE;
  if (!check_version (buf[0], error))
    return NYM_NODE_FRAME_INVALID;
  parsed.version = buf[0];
  head_len = nym_node_frame_header_len (parsed.version);
  if (len < head_len)
    return NYM_NODE_FRAME_INCOMPLETE;
  if (!nym_packet_size_from_tag (buf[1], &parsed.size, error))
    return NYM_NODE_FRAME_INVALID;
  if (!nym_packet_type_from_byte (buf[2], &parsed.type, error))
    return NYM_NODE_FRAME_INVALID;
  parsed.rotation = NYM_KEY_ROTATION_UNKNOWN;
  if (head_len == 4 && !nym_key_rotation_from_byte (buf[3], &parsed.rotation, error))
    return NYM_NODE_FRAME_INVALID;
  body_len = nym_packet_size_total (parsed.size);
  if (len - head_len < body_len)
    return NYM_NODE_FRAME_INCOMPLETE;
  *header = parsed;
  *packet = buf + head_len;
  *packet_len = body_len;
  *consumed = head_len + body_len;
  return NYM_NODE_FRAME_COMPLETE;
}
