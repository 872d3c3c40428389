/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turns fragments into sphinx packets ready for the gateway: regular, reply, loop cover, and reply SURBs (spec nym-packet.md §18–§21). */
#include "packet/nym-packet-preparer.h"

#include <sodium.h>
#include <string.h>

#include "crypto/nym-keys.h"
#include "packet/nym-ack.h"
#include "packet/nym-cover.h"
#include "packet/nym-e2e.h"
#include "packet/nym-poisson.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-surb.h"

void
nym_packet_preparer_init_defaults (NymPacketPreparer  *preparer,
                                   const NymTopology  *topology,
                                   const NymRecipient *self,
                                   const uint8_t       ack_key[static 16])
{
  memset (preparer, 0, sizeof *preparer);
  preparer->topology = topology;
  preparer->self = *self;
  preparer->ack_key = ack_key;
  preparer->size = NYM_PACKET_SIZE_REGULAR;
  /* §12: real traffic is version 259 whatever the legacy flag says. */
  preparer->version = NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS;
  preparer->average_packet_delay_ns = NYM_DEFAULT_AVERAGE_PACKET_DELAY_NS;
  preparer->average_ack_delay_ns = NYM_DEFAULT_AVERAGE_ACK_DELAY_NS;
}

void
nym_prepared_packet_clear (NymPreparedPacket *packet)
{
  g_clear_pointer (&packet->packet, g_bytes_unref);
  memset (packet, 0, sizeof *packet);
}

/* The mix part of a route's delays: every hop but the last (the gateway does not wait). */
static uint64_t
mix_delay_sum (const uint64_t *delays,
               size_t          len)
{
  uint64_t sum = 0;

  for (size_t i = 0; i + 1 < len; i++)
    sum += delays[i];
  return sum;
}

/* The per-packet secrets of NymPacketPreparer.scratch: the SURB a reply goes through (its
 * payload keys), the sphinx initial secret of a packet or SURB, and that of its SURB-ACK. */
typedef struct
{
  NymSphinxSurb surb;
  uint8_t       secret[32];
  uint8_t       ack_secret[32];
} Scratch;

/* A multiple of 16, so that sodium_malloc's pointer (which ends at the guard page) is aligned. */
#define SCRATCH_ALLOC ((sizeof (Scratch) + 15) & ~(size_t) 15)

uint8_t *
nym_packet_scratch_new (void)
{
  uint8_t *scratch = sodium_malloc (SCRATCH_ALLOC);

  if (scratch == NULL)
    g_error ("sodium_malloc failed: out of secure memory");
  return scratch;
}

void
nym_packet_scratch_free (uint8_t *scratch)
{
  if (scratch == NULL)
    return;
  sodium_memzero (scratch, SCRATCH_ALLOC);
  sodium_free (scratch);
}

/* A fresh random secret: in the preparer's scratch, else in its own secure memory. */
static uint8_t *
secret_new (const NymPacketPreparer *preparer)
{
  uint8_t *secret = preparer->scratch != NULL ? ((Scratch *) preparer->scratch)->secret : sodium_malloc (32);

  if (secret == NULL)
    g_error ("sodium_malloc failed: out of secure memory");
  nym_random_bytes (secret, 32);
  return secret;
}

static void
secret_free (const NymPacketPreparer *preparer,
             uint8_t                 *secret)
{
  if (preparer->scratch != NULL)
    sodium_memzero (secret, 32);
  else
    sodium_free (secret);
}

/* §19: the SURB-ACK back to ourselves, and the sum of its mix delays for the ack timer. */
static bool
build_surb_ack (const NymPacketPreparer *preparer,
                uint16_t                 version,
                const uint8_t            fragment_id[static 5],
                uint8_t                  out[static NYM_SURB_ACK_LEN],
                uint64_t                *ack_delay_ns,
                GError                 **error)
{
  NymRoute route;
  uint64_t delays[NYM_ROUTE_MAX_HOPS];

  if (!nym_topology_random_route (preparer->topology, preparer->self.gateway, preparer->disable_mix_hops,
                                  &route, error))
    return false;
  nym_poisson_route_delays (preparer->average_ack_delay_ns, delays, route.len);
  *ack_delay_ns = mix_delay_sum (delays, route.len);
  if (preparer->scratch != NULL)
    {
      uint8_t *secret = ((Scratch *) preparer->scratch)->ack_secret;
      bool ok;

      nym_random_bytes (secret, 32);
      ok = nym_surb_ack_create (version, &route, preparer->self.identity, delays, secret, preparer->ack_key,
                                NULL, fragment_id, out, error);
      sodium_memzero (secret, 32);
      return ok;
    }
  return nym_surb_ack_create (version, &route, preparer->self.identity, delays, NULL, preparer->ack_key,
                              NULL, fragment_id, out, error);
}

