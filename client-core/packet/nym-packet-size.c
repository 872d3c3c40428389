/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nym packet sizes, packet types and key-rotation bytes with their wire tags (spec nym-packet.md §13, §15.1). */
#include "packet/nym-packet-size.h"

#include <string.h>

const NymPacketSize nym_packet_sphinx_sizes[5] = {
  NYM_PACKET_SIZE_REGULAR,
  NYM_PACKET_SIZE_ACK,
  NYM_PACKET_SIZE_EXTENDED32,
  NYM_PACKET_SIZE_EXTENDED8,
  NYM_PACKET_SIZE_EXTENDED16,
};

/*
 * Outfox sizes are known tags on the wire, but this client only builds and opens sphinx
 * packets (§22: "Mix only"), so every size function treats them as having no size.
 */
bool
nym_packet_size_is_sphinx (NymPacketSize size)
{
  switch (size)
    {
    case NYM_PACKET_SIZE_REGULAR:
    case NYM_PACKET_SIZE_ACK:
    case NYM_PACKET_SIZE_EXTENDED32:
    case NYM_PACKET_SIZE_EXTENDED8:
    case NYM_PACKET_SIZE_EXTENDED16:
      return true;
    case NYM_PACKET_SIZE_OUTFOX_REGULAR:
    case NYM_PACKET_SIZE_OUTFOX_ACK:
    default:
      return false;
    }
}

size_t
nym_packet_size_plaintext (NymPacketSize size)
{
  switch (size)
    {
    case NYM_PACKET_SIZE_REGULAR:
      return 2048;
    case NYM_PACKET_SIZE_ACK:
      return NYM_ACK_PAYLOAD_LEN;
    case NYM_PACKET_SIZE_EXTENDED32:
      return 32768;
    case NYM_PACKET_SIZE_EXTENDED8:
      return 8192;
    case NYM_PACKET_SIZE_EXTENDED16:
      return 16384;
    case NYM_PACKET_SIZE_OUTFOX_REGULAR:
    case NYM_PACKET_SIZE_OUTFOX_ACK:
    default:
      return 0;
    }
}

size_t
nym_packet_size_total (NymPacketSize size)
{
  size_t plaintext = nym_packet_size_plaintext (size);

  return plaintext == 0 ? 0 : plaintext + NYM_SPHINX_PACKET_OVERHEAD;
}

size_t
nym_packet_size_payload (NymPacketSize size)
{
  size_t plaintext = nym_packet_size_plaintext (size);

  return plaintext == 0 ? 0 : plaintext + NYM_SPHINX_PAYLOAD_OVERHEAD;
}

/* §17: what one fragment (header included) may take: plaintext − SURB-ACK − 32-byte key prefix. */
size_t
nym_packet_size_fragment_capacity (NymPacketSize size)
{
  size_t plaintext = nym_packet_size_plaintext (size);

  if (size == NYM_PACKET_SIZE_ACK || plaintext == 0)
    return 0;
  return plaintext - NYM_SURB_ACK_LEN - NYM_E2E_KEY_PREFIX_LEN;
}

/* §15.3, gateway §1.9: what the final gateway pushes to the client once the SURB-ACK is split off. */
size_t
nym_packet_size_delivered (NymPacketSize size)
{
  size_t plaintext = nym_packet_size_plaintext (size);

  if (plaintext == 0)
    return 0;
  if (size == NYM_PACKET_SIZE_ACK)
    return plaintext;
  return plaintext - NYM_SURB_ACK_LEN;
}

const char *
nym_packet_size_name (NymPacketSize size)
{
  switch (size)
    {
    case NYM_PACKET_SIZE_REGULAR:
      return "regular";
    case NYM_PACKET_SIZE_ACK:
      return "ack";
    case NYM_PACKET_SIZE_EXTENDED32:
      return "extended32";
    case NYM_PACKET_SIZE_EXTENDED8:
      return "extended8";
    case NYM_PACKET_SIZE_EXTENDED16:
      return "extended16";
    case NYM_PACKET_SIZE_OUTFOX_REGULAR:
      return "outfox_regular";
    case NYM_PACKET_SIZE_OUTFOX_ACK:
      return "outfox_ack";
    default:
      return "unknown";
    }
}

