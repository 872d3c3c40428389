/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx packets: creation by a sender and unwrapping at a hop (nym-packet.md §5–§10). */
#pragma once

#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

typedef enum
{
  NYM_SPHINX_HOP_FORWARD,
  NYM_SPHINX_HOP_FINAL,
} NymSphinxHopKind;

/* What a hop learns from a packet. For a forward hop, the packet to send on is in the out
 * buffer given to nym_sphinx_packet_unwrap (same length as the input); for the final hop
 * that buffer holds the decrypted payload block and message points at the message in it. */
typedef struct
{
  NymSphinxHopKind kind;
  uint16_t         version;
  uint8_t          replay_tag[NYM_SPHINX_REPLAY_TAG_SIZE];
  /* Forward hops only. */
  uint8_t          next_hop_address[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  uint64_t         delay_ns;
  /* The final hop only. */
  uint8_t          destination[NYM_SPHINX_DESTINATION_LENGTH];
  uint8_t          surb_identifier[NYM_SPHINX_IDENTIFIER_LENGTH];
  const uint8_t   *message;
  size_t           message_len;
} NymSphinxUnwrapped;

/* The header of §8 for a fresh route: derives every hop's expanded secret from the
 * initial secret (returned in expanded, route_len entries, which the caller wipes) and
 * takes the final block's padding from the initial secret as well, so that equal inputs
 * give equal headers. delays_ns has route_len entries. */
bool nym_sphinx_header_create          (uint16_t                    version,
                                        const NymSphinxNode        *route,
                                        size_t                      route_len,
                                        const NymSphinxDestination *destination,
                                        const uint64_t             *delays_ns,
                                        const uint8_t               initial_secret[static 32],
                                        uint8_t                     header[static NYM_SPHINX_HEADER_SIZE],
                                        uint8_t                     expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                        GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

/* A whole packet of NYM_SPHINX_HEADER_SIZE + payload_size bytes carrying message. The
 * initial secret is the sender's only randomness: pass 32 fresh random bytes. */
bool nym_sphinx_packet_create          (uint16_t                    version,
                                        const NymSphinxNode        *route,
                                        size_t                      route_len,
                                        const NymSphinxDestination *destination,
                                        const uint64_t             *delays_ns,
                                        const uint8_t               initial_secret[static 32],
                                        const uint8_t              *message,
                                        size_t                      message_len,
                                        size_t                      payload_size,
                                        uint8_t                    *packet,
                                        GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, also returning the LIONESS key of every hop (route_len × 192 bytes, secret). */
bool nym_sphinx_packet_create_with_keys (uint16_t                    version,
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
                                         GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

/* §10: one hop's processing with its x25519 sphinx secret key. out has packet_len bytes and
 * must not overlap packet; packet itself is never modified. On failure out is zeroed and
 * result is unspecified. */
bool nym_sphinx_packet_unwrap          (const uint8_t       node_secret[static 32],
                                        const uint8_t      *packet,
                                        size_t              packet_len,
                                        uint8_t            *out,
                                        NymSphinxUnwrapped *result,
                                        GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