static bool
check_fragment_fits (const NymPacketPreparer *preparer,
                     size_t                   len,
                     GError                 **error)
{
  size_t capacity = nym_packet_size_fragment_capacity (preparer->size);

  if (capacity == 0 || len > capacity)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TOO_LONG,
                   "A %zu-byte fragment does not fit a %s packet (at most %zu bytes)",
                   len, nym_packet_size_name (preparer->size), capacity);
      return false;
    }
  return true;
}

/* Sends plaintext through a fresh route to the given gateway and destination. */
static bool
build_forward_packet (const NymPacketPreparer *preparer,
                      uint16_t                 version,
                      const uint8_t            gateway[static 32],
                      const uint8_t            destination[static 32],
                      uint64_t                 per_hop_mean_ns,
                      const uint8_t           *plaintext,
                      size_t                   len,
                      NymPreparedPacket       *out,
                      GError                 **error)
{
  NymSphinxDestination sphinx_destination = { 0 };
  NymRoute route;
  uint64_t delays[NYM_ROUTE_MAX_HOPS];
  size_t packet_len = nym_packet_size_total (preparer->size);
  g_autofree uint8_t *packet = NULL;
  uint8_t *secret;
  bool ok;

  if (!nym_topology_random_route (preparer->topology, gateway, preparer->disable_mix_hops, &route, error))
    return false;
  nym_poisson_route_delays (per_hop_mean_ns, delays, route.len);
  memcpy (sphinx_destination.address, destination, 32);
  packet = g_malloc (packet_len);
  secret = secret_new (preparer);
  ok = nym_sphinx_packet_create (version, route.hops, route.len, &sphinx_destination, delays, secret,
                                 plaintext, len, nym_packet_size_payload (preparer->size), packet, error);
  secret_free (preparer, secret);
  if (!ok)
    {
      nym_packet_error_wrap (error, "Could not build the sphinx packet");
      return false;
    }
  out->first_hop = route.first_hop;
  out->rotation = nym_topology_key_rotation (preparer->topology);
  out->forward_delay_ns = mix_delay_sum (delays, route.len);
  out->packet = g_bytes_new_take (g_steal_pointer (&packet), packet_len);
  return true;
}

/*
 * §18 sender pipeline for one fragment: SURB-ACK(405) ‖ ephemeral key ‖ AES-128-CTR(fragment),
 * sent in a sphinx packet over [L1, L2, L3, recipient's gateway] to the recipient's identity.
 */
bool
nym_prepare_regular_packet (const NymPacketPreparer *preparer,
                            const NymRecipient      *recipient,
                            const NymFragment       *fragment,
                            NymPreparedPacket       *out,
                            GError                 **error)
{
  NymPreparedPacket result = { 0 };
  g_autofree uint8_t *plaintext = NULL;
  gsize len = 0;
  const uint8_t *bytes = g_bytes_get_data (fragment->bytes, &len);

  if (!check_fragment_fits (preparer, len, error))
    return false;
  plaintext = g_malloc (NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + len);
  nym_fragment_id_encode (fragment->header.set_id, fragment->header.current, result.fragment_id);
  if (!build_surb_ack (preparer, preparer->version, result.fragment_id, plaintext, &result.ack_delay_ns, error))
    return false;
  if (!nym_e2e_encrypt_fragment (recipient->encryption_key, NULL, bytes, len, plaintext + NYM_SURB_ACK_LEN, error))
    return false;
  if (!build_forward_packet (preparer, preparer->version, recipient->gateway, recipient->identity,
                             preparer->average_packet_delay_ns, plaintext,
                             NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + len, &result, error))
    return false;
  *out = result;
  return true;
}

