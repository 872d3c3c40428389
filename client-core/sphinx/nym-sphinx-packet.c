/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx packets: creation by a sender and unwrapping at a hop (nym-packet.md §5–§10). */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-blake3.h"
#include "crypto/nym-keys.h"
#include "crypto/nym-lioness.h"
#include "sphinx/nym-sphinx-header.h"
#include "sphinx/nym-sphinx-keys.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-payload.h"

/* Per-packet secrets (shared secrets, expanded secrets, payload keys, the final padding) live
 * on the stack and are wiped with sodium_memzero before every return, as libsodium does
 * internally: a sodium_malloc per packet costs several system calls, more than unwrapping the
 * packet itself. Long-lived keys (node keys, SURB keys, returned payload keys) belong in the
 * caller's sodium_malloc memory. */

/* The real client fills the end of the final block with fresh random bytes (§6, §23 Q2).
 * Deriving them from the per-packet secret keeps them unpredictable to everyone but the
 * sender while making packet creation a function of its inputs, which the tests need. */
static void
derive_final_padding (const uint8_t initial_secret[static 32],
                      uint8_t      *padding,
                      size_t        len)
{
  NymBlake3 hasher;

  nym_blake3_init_derive_key (&hasher, "nymph 2026-11 sphinx final-hop routing padding");
  nym_blake3_update (&hasher, initial_secret, 32);
  nym_blake3_finalize (&hasher, padding, len);
  sodium_memzero (&hasher, sizeof hasher);
}

static bool
check_route (const NymSphinxNode        *route,
             size_t                      route_len,
             const uint64_t             *delays_ns,
             const NymSphinxDestination *destination,
             GError                    **error)
{
  if (route_len < 1 || route_len > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                   "A Sphinx route has 1 to %d hops, not %zu", NYM_SPHINX_MAX_PATH_LENGTH, route_len);
      return false;
    }
  if (route == NULL || delays_ns == NULL || destination == NULL)
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                           "A Sphinx route needs its nodes, one delay per node and a destination");
      return false;
    }
  return true;
}

bool
nym_sphinx_header_create (uint16_t                    version,
                          const NymSphinxNode        *route,
                          size_t                      route_len,
                          const NymSphinxDestination *destination,
                          const uint64_t             *delays_ns,
                          const uint8_t               initial_secret[static 32],
                          uint8_t                     header[static NYM_SPHINX_HEADER_SIZE],
                          uint8_t                     expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                          GError                    **error)
{
  uint8_t padding[NYM_SPHINX_ROUTING_INFO_SIZE];
  uint8_t alpha0[32];
  bool ok;

  if (!check_route (route, route_len, delays_ns, destination, error))
    return false;
  if (!nym_sphinx_version_is_supported (version))
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_VERSION,
                   "Sphinx headers are built as version 258 or 259, not %u", version);
      return false;
    }
  if (!nym_sphinx_derive_hop_secrets (route, route_len, initial_secret, alpha0, expanded, error))
    return false;

  derive_final_padding (initial_secret, padding, nym_sphinx_final_padding_size (route_len));
  ok = nym_sphinx_header_build (version, route, route_len, destination, delays_ns,
                                (const uint8_t (*)[NYM_SPHINX_EXPANDED_SECRET_SIZE]) expanded,
                                padding, alpha0, header, error);
  sodium_memzero (padding, sizeof padding);
  return ok;
}

bool
nym_sphinx_packet_create_with_keys (uint16_t                    version,
                                    const NymSphinxNode        *route,
                                    size_t                      route_len,
                                    const NymSphinxDestination *destination,
                                    const uint64_t             *delays_ns,
                                    const uint8_t               initial_secret[static 32],
                                    const uint8_t              *message,
                                    size_t                      message_len,
                                    size_t                      payload_size,
                                    uint8_t                    *packet,
                                    uint8_t                     payload_keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                    GError                    **error)
{
  uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
  bool ok = false;

  /* Check the sizes before any expensive work, so that bad input fails fast. */
  if (payload_size < NYM_SPHINX_MIN_PAYLOAD_SIZE || payload_size > NYM_SPHINX_MAX_PAYLOAD_SIZE)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A Sphinx payload has %d to %d bytes, not %zu",
                   NYM_SPHINX_MIN_PAYLOAD_SIZE, NYM_SPHINX_MAX_PAYLOAD_SIZE, payload_size);
      return false;
    }
  if (message_len > payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG,
                   "A message of %zu bytes does not fit a %zu-byte Sphinx payload (at most %zu)",
                   message_len, payload_size, payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD);
      return false;
    }
  if (!check_route (route, route_len, delays_ns, destination, error))
    return false;

  if (!nym_sphinx_header_create (version, route, route_len, destination, delays_ns,
                                 initial_secret, packet, expanded, error))
    goto out;

  for (size_t i = 0; i < route_len; i++)
    {
      if (!nym_sphinx_payload_key_for_version (version, expanded[i], payload_keys[i]))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "HKDF-SHA256 failed while deriving the payload key of hop %zu", i);
          goto out;
        }
    }
  ok = nym_sphinx_payload_encapsulate (message, message_len,
                                       (const uint8_t (*)[NYM_SPHINX_PAYLOAD_KEY_SIZE]) payload_keys,
                                       route_len, packet + NYM_SPHINX_HEADER_SIZE, payload_size,
                                       error);

