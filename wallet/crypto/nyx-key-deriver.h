/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A reusable key deriver: one blinded secp256k1 context and one secure scratch block for many mnemonic → key derivations. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32.h"

G_BEGIN_DECLS

/*
 * The deriver is re-blinded (secp256k1_context_randomize() with fresh libsodium randomness)
 * before every this many uses. A derivation of m/44'/118'/0'/0/N is one use and makes three
 * scalar multiplications with secret scalars, so a blinding covers at most twelve of them:
 * libsecp256k1 recommends re-randomising "before every few computations involving secret
 * keys", and a blinding costs as much as one of those multiplications (about 3% of a
 * derivation), so re-blinding after every use would cost more than it adds.
 */
#define NYX_KEY_DERIVER_USES_PER_BLINDING 4

/*
 * What nyx_address_derive_from_mnemonic() and the BIP32 one-shot functions make for a single
 * call, kept alive by callers that derive many keys (the benchmark, "keys show --count",
 * account listings). It owns a randomised secp256k1 context and, once a mnemonic has been
 * derived, one sodium_malloc() block for the seed, the canonical mnemonic and the
 * intermediate keys, which is wiped after every derivation. It holds no secret between
 * calls. Use one deriver from one thread at a time. Errors are in the NYX_BIP39_ERROR and
 * NYX_BIP32_ERROR domains.
 */
typedef struct _NyxKeyDeriver NyxKeyDeriver;

NyxKeyDeriver *nyx_key_deriver_new              (GError **error) G_GNUC_WARN_UNUSED_RESULT;
void           nyx_key_deriver_free             (NyxKeyDeriver *self);

/*
 * The key at @path from a BIP32 seed. With @signing_only the parent fingerprint is left
 * zero and hardened levels skip their public key (see nyx_bip32_derive_key_pair_from_seed());
 * otherwise the key is complete, as nyx_bip32_derive_from_seed() gives it. @out is wiped on
 * failure.
 */
bool           nyx_key_deriver_derive_from_seed (NyxKeyDeriver *self,
                                                 const uint8_t *seed,
                                                 size_t         seed_len,
                                                 const char    *path,
                                                 bool           signing_only,
                                                 NyxBip32Key   *out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/*
 * mnemonic → seed (empty passphrase) → m/44'/118'/0'/0/@account → key pair and address,
 * exactly as nyx_address_derive_from_mnemonic() documents it: @private_key (may be NULL)
 * should point into sodium_malloc() memory; @address_out (may be NULL) is g_malloc'd.
 * Nothing is written to the outputs on failure.
 */
bool           nyx_key_deriver_derive_account   (NyxKeyDeriver *self,
                                                 const char    *mnemonic,
                                                 uint32_t       account,
                                                 uint8_t        public_key[static NYX_PUBLIC_KEY_SIZE],
                                                 uint8_t       *private_key,
                                                 char         **address_out,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/*
 * The public keys and addresses of the @n_accounts accounts m/44'/118'/0'/0/@first_account
 * onwards, from one seed: PBKDF2 and the hardened levels are computed once, and each account
 * costs one more step. @public_keys (room for @n_accounts keys) and @addresses (room for
 * @n_accounts g_malloc'd strings) may each be NULL. Nothing is written on failure.
 */
bool           nyx_key_deriver_derive_accounts  (NyxKeyDeriver *self,
                                                 const char    *mnemonic,
                                                 uint32_t       first_account,
                                                 size_t         n_accounts,
                                                 uint8_t      (*public_keys)[NYX_PUBLIC_KEY_SIZE],
                                                 char         **addresses,
                                                 GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* How many times the context has been randomised since nyx_key_deriver_new(), the first included. */
guint64        nyx_key_deriver_get_blindings    (const NyxKeyDeriver *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxKeyDeriver, nyx_key_deriver_free)

G_END_DECLS
