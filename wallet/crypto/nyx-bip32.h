/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP32 hierarchical deterministic keys over secp256k1, and the Cosmos HD path nym uses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_BIP32_ERROR (nyx_bip32_error_quark ())

typedef enum
{
  NYX_BIP32_ERROR_INVALID_SEED,  /* seed shorter than 16 or longer than 64 bytes */
  NYX_BIP32_ERROR_INVALID_KEY,   /* a derived key is zero or not below the curve order (BIP32 says: skip) */
  NYX_BIP32_ERROR_INVALID_PATH,  /* the path text is malformed; the message quotes it */
  NYX_BIP32_ERROR_NO_MEMORY,     /* sodium_malloc() failed */
} NyxBip32Error;

#define NYX_BIP32_HARDENED        0x80000000u
#define NYX_BIP32_MAX_DEPTH       255
#define NYX_BIP32_SERIALIZED_SIZE 78
/* The Cosmos Hub path nym-wallet uses for every account (spec nyx-wallet.md §2.1). */
#define NYX_COSMOS_HD_PATH        "m/44'/118'/0'/0/0"

/*
 * An extended key. Always allocate it with nyx_bip32_key_new() so the private key and the
 * chain code sit in sodium_malloc() memory and are wiped by nyx_bip32_key_free().
 */
typedef struct
{
  uint8_t  private_key[32];
  uint8_t  chain_code[32];
  uint8_t  public_key[33];   /* SEC1 compressed */
  uint8_t  depth;
  uint8_t  parent_fingerprint[4];
  uint32_t child_number;
} NyxBip32Key;

GQuark       nyx_bip32_error_quark     (void);

NyxBip32Key *nyx_bip32_key_new         (void) G_GNUC_WARN_UNUSED_RESULT;
void         nyx_bip32_key_free        (NyxBip32Key *key);

bool         nyx_bip32_master_from_seed (const uint8_t *seed,
                                         size_t         seed_len,
                                         NyxBip32Key   *master,
                                         GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Private derivation CKDpriv; @index >= NYX_BIP32_HARDENED is a hardened child. @child may be @parent. */
bool         nyx_bip32_derive_child    (const NyxBip32Key *parent,
                                        uint32_t           index,
                                        NyxBip32Key       *child,
                                        GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses "m/44'/118'/0'/0/0" (also "h" or "H" for hardened) into at most @max indexes. */
bool         nyx_bip32_parse_path      (const char *path,
                                        uint32_t   *indexes,
                                        size_t      max,
                                        size_t     *n_indexes,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;
bool         nyx_bip32_derive_path     (const NyxBip32Key *master,
                                        const char        *path,
                                        NyxBip32Key       *out,
                                        GError           **error) G_GNUC_WARN_UNUSED_RESULT;
/* nyx_bip32_master_from_seed() followed by nyx_bip32_derive_path(), in one step. */
bool         nyx_bip32_derive_from_seed (const uint8_t *seed,
                                         size_t         seed_len,
                                         const char    *path,
                                         NyxBip32Key   *out,
                                         GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/*
 * The same key as nyx_bip32_derive_from_seed(), for signing only: private key, chain code,
 * public key, depth and child number are set, but the parent fingerprint is left zero (it
 * only matters to nyx_bip32_serialize()), which saves the public keys of hardened levels.
 */
bool         nyx_bip32_derive_key_pair_from_seed (const uint8_t *seed,
                                                  size_t         seed_len,
                                                  const char    *path,
                                                  NyxBip32Key   *out,
                                                  GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* "m/44'/118'/0'/0/<account>", the path CosmJS's makeCosmoshubPath(account) gives; NULL if account >= 2^31. */
char        *nyx_bip32_cosmos_path     (uint32_t account) G_GNUC_WARN_UNUSED_RESULT;
/* The 78-byte BIP32 serialization (version, depth, fingerprint, child, chain code, key),
 * with mainnet xprv/xpub version bytes, before Base58Check. */
void         nyx_bip32_serialize       (const NyxBip32Key *key,
                                        bool               private_key,
                                        uint8_t            out[static NYX_BIP32_SERIALIZED_SIZE]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxBip32Key, nyx_bip32_key_free)

G_END_DECLS