out:
  sodium_memzero (expanded, sizeof expanded);
  if (!ok)
    {
      sodium_memzero (payload_keys, route_len * NYM_SPHINX_PAYLOAD_KEY_SIZE);
      sodium_memzero (packet, NYM_SPHINX_HEADER_SIZE + payload_size);
    }
  return ok;
}

bool
nym_sphinx_packet_create (uint16_t                    version,
                          const NymSphinxNode        *route,
                          size_t                      route_len,
                          const NymSphinxDestination *destination,
                          const uint64_t             *delays_ns,
                          const uint8_t               initial_secret[static 32],
                          const uint8_t              *message,
                          size_t                      message_len,
                          size_t                      payload_size,
                          uint8_t                    *packet,
                          GError                    **error)
{
  uint8_t keys[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  bool ok;

  if (route_len > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                   "A Sphinx route has 1 to %d hops, not %zu", NYM_SPHINX_MAX_PATH_LENGTH, route_len);
      return false;
    }
  ok = nym_sphinx_packet_create_with_keys (version, route, route_len, destination, delays_ns,
                                           initial_secret, message, message_len, payload_size,
                                           packet, keys, error);
  sodium_memzero (keys, sizeof keys);
  return ok;
}

static uint64_t
read_u64_be (const uint8_t bytes[static 8])
{
  uint64_t value = 0;

  for (size_t i = 0; i < 8; i++)
    value = (value << 8) | bytes[i];
  return value;
}

