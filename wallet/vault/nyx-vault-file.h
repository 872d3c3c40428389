/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plaintext outer layer of saved-wallet.json: its version and its list of encrypted logins. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "vault/nyx-vault-crypto.h"

G_BEGIN_DECLS

/* The only file version nym-wallet has ever written (CURRENT_WALLET_FILE_VERSION). */
#define NYX_VAULT_FILE_VERSION 1

/* One entry of "accounts": a login id in the clear and its AES-256-GCM sealed content. */
typedef struct
{
  char    *id;
  GBytes  *ciphertext;                    /* encrypted bytes followed by the 16-byte tag */
  uint8_t  salt[NYX_VAULT_SALT_LENGTH];
  uint8_t  iv[NYX_VAULT_IV_LENGTH];
} NyxVaultLogin;

typedef struct
{
  GPtrArray *logins;                      /* of NyxVaultLogin, in file order */
} NyxVaultFile;

NyxVaultLogin *nyx_vault_login_new        (const char          *id,
                                           GBytes              *ciphertext,
                                           const uint8_t        salt[static NYX_VAULT_SALT_LENGTH],
                                           const uint8_t        iv[static NYX_VAULT_IV_LENGTH]);
NyxVaultLogin *nyx_vault_login_copy       (const NyxVaultLogin *login);
void           nyx_vault_login_free       (NyxVaultLogin       *login);

NyxVaultFile  *nyx_vault_file_new         (void);
NyxVaultFile  *nyx_vault_file_copy        (const NyxVaultFile  *file);
void           nyx_vault_file_free        (NyxVaultFile        *file);
NyxVaultFile  *nyx_vault_file_parse       (const char          *data,
                                           size_t               length,
                                           const char          *path,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
char          *nyx_vault_file_serialize   (const NyxVaultFile  *file,
                                           size_t              *out_length) G_GNUC_WARN_UNUSED_RESULT;
NyxVaultLogin *nyx_vault_file_find_login  (const NyxVaultFile  *file,
                                           const char          *id,
                                           guint               *out_index);
char          *nyx_vault_file_list_logins (const NyxVaultFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxVaultLogin, nyx_vault_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NyxVaultFile, nyx_vault_file_free)

G_END_DECLS
