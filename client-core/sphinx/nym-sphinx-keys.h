/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx per-hop key derivation: expanded shared secrets, payload keys, α blinding (nym-packet.md §4–§5). */
#pragma once

#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

/* E = HKDF-SHA256(salt empty, ikm = shared secret, info = the 97-byte Greek string, 288). */
bool nym_sphinx_expand_shared_secret (const uint8_t shared_secret[static 32],
                                      uint8_t       expanded[static NYM_SPHINX_EXPANDED_SECRET_SIZE]) G_GNUC_WARN_UNUSED_RESULT;

/* The version 259 payload key: HKDF-SHA256 of the 16-byte seed with the "sphinx-payload-key"
 * salt and info. */
bool nym_sphinx_derive_payload_key   (const uint8_t seed[static NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE],
                                      uint8_t       key[static NYM_SPHINX_PAYLOAD_KEY_SIZE]) G_GNUC_WARN_UNUSED_RESULT;

/* The LIONESS key a hop of this version uses: the legacy slice E[32..224] for 258, the
 * HKDF of the seed E[32..48] otherwise. */
bool nym_sphinx_payload_key_for_version (uint16_t      version,
                                         const uint8_t expanded[static NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                         uint8_t       key[static NYM_SPHINX_PAYLOAD_KEY_SIZE]) G_GNUC_WARN_UNUSED_RESULT;

/* The sender's side of §5: α₀ = X25519(x, 9) and the expanded secret of every hop of the
 * route, as the hops will derive them. Fails (NYM_SPHINX_ERROR_BAD_KEY) when a node key
 * gives an all-zero shared secret. */
bool nym_sphinx_derive_hop_secrets (const NymSphinxNode *route,
                                    size_t               route_len,
                                    const uint8_t        initial_secret[static 32],
                                    uint8_t              alpha0[static 32],
                                    uint8_t              expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
