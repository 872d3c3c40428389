/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the wallet vault: every way opening or changing a saved-wallet.json can fail. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYX_VAULT_ERROR (nyx_vault_error_quark ())

typedef enum
{
  NYX_VAULT_ERROR_IO,                  /* the file could not be read, written, renamed or removed */
  NYX_VAULT_ERROR_NOT_FOUND,           /* there is no vault file at the path */
  NYX_VAULT_ERROR_EXISTS,              /* create was asked to replace an existing file */
  NYX_VAULT_ERROR_CORRUPT,             /* the file or the decrypted login is not in the saved-wallet.json format */
  NYX_VAULT_ERROR_UNSUPPORTED_VERSION, /* the file's "version" is not 1 */
  NYX_VAULT_ERROR_NO_SUCH_LOGIN,       /* the file has no login with the requested id */
  NYX_VAULT_ERROR_WRONG_PASSWORD,      /* authentication failed: wrong password or altered ciphertext */
  NYX_VAULT_ERROR_ACCOUNT_EXISTS,      /* an account with that name is already in the login */
  NYX_VAULT_ERROR_DUPLICATE_MNEMONIC,  /* the mnemonic is already used by another account of the login */
  NYX_VAULT_ERROR_NO_SUCH_ACCOUNT,     /* no account of the login has that name */
  NYX_VAULT_ERROR_INVALID_NAME,        /* an account name is empty, too long or has control characters */
  NYX_VAULT_ERROR_INVALID_MNEMONIC,    /* the mnemonic is not a valid BIP39 English mnemonic */
  NYX_VAULT_ERROR_INVALID_PASSWORD,    /* a new password is empty or not UTF-8 */
  NYX_VAULT_ERROR_CRYPTO,              /* the KDF, the RNG or the cipher failed (out of memory) */
  NYX_VAULT_ERROR_CLOSED,              /* the vault was removed (its last account deleted) */
} NyxVaultError;

GQuark nyx_vault_error_quark (void);

G_END_DECLS