bool
nym_sphinx_packet_unwrap (const uint8_t       node_secret[static 32],
                          const uint8_t      *packet,
                          size_t              packet_len,
                          uint8_t            *out,
                          NymSphinxUnwrapped *result,
                          GError            **error)
{
  const uint8_t *alpha = packet;
  const uint8_t *mac = packet + NYM_SPHINX_ALPHA_SIZE;
  const uint8_t *beta = mac + NYM_SPHINX_MAC_SIZE;
  uint8_t expanded[NYM_SPHINX_EXPANDED_SECRET_SIZE];
  uint8_t routing[NYM_SPHINX_STREAM_OUTPUT_SIZE];
  uint8_t payload_key[NYM_SPHINX_PAYLOAD_KEY_SIZE];
  uint8_t expected_mac[NYM_SPHINX_MAC_SIZE];
  uint8_t shared[32];
  size_t payload_len;
  uint16_t version;
  bool ok = false;

  if (packet_len < NYM_SPHINX_MIN_PACKET_SIZE || packet_len > NYM_SPHINX_MAX_PACKET_SIZE)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A Sphinx packet has %d to %d bytes, not %zu",
                   NYM_SPHINX_MIN_PACKET_SIZE, NYM_SPHINX_MAX_PACKET_SIZE, packet_len);
      return false;
    }
  g_return_val_if_fail (out + packet_len <= packet || packet + packet_len <= out, false);
  payload_len = packet_len - NYM_SPHINX_HEADER_SIZE;

  /* §10 step 2: the shared secret with α, and the MAC over β before anything else is read. */
  if (!nym_x25519 (shared, node_secret, alpha))
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_KEY,
                           "The packet's α gives an all-zero shared secret");
      goto out;
    }
  if (!nym_sphinx_expand_shared_secret (shared, expanded))
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                           "HKDF-SHA256 failed while expanding the shared secret");
      goto out;
    }
  if (!nym_sphinx_header_mac (expanded + NYM_SPHINX_MAC_KEY_OFFSET, beta, expected_mac))
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                           "HMAC-SHA256 failed while checking the header MAC");
      goto out;
    }
  if (sodium_memcmp (expected_mac, mac, NYM_SPHINX_MAC_SIZE) != 0)
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_MAC,
                           "The Sphinx header MAC does not verify (wrong node key or modified header)");
      goto out;
    }
  memcpy (result->replay_tag, expanded + NYM_SPHINX_REPLAY_TAG_OFFSET, NYM_SPHINX_REPLAY_TAG_SIZE);

  /* Step 4: flag and version. sphinx-packet reads the version without checking it; here
   * only the two versions of the 2026 network are processed, since the legacy ones (1, 257)
   * blind differently and any other value comes from no known sender. */
  if (!nym_sphinx_routing_info_unwrap (expanded + NYM_SPHINX_STREAM_KEY_OFFSET, beta, routing))
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                           "AES-128-CTR failed while decrypting the routing information");
      goto out;
    }
  if (routing[0] != NYM_SPHINX_FLAG_FORWARD_HOP && routing[0] != NYM_SPHINX_FLAG_FINAL_HOP)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_UNKNOWN_FLAG,
                   "Unknown Sphinx routing flag 0x%02x (expected 0x01 or 0x02)", routing[0]);
      goto out;
    }
  version = (uint16_t) ((routing[2] << 8) | routing[3]);
  if (routing[1] != 0 || !nym_sphinx_version_is_supported (version))
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_VERSION,
                   "Unsupported Sphinx header version %02x %02x %02x (expected 258 or 259)",
                   routing[1], routing[2], routing[3]);
      goto out;
    }
  result->version = version;

  /* Step 5: remove this hop's payload layer. */
  if (!nym_sphinx_payload_key_for_version (version, expanded, payload_key))
    {
      g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                           "HKDF-SHA256 failed while deriving the payload key");
      goto out;
    }

  if (routing[0] == NYM_SPHINX_FLAG_FORWARD_HOP)
    {
      /* Step 6: the next header is blind(α) ‖ γ' ‖ β'. */
      uint8_t *payload = out + NYM_SPHINX_HEADER_SIZE;

      memcpy (payload, packet + NYM_SPHINX_HEADER_SIZE, payload_len);
      if (!nym_lioness_decrypt (payload_key, payload, payload_len))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "LIONESS failed to decrypt a %zu-byte payload", payload_len);
          goto out;
        }
      if (!nym_x25519 (out, expanded + NYM_SPHINX_BLINDING_FACTOR_OFFSET, alpha))
        {
          g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_KEY,
                               "Blinding the packet's α gave an all-zero value");
          goto out;
        }
      memcpy (out + NYM_SPHINX_ALPHA_SIZE, routing + NYM_SPHINX_FORWARD_META_SIZE,
              NYM_SPHINX_MAC_SIZE + NYM_SPHINX_ROUTING_INFO_SIZE);
      result->kind = NYM_SPHINX_HOP_FORWARD;
      memcpy (result->next_hop_address, routing + 4, NYM_SPHINX_NODE_ADDRESS_LENGTH);
      result->delay_ns = read_u64_be (routing + 36);
      result->message = NULL;
      result->message_len = 0;
    }
  else
    {
      /* Step 7: the destination, the SURB identifier and the message. */
      size_t offset;
      size_t len;

      memcpy (out, packet + NYM_SPHINX_HEADER_SIZE, payload_len);
      if (!nym_lioness_decrypt (payload_key, out, payload_len))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "LIONESS failed to decrypt a %zu-byte payload", payload_len);
          goto out;
        }
      if (!nym_sphinx_payload_recover (out, payload_len, &offset, &len, error))
        goto out;
      result->kind = NYM_SPHINX_HOP_FINAL;
      memcpy (result->destination, routing + 4, NYM_SPHINX_DESTINATION_LENGTH);
      memcpy (result->surb_identifier, routing + 36, NYM_SPHINX_IDENTIFIER_LENGTH);
      result->message = out + offset;
      result->message_len = len;
      result->delay_ns = 0;
    }
  ok = true;

out:
  if (!ok)
    sodium_memzero (out, packet_len);
  sodium_memzero (shared, sizeof shared);
  sodium_memzero (expanded, sizeof expanded);
  sodium_memzero (routing, sizeof routing);
  sodium_memzero (payload_key, sizeof payload_key);
  return ok;
}
