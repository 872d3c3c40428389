/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Thin wrappers over libsodium's x25519, ed25519 and random number generator. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

bool nym_x25519                    (uint8_t        out[static 32],
                                    const uint8_t  scalar[static 32],
                                    const uint8_t  point[static 32]) G_GNUC_WARN_UNUSED_RESULT;
void nym_x25519_base               (uint8_t        out[static 32],
                                    const uint8_t  scalar[static 32]);
void nym_x25519_keypair            (uint8_t        pub[static 32],
                                    uint8_t        priv[static 32]);
void nym_ed25519_keypair_from_seed (uint8_t        pub[static 32],
                                    uint8_t        sk[static 64],
                                    const uint8_t  seed[static 32]);
void nym_ed25519_sign              (uint8_t        sig[static 64],
                                    const uint8_t *msg,
                                    size_t         len,
                                    const uint8_t  sk[static 64]);
bool nym_ed25519_verify            (const uint8_t  sig[static 64],
                                    const uint8_t *msg,
                                    size_t         len,
                                    const uint8_t  pub[static 32]) G_GNUC_WARN_UNUSED_RESULT;
void nym_random_bytes              (uint8_t       *out,
                                    size_t         len);

G_END_DECLS
