/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The deriver's secp256k1 context, for the BIP32 one-shot functions inside libnyxwallet. */
#pragma once

#include <secp256k1.h>

#include "crypto/nyx-key-deriver.h"

G_BEGIN_DECLS

/*
 * The deriver's randomised context for one use (one derivation or one BIP32 step); it is
 * re-randomised first when NYX_KEY_DERIVER_USES_PER_BLINDING uses have passed.
 */
const secp256k1_context *nyx_key_deriver_use_context (NyxKeyDeriver *self) G_GNUC_WARN_UNUSED_RESULT;

/*
 * The secure scratch block (NULL before the first mnemonic derivation) and its size, so that
 * tests can check it holds nothing after a derivation.
 */
const uint8_t *nyx_key_deriver_peek_scratch (const NyxKeyDeriver *self,
                                             size_t              *size);

G_END_DECLS