bool
nym_packet_size_from_tag (uint8_t        tag,
                          NymPacketSize *out,
                          GError       **error)
{
  if (tag == NYM_PACKET_SIZE_OUTFOX_REGULAR || tag == NYM_PACKET_SIZE_OUTFOX_ACK)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "Packet size tag %u is an Outfox size, which this client does not support", tag);
      return false;
    }
  if (!nym_packet_size_is_sphinx ((NymPacketSize) tag))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "%u is not a valid packet size tag", tag);
      return false;
    }
  *out = (NymPacketSize) tag;
  return true;
}

bool
nym_packet_size_from_length (size_t         packet_len,
                             NymPacketSize *out,
                             GError       **error)
{
  for (size_t i = 0; i < G_N_ELEMENTS (nym_packet_sphinx_sizes); i++)
    if (nym_packet_size_total (nym_packet_sphinx_sizes[i]) == packet_len)
      {
        *out = nym_packet_sphinx_sizes[i];
        return true;
      }
  g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
               "%zu bytes does not correspond with any known packet size", packet_len);
  return false;
}

bool
nym_packet_size_from_plaintext (size_t         plaintext_len,
                                NymPacketSize *out,
                                GError       **error)
{
  for (size_t i = 0; i < G_N_ELEMENTS (nym_packet_sphinx_sizes); i++)
    if (nym_packet_size_plaintext (nym_packet_sphinx_sizes[i]) == plaintext_len)
      {
        *out = nym_packet_sphinx_sizes[i];
        return true;
      }
  g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
               "A %zu-byte plaintext does not fit any known packet size", plaintext_len);
  return false;
}

bool
nym_packet_size_from_name (const char    *name,
                           NymPacketSize *out,
                           GError       **error)
{
  for (size_t i = 0; i < G_N_ELEMENTS (nym_packet_sphinx_sizes); i++)
    if (g_strcmp0 (name, nym_packet_size_name (nym_packet_sphinx_sizes[i])) == 0)
      {
        *out = nym_packet_sphinx_sizes[i];
        return true;
      }
  g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
               "“%s” is not a packet size name (regular, ack, extended8, extended16, extended32)",
               name != NULL ? name : "(null)");
  return false;
}

/* §13: value 1 was the old "Vpn" type and is rejected like any other unknown byte. */
bool
nym_packet_type_from_byte (uint8_t        byte,
                           NymPacketType *out,
                           GError       **error)
{
  if (byte != NYM_PACKET_TYPE_MIX && byte != NYM_PACKET_TYPE_OUTFOX)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a valid packet type (0 = Mix, 2 = Outfox)", byte);
      return false;
    }
  *out = (NymPacketType) byte;
  return true;
}

bool
nym_key_rotation_from_byte (uint8_t         byte,
                            NymKeyRotation *out,
                            GError        **error)
{
  if (byte > NYM_KEY_ROTATION_EVEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a valid sphinx key rotation (0, 1 or 2)", byte);
      return false;
    }
  *out = (NymKeyRotation) byte;
  return true;
}

/* §15.1: 0 and u32::MAX mean "no rotation known"; otherwise the parity decides. */
NymKeyRotation
nym_key_rotation_from_id (uint32_t rotation_id)
{
  if (rotation_id == 0 || rotation_id == G_MAXUINT32)
    return NYM_KEY_ROTATION_UNKNOWN;
  return (rotation_id % 2 == 0) ? NYM_KEY_ROTATION_EVEN : NYM_KEY_ROTATION_ODD;
}
