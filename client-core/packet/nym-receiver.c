/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opens what the gateway delivers: acks, regular fragments, replies and cover (spec nym-packet.md §18–§19, nym-gateway.md §1.9). */
#include "packet/nym-receiver.h"

#include <string.h>

#include "packet/nym-ack.h"
#include "packet/nym-cover.h"
#include "packet/nym-e2e.h"

void
nym_received_clear (NymReceived *received)
{
  g_clear_pointer (&received->fragment, g_byte_array_unref);
  memset (received, 0, sizeof *received);
}

/*
 * Gateway §1.9: 21 bytes are an ack; otherwise the first 32 bytes are either a known reply-key
 * digest (reply path) or an ephemeral key (regular path); a decrypted fragment that starts with
 * the cover text is cover traffic (§18, client-core received_buffer.rs).
 */
bool
nym_received_open (const uint8_t     own_private_key[static 32],
                   const uint8_t     ack_key[static 16],
                   NymReplyKeyLookup lookup,
                   gpointer          user_data,
                   const uint8_t    *delivered,
                   size_t            len,
                   NymReceived      *out,
                   GError          **error)
{
  NymReceived result = { 0 };
  g_autoptr(GByteArray) fragment = NULL;
  const uint8_t *reply_key = NULL;

  if (len == NYM_ACK_PAYLOAD_LEN)
    {
      if (!nym_ack_payload_decrypt (ack_key, delivered, len, result.fragment_id, error))
        return false;
      result.kind = NYM_RECEIVED_ACK;
      *out = result;
      return true;
    }
  if (len <= NYM_E2E_PREFIX_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A %zu-byte delivery is neither an ack nor an encrypted fragment", len);
      return false;
    }
  fragment = g_byte_array_sized_new ((guint) (len - NYM_E2E_PREFIX_LEN));
  g_byte_array_set_size (fragment, (guint) (len - NYM_E2E_PREFIX_LEN));
  if (lookup != NULL)
    reply_key = lookup (delivered, user_data);
  if (reply_key != NULL)
    {
      if (!nym_e2e_decrypt_reply (reply_key, delivered, len, fragment->data, error))
        return false;
      result.kind = NYM_RECEIVED_REPLY_FRAGMENT;
    }
  else
    {
      if (!nym_e2e_decrypt_fragment (own_private_key, delivered, len, fragment->data, error))
        return false;
      result.kind = nym_cover_payload_is_cover (fragment->data, fragment->len) ? NYM_RECEIVED_COVER
                                                                               : NYM_RECEIVED_FRAGMENT;
    }
  if (result.kind != NYM_RECEIVED_COVER)
    result.fragment = g_steal_pointer (&fragment);
  *out = result;
  return true;
}
