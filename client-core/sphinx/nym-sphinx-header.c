/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx header pieces: routing keystream, filler, MAC, layered routing information (nym-packet.md §6–§8). */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "sphinx/nym-sphinx-header.h"

static const uint8_t zero_iv[16] = { 0 };

bool
nym_sphinx_routing_keystream (const uint8_t stream_key[static 16],
                              uint8_t       keystream[static NYM_SPHINX_STREAM_OUTPUT_SIZE])
{
  memset (keystream, 0, NYM_SPHINX_STREAM_OUTPUT_SIZE);
  return nym_aes128_ctr_xor (stream_key, zero_iv, keystream, keystream,
                             NYM_SPHINX_STREAM_OUTPUT_SIZE);
}

bool
nym_sphinx_header_mac (const uint8_t mac_key[static 16],
                       const uint8_t beta[static NYM_SPHINX_ROUTING_INFO_SIZE],
                       uint8_t       mac[static NYM_SPHINX_MAC_SIZE])
{
  uint8_t full[32];
  bool ok;

  ok = nym_hmac_sha256_accelerated (mac_key, 16, beta, NYM_SPHINX_ROUTING_INFO_SIZE, full);
  memcpy (mac, full, NYM_SPHINX_MAC_SIZE);
  sodium_memzero (full, sizeof full);
  return ok;
}

/* §10 step 4: the 60 appended zero bytes become the tail that the filler predicted. */
bool
nym_sphinx_routing_info_unwrap (const uint8_t stream_key[static 16],
                                const uint8_t beta[static NYM_SPHINX_ROUTING_INFO_SIZE],
                                uint8_t       plaintext[static NYM_SPHINX_STREAM_OUTPUT_SIZE])
{
  memcpy (plaintext, beta, NYM_SPHINX_ROUTING_INFO_SIZE);
  memset (plaintext + NYM_SPHINX_ROUTING_INFO_SIZE, 0, NYM_SPHINX_HOP_SLOT_SIZE);
  return nym_aes128_ctr_xor (stream_key, zero_iv, plaintext, plaintext,
                             NYM_SPHINX_STREAM_OUTPUT_SIZE);
}

/* §7: after hop i − 1 appended its 60 zero bytes and decrypted, the tail of the routing
 * information is the filler so far, grown by 60 bytes and XORed with the end of ρ_{i−1}. */
static void
filler_from_keystreams (const uint8_t keystreams[][NYM_SPHINX_STREAM_OUTPUT_SIZE],
                        size_t        route_len,
                        uint8_t      *filler)
{
  for (size_t i = 1; i < route_len; i++)
    {
      size_t len = NYM_SPHINX_HOP_SLOT_SIZE * i;
      const uint8_t *tail = keystreams[i - 1] + NYM_SPHINX_STREAM_OUTPUT_SIZE - len;

      memset (filler + len - NYM_SPHINX_HOP_SLOT_SIZE, 0, NYM_SPHINX_HOP_SLOT_SIZE);
      for (size_t j = 0; j < len; j++)
        filler[j] ^= tail[j];
    }
}

bool
nym_sphinx_filler_compute (const uint8_t expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                           size_t        route_len,
                           uint8_t      *filler)
{
  uint8_t keystreams[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_STREAM_OUTPUT_SIZE];
  bool ok = true;

  g_return_val_if_fail (route_len >= 1 && route_len <= NYM_SPHINX_MAX_PATH_LENGTH, false);

  for (size_t i = 0; i + 1 < route_len && ok; i++)
    ok = nym_sphinx_routing_keystream (expanded[i] + NYM_SPHINX_STREAM_KEY_OFFSET, keystreams[i]);
  if (ok)
    filler_from_keystreams ((const uint8_t (*)[NYM_SPHINX_STREAM_OUTPUT_SIZE]) keystreams,
                            route_len, filler);
  sodium_memzero (keystreams, sizeof keystreams);
  return ok;
}

size_t
nym_sphinx_final_padding_size (size_t route_len)
{
  g_return_val_if_fail (route_len >= 1 && route_len <= NYM_SPHINX_MAX_PATH_LENGTH, 0);
  return NYM_SPHINX_STREAM_OUTPUT_SIZE - NYM_SPHINX_HOP_SLOT_SIZE * route_len
         - NYM_SPHINX_FINAL_META_SIZE;
}

/* §6: the version field is a zero byte followed by the u16, big-endian. */
static void
write_version (uint8_t  out[static 3],
               uint16_t version)
{
  out[0] = 0;
  out[1] = (uint8_t) (version >> 8);
  out[2] = (uint8_t) version;
}

