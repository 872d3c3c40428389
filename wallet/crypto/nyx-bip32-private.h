/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP32 steps on a caller's secp256k1 context, for NyxKeyDeriver inside libnyxwallet. */
#pragma once

#include <secp256k1.h>

#include "crypto/nyx-bip32.h"

G_BEGIN_DECLS

/* The work of nyx_bip32_derive_from_seed() (or, with @signing_only, of
 * nyx_bip32_derive_key_pair_from_seed()) on @ctx; @out is wiped on failure. */
bool nyx_bip32_derive_from_seed_with_context (const secp256k1_context *ctx,
                                              const uint8_t           *seed,
                                              size_t                   seed_len,
                                              const char              *path,
                                              bool                     signing_only,
                                              NyxBip32Key             *out,
                                              GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

/* CKDpriv of @parent at @index on @ctx; with @signing_only the child's parent fingerprint is
 * left zero (the child's public key is always computed). @child may be @parent. */
bool nyx_bip32_derive_child_with_context (const secp256k1_context *ctx,
                                          const NyxBip32Key       *parent,
                                          uint32_t                 index,
                                          bool                     signing_only,
                                          NyxBip32Key             *child,
                                          GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
