/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nyx account addresses: bech32("n", RIPEMD160(SHA256(compressed pubkey))) and mnemonic → address. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_ADDRESS_ERROR (nyx_address_error_quark ())

typedef enum
{
  NYX_ADDRESS_ERROR_INVALID,       /* not bech32, wrong prefix or wrong payload size; message says which */
  NYX_ADDRESS_ERROR_INVALID_KEY,   /* the public key is not a valid compressed secp256k1 point */
} NyxAddressError;

/* Account prefix of Nyx mainnet and sandbox (spec nyx-wallet.md §1.1). */
#define NYX_ADDRESS_PREFIX          "n"
#define NYX_ADDRESS_HASH_SIZE       20
/* Contract addresses carry a 32-byte hash. */
#define NYX_CONTRACT_HASH_SIZE      32
#define NYX_PUBLIC_KEY_SIZE         33
#define NYX_PRIVATE_KEY_SIZE        32

GQuark nyx_address_error_quark (void);

/* RIPEMD160(SHA256(pubkey)) */
void   nyx_address_hash          (const uint8_t public_key[static NYX_PUBLIC_KEY_SIZE],
                                  uint8_t       hash[static NYX_ADDRESS_HASH_SIZE]);
/* bech32(@hrp, hash); @hrp NULL means NYX_ADDRESS_PREFIX. */
char  *nyx_address_from_public_key (const char    *hrp,
                                    const uint8_t  public_key[static NYX_PUBLIC_KEY_SIZE],
                                    GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Accepts an account (20-byte) or contract (32-byte) address with prefix @hrp (NULL = "n"). */
bool   nyx_address_validate      (const char *address,
                                  const char *hrp,
                                  GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* Decodes an account address to its 20-byte hash. */
bool   nyx_address_decode        (const char *address,
                                  const char *hrp,
                                  uint8_t     hash[static NYX_ADDRESS_HASH_SIZE],
                                  GError    **error) G_GNUC_WARN_UNUSED_RESULT;

/*
 * mnemonic → seed (empty passphrase) → m/44'/118'/0'/0/@account → key pair and address, as
 * nym-wallet and CosmJS's DirectSecp256k1HdWallet do it. @private_key (may be NULL) should
 * point into sodium_malloc() memory; @address_out (may be NULL) is g_malloc'd.
 */
bool   nyx_address_derive_from_mnemonic (const char *mnemonic,
                                         uint32_t    account,
                                         uint8_t     public_key[static NYX_PUBLIC_KEY_SIZE],
                                         uint8_t    *private_key,
                                         char      **address_out,
                                         GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
