/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Packet carriage between client and gateway: ForwardSphinx(V2), PushedMixMessage and the AES-256-GCM-SIV binary frame (spec nym-gateway.md §1.8–§1.9, nym-packet.md §15.3). */
#include "packet/nym-gateway-frame.h"

#include <string.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-keys.h"

/*
 * §15.3: kind 1 = packet_type ‖ first hop (7 or 19 bytes, unpadded) ‖ packet;
 * kind 2 adds the key-rotation byte after the packet type.
 */
GByteArray *
nym_forward_sphinx_encode (NymGatewayRequestKind kind,
                           NymPacketType         type,
                           NymKeyRotation        rotation,
                           const NymNodeAddress *first_hop,
                           const uint8_t        *packet,
                           size_t                packet_len,
                           GError              **error)
{
  g_autoptr(GByteArray) out = NULL;
  NymPacketSize size;
  uint8_t address[NYM_NODE_ADDRESS_V6_LEN];
  size_t address_len;
  uint8_t byte;

  if (kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX && kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a forward request kind (1 or 2)", (unsigned) kind);
      return NULL;
    }
  if (!nym_packet_size_from_length (packet_len, &size, error))
    return NULL;
  out = g_byte_array_sized_new ((guint) (packet_len + 21));
  byte = (uint8_t) type;
  g_byte_array_append (out, &byte, 1);
  if (kind == NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2)
    {
      byte = (uint8_t) rotation;
      g_byte_array_append (out, &byte, 1);
    }
  address_len = nym_node_address_encode (first_hop, address);
  g_byte_array_append (out, address, (guint) address_len);
  g_byte_array_append (out, packet, (guint) packet_len);
  return g_steal_pointer (&out);
}

bool
nym_forward_sphinx_decode (NymGatewayRequestKind kind,
                           const uint8_t        *plaintext,
                           size_t                len,
                           NymForwardSphinx     *out,
                           GError              **error)
{
  NymForwardSphinx parsed = { 0 };
  size_t offset = 0;
  size_t consumed = 0;

  if (kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX && kind != NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE,
                   "%u is not a forward request kind (1 or 2)", (unsigned) kind);
      return false;
    }
  if (len < (kind == NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2 ? 2u : 1u))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A forward request of kind %u is too short (%zu bytes)", (unsigned) kind, len);
      return false;
    }
  if (!nym_packet_type_from_byte (plaintext[offset++], &parsed.type, error))
    return false;
  parsed.rotation = NYM_KEY_ROTATION_UNKNOWN;
  if (kind == NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2
      && !nym_key_rotation_from_byte (plaintext[offset++], &parsed.rotation, error))
    return false;
  if (!nym_node_address_decode (plaintext + offset, len - offset, &parsed.first_hop, &consumed, error))
    return false;
  offset += consumed;
  if (!nym_packet_size_from_length (len - offset, &parsed.size, error))
    {
      g_prefix_error (error, "Invalid forwarded packet: ");
      return false;
    }
  parsed.packet = plaintext + offset;
  parsed.packet_len = len - offset;
  *out = parsed;
  return true;
}

/*
 * Gateway §1.8: kind ‖ 0x01 ‖ nonce(12) ‖ AES-256-GCM-SIV(key, nonce, no AAD, plaintext) ‖ tag.
 * nonce NULL draws a random one, as every real peer does per frame.
 */
GByteArray *
nym_gateway_frame_seal (uint8_t        kind,
                        const uint8_t  key[static 32],
                        const uint8_t *nonce,
                        const uint8_t *plaintext,
                        size_t         len,
                        GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new ((guint) (len + NYM_GATEWAY_FRAME_OVERHEAD));
  uint8_t *nonce_out;

  g_byte_array_set_size (out, (guint) (len + NYM_GATEWAY_FRAME_OVERHEAD));
  out->data[0] = kind;
  out->data[1] = 1;
  nonce_out = out->data + 2;
  if (nonce != NULL)
    memcpy (nonce_out, nonce, NYM_GATEWAY_FRAME_NONCE_LEN);
  else
    nym_random_bytes (nonce_out, NYM_GATEWAY_FRAME_NONCE_LEN);
  if (!nym_aes256_gcm_siv_encrypt (key, nonce_out, NULL, 0, plaintext, len,
                                   out->data + 2 + NYM_GATEWAY_FRAME_NONCE_LEN))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-256-GCM-SIV encryption failed");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/*
 * Returns the plaintext and the frame's kind. Flag 0 (never sent by real peers) means the
 * bytes after the nonce slot are the plaintext itself, as the reference decoder reads them.
 */
GByteArray *
nym_gateway_frame_open (const uint8_t  key[static 32],
                        const uint8_t *frame,
                        size_t         len,
                        uint8_t       *kind,
                        GError       **error)
{
  g_autoptr(GByteArray) out = NULL;
  size_t body_len;

  if (len < 2 + NYM_GATEWAY_FRAME_NONCE_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A binary frame needs at least 14 bytes, got %zu", len);
      return NULL;
    }
  if (frame[1] > 1)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAME,
                   "%u is not a valid encryption flag (0 or 1)", frame[1]);
      return NULL;
    }
  body_len = len - 2 - NYM_GATEWAY_FRAME_NONCE_LEN;
  if (frame[1] == 0)
    {
      out = g_byte_array_sized_new ((guint) body_len);
      g_byte_array_append (out, frame + 2 + NYM_GATEWAY_FRAME_NONCE_LEN, (guint) body_len);
      *kind = frame[0];
      return g_steal_pointer (&out);
    }
  if (body_len < NYM_GATEWAY_FRAME_TAG_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "An encrypted binary frame needs a 16-byte tag, only %zu bytes follow the nonce", body_len);
      return NULL;
    }
  out = g_byte_array_sized_new ((guint) (body_len - NYM_GATEWAY_FRAME_TAG_LEN));
  g_byte_array_set_size (out, (guint) (body_len - NYM_GATEWAY_FRAME_TAG_LEN));
  if (!nym_aes256_gcm_siv_decrypt (key, frame + 2, NULL, 0, frame + 2 + NYM_GATEWAY_FRAME_NONCE_LEN,
                                   body_len, out->data))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED,
                   "The binary frame does not authenticate under the gateway key (wrong tag)");
      return NULL;
    }
  *kind = frame[0];
  return g_steal_pointer (&out);
}