/* nym_reply_surb_seal with the parsed SURB (its payload keys) in sphinx_surb, secure memory
 * of the caller that is wiped before returning. */
static bool
reply_surb_seal_in (NymSphinxSurb      *sphinx_surb,
                    const NymReplySurb *surb,
                    const uint8_t      *plaintext,
                    size_t              len,
                    NymPacketSize       size,
                    uint8_t            *packet,
                    NymNodeAddress     *first_hop,
                    GError            **error)
{
  g_autoptr(GByteArray) surb_bytes = g_byte_array_new ();
  uint8_t first_hop_bytes[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  bool ok;

  if (nym_packet_size_payload (size) == 0 || size == NYM_PACKET_SIZE_ACK)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "Replies cannot use the %s packet size", nym_packet_size_name (size));
      return false;
    }
  nym_reply_surb_to_bytes (surb, surb_bytes);
  ok = nym_sphinx_surb_parse (surb_bytes->data + NYM_REPLY_SURB_KEY_LEN,
                              surb_bytes->len - NYM_REPLY_SURB_KEY_LEN, sphinx_surb, error)
       && nym_sphinx_surb_use (sphinx_surb, plaintext, len, nym_packet_size_payload (size), packet,
                               first_hop_bytes, error);
  nym_sphinx_surb_clear (sphinx_surb);
  sodium_memzero (surb_bytes->data, surb_bytes->len);
  if (!ok)
    {
      nym_packet_error_wrap (error, "Could not use the reply SURB");
      return false;
    }
  return nym_node_address_decode (first_hop_bytes, sizeof first_hop_bytes, first_hop, NULL, error);
}

/*
 * §11, §20: a packet of the given size on the SURB's header whose payload is plaintext under
 * the SURB's per-hop keys (seeds expanded first), and the first hop to send it to.
 */
bool
nym_reply_surb_seal (const NymReplySurb *surb,
                     const uint8_t      *plaintext,
                     size_t              len,
                     NymPacketSize       size,
                     uint8_t            *packet,
                     NymNodeAddress     *first_hop,
                     GError            **error)
{
  NymSphinxSurb *sphinx_surb = sodium_malloc (sizeof *sphinx_surb);
  bool ok;

  if (sphinx_surb == NULL)
    g_error ("sodium_malloc failed: out of secure memory");
  ok = reply_surb_seal_in (sphinx_surb, surb, plaintext, len, size, packet, first_hop, error);
  sodium_free (sphinx_surb);
  return ok;
}

/*
 * §20: the reply travels on the SURB's header; its payload is SURB-ACK ‖ BLAKE3(key) ‖
 * AES-128-CTR(key, fragment), LIONESS-encrypted with the SURB's per-hop keys.
 */
bool
nym_prepare_reply_packet (const NymPacketPreparer *preparer,
                          const NymReplySurb      *surb,
                          const NymFragment       *fragment,
                          NymPreparedPacket       *out,
                          GError                 **error)
{
  NymPreparedPacket result = { 0 };
  g_autofree uint8_t *plaintext = NULL;
  g_autofree uint8_t *packet = NULL;
  size_t packet_len = nym_packet_size_total (preparer->size);
  gsize len = 0;
  const uint8_t *bytes = g_bytes_get_data (fragment->bytes, &len);

  if (!check_fragment_fits (preparer, len, error))
    return false;
  plaintext = g_malloc (NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + len);
  nym_fragment_id_encode (fragment->header.set_id, fragment->header.current, result.fragment_id);
  if (!build_surb_ack (preparer, preparer->version, result.fragment_id, plaintext, &result.ack_delay_ns, error))
    return false;
  if (!nym_e2e_encrypt_reply (surb->key, bytes, len, plaintext + NYM_SURB_ACK_LEN, error))
    return false;

  packet = g_malloc (packet_len);
  if (preparer->scratch != NULL
      ? !reply_surb_seal_in (&((Scratch *) preparer->scratch)->surb, surb, plaintext,
                             NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + len, preparer->size, packet,
                             &result.first_hop, error)
      : !nym_reply_surb_seal (surb, plaintext, NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + len, preparer->size,
                              packet, &result.first_hop, error))
    return false;
  result.rotation = surb->rotation;
  /* §19: the replier cannot see the SURB's delays and estimates them as 3 × the average. */
  result.forward_delay_ns = 3 * preparer->average_packet_delay_ns;
  result.packet = g_bytes_new_take (g_steal_pointer (&packet), packet_len);
  *out = result;
  return true;
}

