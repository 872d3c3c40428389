/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The decrypted content of one saved-wallet.json login: parsing and writing it without leaving secrets on the heap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>


G_BEGIN_DECLS

/* The derivation path nym-wallet writes for every account (spec/nyx-wallet.md §2.1). */
#define NYX_VAULT_DEFAULT_HD_PATH "m/44'/118'/0'/0/0"

/* One account of a login: a name, a BIP32 path and a mnemonic in sodium_malloc() memory. */
typedef struct
{
  char *id;
  char *hd_path;
  char *mnemonic;
} NyxVaultAccount;

NyxVaultAccount *nyx_vault_account_new        (const char      *id,
                                               const char      *hd_path,
                                               char            *mnemonic);
void             nyx_vault_account_free       (NyxVaultAccount *account);

GPtrArray       *nyx_vault_plaintext_parse     (const uint8_t   *plaintext,
                                               size_t           plaintext_length,
                                               const char      *login_id,
                                               bool            *out_single_account,
                                               GError         **error) G_GNUC_WARN_UNUSED_RESULT;
uint8_t         *nyx_vault_plaintext_serialize (GPtrArray       *accounts,
                                               size_t          *out_length) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxVaultAccount, nyx_vault_account_free)

G_END_DECLS
