/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP39 seed derivation into caller-provided secure scratch memory, for hot paths inside libnyxwallet. */
#pragma once

#include "crypto/nyx-bip39.h"

G_BEGIN_DECLS

/* Room for the canonical mnemonic and the salt "mnemonic" + passphrase (@passphrase_len bytes, NFKD). */
#define NYX_BIP39_SCRATCH_SIZE(passphrase_len) (NYX_BIP39_MAX_MNEMONIC_SIZE + 8 + (passphrase_len) + 1)

/*
 * nyx_bip39_to_seed(), but using @scratch (sodium_malloc() memory the caller owns, wiped
 * before return) instead of allocating; if @scratch is NULL or too small, it allocates.
 */
bool nyx_bip39_to_seed_with_scratch (const char *mnemonic,
                                     const char *passphrase,
                                     uint8_t     seed[static NYX_BIP39_SEED_SIZE],
                                     char       *scratch,
                                     size_t      scratch_len,
                                     GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
