/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx header pieces: routing keystream, filler, MAC, layered routing information (nym-packet.md §6–§8). */
#pragma once

#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

/* ρ: 360 bytes of AES-128-CTR keystream under the hop's stream key, IV zero. */
bool   nym_sphinx_routing_keystream   (const uint8_t stream_key[static 16],
                                       uint8_t       keystream[static NYM_SPHINX_STREAM_OUTPUT_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
/* γ = HMAC-SHA256(mac key, β) truncated to 16 bytes. */
bool   nym_sphinx_header_mac          (const uint8_t mac_key[static 16],
                                       const uint8_t beta[static NYM_SPHINX_ROUTING_INFO_SIZE],
                                       uint8_t       mac[static NYM_SPHINX_MAC_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
/* What a hop reads: (β ‖ 60 zero bytes) XOR ρ. */
bool   nym_sphinx_routing_info_unwrap (const uint8_t stream_key[static 16],
                                       const uint8_t beta[static NYM_SPHINX_ROUTING_INFO_SIZE],
                                       uint8_t       plaintext[static NYM_SPHINX_STREAM_OUTPUT_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
/* §7: the filler of a route of n hops, from the expanded secrets of its first n − 1 hops;
 * writes 60·(n − 1) bytes. */
bool   nym_sphinx_filler_compute      (const uint8_t expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                       size_t        route_len,
                                       uint8_t      *filler) G_GNUC_WARN_UNUSED_RESULT;
/* The number of random padding bytes that end the final hop's routing block (§6):
 * 308 − 60·n, 68 for four hops. */
size_t nym_sphinx_final_padding_size  (size_t route_len) G_GNUC_CONST;
/* §8: the 348-byte header α₀ ‖ γ₀ ‖ β₀ from the hops' expanded secrets, their addresses,
 * the destination, one delay per hop (the last is not written anywhere) and the final
 * block's padding (nym_sphinx_final_padding_size bytes). */
bool   nym_sphinx_header_build        (uint16_t                    version,
                                       const NymSphinxNode        *route,
                                       size_t                      route_len,
                                       const NymSphinxDestination *destination,
                                       const uint64_t             *delays_ns,
                                       const uint8_t               expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                       const uint8_t              *final_padding,
                                       const uint8_t               alpha0[static 32],
                                       uint8_t                     header[static NYM_SPHINX_HEADER_SIZE],
                                       GError                    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
