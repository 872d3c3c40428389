/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single-use reply blocks: creation, serialisation, parsing and use (nym-packet.md §11). */
#include <string.h>
#include <sodium.h>

#include "sphinx/nym-sphinx-keys.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-payload.h"
#include "sphinx/nym-sphinx-surb.h"

#define SURB_FIXED_SIZE (NYM_SPHINX_HEADER_SIZE + NYM_SPHINX_NODE_ADDRESS_LENGTH)

static size_t
material_size (bool uses_seeds)
{
  return uses_seeds ? NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE : NYM_SPHINX_PAYLOAD_KEY_SIZE;
}

size_t
nym_sphinx_surb_size (uint16_t version,
                      size_t   route_len)
{
  if (!nym_sphinx_version_is_supported (version)
      || route_len < 1 || route_len > NYM_SPHINX_MAX_PATH_LENGTH)
    return 0;
  return SURB_FIXED_SIZE
         + route_len * material_size (!nym_sphinx_version_uses_legacy_payload_keys (version));
}

bool
nym_sphinx_surb_create (uint16_t                    version,
                        const NymSphinxNode        *route,
                        size_t                      route_len,
                        const NymSphinxDestination *destination,
                        const uint64_t             *delays_ns,
                        const uint8_t               initial_secret[static 32],
                        uint8_t                    *surb,
                        size_t                      surb_len,
                        uint8_t                     payload_keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                        GError                    **error)
{
  uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
  size_t expected = nym_sphinx_surb_size (version, route_len);
  bool seeds = !nym_sphinx_version_uses_legacy_payload_keys (version);
  size_t step = material_size (seeds);
  bool ok = false;

  if (expected == 0)
    {
      g_set_error (error, NYM_SPHINX_ERROR,
                   nym_sphinx_version_is_supported (version) ? NYM_SPHINX_ERROR_BAD_ROUTE
                                                             : NYM_SPHINX_ERROR_BAD_VERSION,
                   "Cannot create a SURB of version %u for a route of %zu hops", version, route_len);
      return false;
    }
  if (surb_len != expected)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A version %u SURB for %zu hops has %zu bytes, not %zu",
                   version, route_len, expected, surb_len);
      return false;
    }

  if (!nym_sphinx_header_create (version, route, route_len, destination, delays_ns,
                                 initial_secret, surb, expanded, error))
    goto out;
  memcpy (surb + NYM_SPHINX_HEADER_SIZE, route[0].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);

  /* The SURB hands out every hop's key material in route order: the replier adds all the
   * layers and the hops remove them, exactly as for a forward packet. */
  for (size_t i = 0; i < route_len; i++)
    {
      memcpy (surb + SURB_FIXED_SIZE + i * step, expanded[i] + NYM_SPHINX_PAYLOAD_KEY_OFFSET, step);
      if (!nym_sphinx_payload_key_for_version (version, expanded[i], payload_keys[i]))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "HKDF-SHA256 failed while deriving the payload key of hop %zu", i);
          goto out;
        }
    }
  ok = true;

out:
  sodium_memzero (expanded, sizeof expanded);
  if (!ok)
    {
      sodium_memzero (surb, surb_len);
      sodium_memzero (payload_keys, route_len * NYM_SPHINX_PAYLOAD_KEY_SIZE);
    }
  return ok;
}

bool
nym_sphinx_surb_parse (const uint8_t  *bytes,
                       size_t          len,
                       NymSphinxSurb  *surb,
                       GError        **error)
{
  size_t rest;
  size_t step;
  bool seeds;

  if (len < NYM_SPHINX_SURB_MIN_SIZE)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB,
                   "A SURB has at least %d bytes, not %zu", NYM_SPHINX_SURB_MIN_SIZE, len);
      return false;
    }
  rest = len - SURB_FIXED_SIZE;
  seeds = rest < NYM_SPHINX_PAYLOAD_KEY_SIZE;
  step = material_size (seeds);
  if (rest % step != 0 || rest / step > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB,
                   "The %zu bytes of SURB key material are not 1 to %d %s of %zu bytes",
                   rest, NYM_SPHINX_MAX_PATH_LENGTH, seeds ? "seeds" : "keys", step);
      return false;
    }

  memset (surb, 0, sizeof *surb);
  memcpy (surb->header, bytes, NYM_SPHINX_HEADER_SIZE);
  memcpy (surb->first_hop_address, bytes + NYM_SPHINX_HEADER_SIZE, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  surb->n_hops = rest / step;
  surb->uses_seeds = seeds;
  for (size_t i = 0; i < surb->n_hops; i++)
    memcpy (surb->key_material[i], bytes + SURB_FIXED_SIZE + i * step, step);
  return true;
}

bool
nym_sphinx_surb_serialize (const NymSphinxSurb *surb,
                           uint8_t             *out,
                           size_t               out_cap,
                           size_t              *out_len,
                           GError             **error)
{
  size_t step = material_size (surb->uses_seeds);
  size_t len;

  if (surb->n_hops < 1 || surb->n_hops > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB,
                   "A SURB has 1 to %d hops, not %zu", NYM_SPHINX_MAX_PATH_LENGTH, surb->n_hops);
      return false;
    }
  len = SURB_FIXED_SIZE + surb->n_hops * step;
  if (out_cap < len)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH,
                   "A SURB of %zu hops needs %zu bytes, the buffer has %zu",
                   surb->n_hops, len, out_cap);
      return false;
    }
  memcpy (out, surb->header, NYM_SPHINX_HEADER_SIZE);
  memcpy (out + NYM_SPHINX_HEADER_SIZE, surb->first_hop_address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  for (size_t i = 0; i < surb->n_hops; i++)
    memcpy (out + SURB_FIXED_SIZE + i * step, surb->key_material[i], step);
  *out_len = len;
  return true;
}

bool
nym_sphinx_surb_use (const NymSphinxSurb *surb,
                     const uint8_t       *message,
                     size_t               message_len,
                     size_t               payload_size,
                     uint8_t             *packet,
                     uint8_t              first_hop_address[static NYM_SPHINX_NODE_ADDRESS_LENGTH],
                     GError             **error)
{
  uint8_t keys[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  bool ok = false;

  if (surb->n_hops < 1 || surb->n_hops > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB,
                   "A SURB has 1 to %d hops, not %zu", NYM_SPHINX_MAX_PATH_LENGTH, surb->n_hops);
      return false;
    }

  for (size_t i = 0; i < surb->n_hops; i++)
    {
      if (!surb->uses_seeds)
        memcpy (keys[i], surb->key_material[i], NYM_SPHINX_PAYLOAD_KEY_SIZE);
      else if (!nym_sphinx_derive_payload_key (surb->key_material[i], keys[i]))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "HKDF-SHA256 failed while expanding the payload key seed of hop %zu", i);
          goto out;
        }
    }
  if (!nym_sphinx_payload_encapsulate (message, message_len,
                                       (const uint8_t (*)[NYM_SPHINX_PAYLOAD_KEY_SIZE]) keys,
                                       surb->n_hops, packet + NYM_SPHINX_HEADER_SIZE, payload_size,
                                       error))
    goto out;
  memcpy (packet, surb->header, NYM_SPHINX_HEADER_SIZE);
  memcpy (first_hop_address, surb->first_hop_address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
  ok = true;

out:
  sodium_memzero (keys, sizeof keys);
  return ok;
}

void
nym_sphinx_surb_clear (NymSphinxSurb *surb)
{
  sodium_memzero (surb, sizeof *surb);
}
