/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single-use reply blocks: creation, serialisation, parsing and use (nym-packet.md §11). */
#pragma once

#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

#define NYM_SPHINX_SURB_MIN_SIZE \
  (NYM_SPHINX_HEADER_SIZE + NYM_SPHINX_NODE_ADDRESS_LENGTH + NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE)

/* A parsed SURB. Version 259 SURBs carry one 16-byte seed per hop (in the first 16 bytes of
 * each key_material entry), version 258 SURBs the full 192-byte keys. The key material is
 * secret: clear the struct with nym_sphinx_surb_clear. */
typedef struct
{
  uint8_t header[NYM_SPHINX_HEADER_SIZE];
  uint8_t first_hop_address[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  size_t  n_hops;
  bool    uses_seeds;
  uint8_t key_material[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
} NymSphinxSurb;

/* header ‖ first hop ‖ 16·n (259) or 192·n (258) bytes; 0 for an unsupported version or
 * route length. */
size_t nym_sphinx_surb_size      (uint16_t version,
                                  size_t   route_len) G_GNUC_CONST;
/* Creates the serialised SURB (surb_len = nym_sphinx_surb_size bytes) for a route that ends
 * at the creator, and returns the LIONESS key of every hop, which the creator may keep to
 * open a reply payload itself. */
bool   nym_sphinx_surb_create    (uint16_t                    version,
                                  const NymSphinxNode        *route,
                                  size_t                      route_len,
                                  const NymSphinxDestination *destination,
                                  const uint64_t             *delays_ns,
                                  const uint8_t               initial_secret[static 32],
                                  uint8_t                    *surb,
                                  size_t                      surb_len,
                                  uint8_t                     payload_keys[][NYM_SPHINX_PAYLOAD_KEY_SIZE],
                                  GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses either layout: key material shorter than 192 bytes is seeds (a multiple of 16),
 * otherwise full keys (a multiple of 192), at most 5 hops either way. */
bool   nym_sphinx_surb_parse     (const uint8_t  *bytes,
                                  size_t          len,
                                  NymSphinxSurb  *surb,
                                  GError        **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the SURB back in its wire layout; out_len receives the length. */
bool   nym_sphinx_surb_serialize (const NymSphinxSurb *surb,
                                  uint8_t             *out,
                                  size_t               out_cap,
                                  size_t              *out_len,
                                  GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* The replier's side: a packet of NYM_SPHINX_HEADER_SIZE + payload_size bytes carrying
 * message through the SURB, and the address of the hop to hand it to. */
bool   nym_sphinx_surb_use       (const NymSphinxSurb *surb,
                                  const uint8_t       *message,
                                  size_t               message_len,
                                  size_t               payload_size,
                                  uint8_t             *packet,
                                  uint8_t              first_hop_address[static NYM_SPHINX_NODE_ADDRESS_LENGTH],
                                  GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void   nym_sphinx_surb_clear     (NymSphinxSurb *surb);

G_END_DECLS