/*
 * §18, §21: a loop cover packet to ourselves; its SURB-ACK carries the all-zero cover id. The
 * caller picks the version (258 by default for cover, §12) and the per-hop mean (15 ms on the
 * main stream, 200 ms on the loop-cover stream).
 */
bool
nym_prepare_loop_cover_packet (const NymPacketPreparer *preparer,
                               uint16_t                 version,
                               uint64_t                 per_hop_mean_ns,
                               NymPreparedPacket       *out,
                               GError                 **error)
{
  NymPreparedPacket result = { 0 };
  size_t capacity = nym_packet_size_fragment_capacity (preparer->size);
  size_t len = NYM_SURB_ACK_LEN + NYM_E2E_PREFIX_LEN + capacity;
  g_autofree uint8_t *plaintext = NULL;
  g_autofree uint8_t *cover = NULL;

  if (capacity == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE,
                   "Cover packets cannot use the %s size", nym_packet_size_name (preparer->size));
      return false;
    }
  plaintext = g_malloc (len);
  cover = g_malloc (capacity);
  nym_cover_payload_fill (cover, capacity);
  if (!build_surb_ack (preparer, version, result.fragment_id, plaintext, &result.ack_delay_ns, error))
    return false;
  if (!nym_e2e_encrypt_fragment (preparer->self.encryption_key, NULL, cover, capacity,
                                 plaintext + NYM_SURB_ACK_LEN, error))
    return false;
  if (!build_forward_packet (preparer, version, preparer->self.gateway, preparer->self.identity,
                             per_hop_mean_ns, plaintext, len, &result, error))
    return false;
  *out = result;
  return true;
}

/* §20: a SURB over [L1, L2, L3, own gateway] to our own identity, with a fresh 16-byte key. */
bool
nym_prepare_reply_surb (const NymPacketPreparer *preparer,
                        NymReplySurb            *out,
                        GError                 **error)
{
  NymSphinxDestination destination = { 0 };
  NymRoute route;
  uint64_t delays[NYM_ROUTE_MAX_HOPS];
  uint8_t keys[NYM_ROUTE_MAX_HOPS][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  size_t surb_len;
  g_autofree uint8_t *bytes = NULL;
  uint8_t *secret;
  bool ok;

  if (!nym_topology_random_route (preparer->topology, preparer->self.gateway, preparer->disable_mix_hops,
                                  &route, error))
    return false;
  nym_poisson_route_delays (preparer->average_packet_delay_ns, delays, route.len);
  memcpy (destination.address, preparer->self.identity, 32);
  surb_len = nym_sphinx_surb_size (preparer->version, route.len);
  bytes = g_malloc0 (NYM_REPLY_SURB_KEY_LEN + surb_len);
  nym_random_bytes (bytes, NYM_REPLY_SURB_KEY_LEN);
  secret = secret_new (preparer);
  ok = nym_sphinx_surb_create (preparer->version, route.hops, route.len, &destination, delays, secret,
                               bytes + NYM_REPLY_SURB_KEY_LEN, surb_len, keys, error);
  secret_free (preparer, secret);
  sodium_memzero (keys, sizeof keys);
  if (!ok)
    {
      nym_packet_error_wrap (error, "Could not create the reply SURB");
      return false;
    }
  ok = nym_reply_surb_from_bytes (bytes, NYM_REPLY_SURB_KEY_LEN + surb_len, out, error);
  sodium_memzero (bytes, NYM_REPLY_SURB_KEY_LEN + surb_len);
  if (ok)
    out->rotation = nym_topology_key_rotation (preparer->topology);
  return ok;
}