bool
nym_sphinx_header_build (uint16_t                    version,
                         const NymSphinxNode        *route,
                         size_t                      route_len,
                         const NymSphinxDestination *destination,
                         const uint64_t             *delays_ns,
                         const uint8_t               expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                         const uint8_t              *final_padding,
                         const uint8_t               alpha0[static 32],
                         uint8_t                     header[static NYM_SPHINX_HEADER_SIZE],
                         GError                    **error)
{
  uint8_t keystreams[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_STREAM_OUTPUT_SIZE];
  uint8_t beta[NYM_SPHINX_ROUTING_INFO_SIZE];
  uint8_t block[NYM_SPHINX_ROUTING_INFO_SIZE];
  uint8_t mac[NYM_SPHINX_MAC_SIZE];
  size_t final_len;
  size_t n = route_len;
  bool ok = false;

  if (n < 1 || n > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                   "A Sphinx route has 1 to %d hops, not %zu", NYM_SPHINX_MAX_PATH_LENGTH, n);
      return false;
    }
  if (!nym_sphinx_version_is_supported (version))
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_VERSION,
                   "Sphinx headers are built as version 258 or 259, not %u", version);
      return false;
    }

  for (size_t i = 0; i < n; i++)
    {
      if (!nym_sphinx_routing_keystream (expanded[i] + NYM_SPHINX_STREAM_KEY_OFFSET, keystreams[i]))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "AES-128-CTR failed for the routing keystream of hop %zu", i);
          goto out;
        }
    }

  /* The innermost layer: the final block, encrypted for the last hop, followed by the filler
   * so that every hop's MAC covers exactly what that hop will see. */
  final_len = NYM_SPHINX_STREAM_OUTPUT_SIZE - NYM_SPHINX_HOP_SLOT_SIZE * n;
  beta[0] = NYM_SPHINX_FLAG_FINAL_HOP;
  write_version (beta + 1, version);
  memcpy (beta + 4, destination->address, NYM_SPHINX_DESTINATION_LENGTH);
  memcpy (beta + 36, destination->identifier, NYM_SPHINX_IDENTIFIER_LENGTH);
  memcpy (beta + NYM_SPHINX_FINAL_META_SIZE, final_padding, final_len - NYM_SPHINX_FINAL_META_SIZE);
  for (size_t j = 0; j < final_len; j++)
    beta[j] ^= keystreams[n - 1][j];
  filler_from_keystreams ((const uint8_t (*)[NYM_SPHINX_STREAM_OUTPUT_SIZE]) keystreams, n,
                          beta + final_len);
  if (!nym_sphinx_header_mac (expanded[n - 1] + NYM_SPHINX_MAC_KEY_OFFSET, beta, mac))
    goto mac_failed;

  /* Each outer layer tells its hop where to send the packet next, after which delay, and
   * carries the next hop's MAC and the first 240 bytes of its routing information. */
  for (size_t i = n - 1; i-- > 0;)
    {
      uint64_t delay = delays_ns[i];

      block[0] = NYM_SPHINX_FLAG_FORWARD_HOP;
      write_version (block + 1, version);
      memcpy (block + 4, route[i + 1].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
      for (size_t b = 0; b < NYM_SPHINX_DELAY_LENGTH; b++)
        block[36 + b] = (uint8_t) (delay >> (56 - 8 * b));
      memcpy (block + NYM_SPHINX_FORWARD_META_SIZE, mac, NYM_SPHINX_MAC_SIZE);
      memcpy (block + NYM_SPHINX_HOP_SLOT_SIZE, beta, NYM_SPHINX_TRUNCATED_ROUTING_SIZE);
      for (size_t j = 0; j < NYM_SPHINX_ROUTING_INFO_SIZE; j++)
        beta[j] = block[j] ^ keystreams[i][j];
      if (!nym_sphinx_header_mac (expanded[i] + NYM_SPHINX_MAC_KEY_OFFSET, beta, mac))
        goto mac_failed;
    }

  memcpy (header, alpha0, NYM_SPHINX_ALPHA_SIZE);
  memcpy (header + NYM_SPHINX_ALPHA_SIZE, mac, NYM_SPHINX_MAC_SIZE);
  memcpy (header + NYM_SPHINX_ALPHA_SIZE + NYM_SPHINX_MAC_SIZE, beta, NYM_SPHINX_ROUTING_INFO_SIZE);
  ok = true;
  goto out;

mac_failed:
  g_set_error_literal (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "HMAC-SHA256 failed while computing a header MAC");
out:
  sodium_memzero (keystreams, sizeof keystreams);
  sodium_memzero (block, sizeof block);
  sodium_memzero (beta, sizeof beta);
  sodium_memzero (mac, sizeof mac);
  return ok;
}
