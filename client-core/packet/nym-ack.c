/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Acknowledgements: ack payload encryption and SURB-ACK construction and parsing (spec nym-packet.md §19). */
#include "packet/nym-ack.h"

#include <sodium.h>
#include <string.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-packet.h"

/* §19: IV(16, random) ‖ AES-128-CTR(ack key, IV, fragment id). iv NULL draws a fresh one. */
bool
nym_ack_payload_encrypt (const uint8_t  ack_key[static 16],
                         const uint8_t *iv,
                         const uint8_t  fragment_id[static 5],
                         uint8_t        out[static 21])
{
  if (iv != NULL)
    memcpy (out, iv, NYM_ACK_IV_LEN);
  else
    nym_random_bytes (out, NYM_ACK_IV_LEN);
  return nym_aes128_ctr_xor (ack_key, out, fragment_id, out + NYM_ACK_IV_LEN, NYM_FRAGMENT_ID_LEN);
}

bool
nym_ack_payload_decrypt (const uint8_t  ack_key[static 16],
                         const uint8_t *payload,
                         size_t         len,
                         uint8_t        fragment_id[static 5],
                         GError       **error)
{
  if (len != NYM_ACK_PAYLOAD_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                   "An ack payload is %d bytes, got %zu", NYM_ACK_PAYLOAD_LEN, len);
      return false;
    }
  if (!nym_aes128_ctr_xor (ack_key, payload, payload + NYM_ACK_IV_LEN, fragment_id, NYM_FRAGMENT_ID_LEN))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      return false;
    }
  return true;
}

/*
 * §19: first hop zero-padded to 19 bytes ‖ a 386-byte ack packet over route (which ends at the
 * sender's own gateway) to destination (the sender's identity), carrying the encrypted
 * fragment id. initial_secret and iv may be NULL for fresh random values.
 */
bool
nym_surb_ack_create (uint16_t        version,
                     const NymRoute *route,
                     const uint8_t   destination[static 32],
                     const uint64_t *delays_ns,
                     const uint8_t  *initial_secret,
                     const uint8_t   ack_key[static 16],
                     const uint8_t  *iv,
                     const uint8_t   fragment_id[static 5],
                     uint8_t         out[static NYM_SURB_ACK_LEN],
                     GError        **error)
{
  NymSphinxDestination sphinx_destination = { 0 };
  uint8_t payload[NYM_ACK_PAYLOAD_LEN];
  uint8_t *own_secret = NULL;
  const uint8_t *secret;
  bool ok;

  if (!nym_ack_payload_encrypt (ack_key, iv, fragment_id, payload))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      return false;
    }
  memcpy (sphinx_destination.address, destination, 32);
  /* A given secret is used where it is (the packet preparer's secure scratch), which spares
   * every ack an allocation of secure memory and its system calls. */
  if (initial_secret == NULL)
    {
      own_secret = sodium_malloc (32);
      if (own_secret == NULL)
        g_error ("sodium_malloc failed: out of secure memory");
      nym_random_bytes (own_secret, 32);
    }
  secret = initial_secret != NULL ? initial_secret : own_secret;
  nym_node_address_encode_padded (&route->first_hop, out, NYM_NODE_ADDRESS_MAX_UNPADDED);
  ok = nym_sphinx_packet_create (version, route->hops, route->len, &sphinx_destination, delays_ns, secret,
                                 payload, sizeof payload, nym_packet_size_payload (NYM_PACKET_SIZE_ACK),
                                 out + NYM_NODE_ADDRESS_MAX_UNPADDED, error);
  if (own_secret != NULL)
    sodium_free (own_secret);
  if (!ok)
    nym_packet_error_wrap (error, "Could not build the SURB-ACK packet");
  return ok;
}

bool
nym_surb_ack_parse (const uint8_t  *bytes,
                    size_t          len,
                    NymNodeAddress *first_hop,
                    const uint8_t **ack_packet,
                    GError        **error)
{
  if (len != NYM_SURB_ACK_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE,
                   "A SURB-ACK is %d bytes, got %zu", NYM_SURB_ACK_LEN, len);
      return false;
    }
  if (!nym_node_address_decode (bytes, NYM_NODE_ADDRESS_MAX_UNPADDED, first_hop, NULL, error))
    return false;
  *ack_packet = bytes + NYM_NODE_ADDRESS_MAX_UNPADDED;
  return true;
}

/*
 * §10 step 7 (the final gateway): a 21-byte plaintext is an ack and is delivered whole; any
 * other plaintext starts with the SURB-ACK to forward, and the rest goes to the client.
 */
bool
nym_final_payload_split (const uint8_t  *plaintext,
                         size_t          len,
                         const uint8_t **surb_ack,
                         const uint8_t **delivered,
                         size_t         *delivered_len,
                         GError        **error)
{
  if (len == NYM_ACK_PAYLOAD_LEN)
    {
      *surb_ack = NULL;
      *delivered = plaintext;
      *delivered_len = len;
      return true;
    }
  if (len < NYM_SURB_ACK_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A %zu-byte final payload is neither an ack (21 bytes) nor holds a 405-byte SURB-ACK", len);
      return false;
    }
  *surb_ack = plaintext;
  *delivered = plaintext + NYM_SURB_ACK_LEN;
  *delivered_len = len - NYM_SURB_ACK_LEN;
  return true;
}

/* §19: (forward mix delays + ack mix delays) × 1.5 + 1.5 s, in nanoseconds. */
uint64_t
nym_ack_timeout_ns (uint64_t forward_mix_delays_ns,
                    uint64_t ack_mix_delays_ns)
{
  uint64_t sum = forward_mix_delays_ns + ack_mix_delays_ns;

  return sum + sum / 2 + 1500 * G_GUINT64_CONSTANT (1000000);
}
