/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NyxVault: one unlocked login of a nym-wallet compatible saved-wallet.json, with its accounts and atomic saving. */
#pragma once

#include <stdbool.h>
#include <gio/gio.h>

#include "vault/nyx-vault-error.h"

G_BEGIN_DECLS

/* The login id nym-wallet always uses (DEFAULT_WALLET_ACCOUNT_ID). */
#define NYX_VAULT_DEFAULT_LOGIN_ID     "default"
/* The name nym-wallet gives the first account of a new wallet. */
#define NYX_VAULT_FIRST_ACCOUNT_NAME   "Account 1"
/* Longest account name accepted when adding or renaming, in characters. */
#define NYX_VAULT_MAX_ACCOUNT_NAME     64
/* Longest password accepted, in bytes. */
#define NYX_VAULT_MAX_PASSWORD_LENGTH  1024

#define NYX_TYPE_VAULT (nyx_vault_get_type ())
G_DECLARE_FINAL_TYPE (NyxVault, nyx_vault, NYX, VAULT, GObject)

/*
 * Passwords and mnemonics are NUL-terminated UTF-8; the vault copies them into
 * sodium_malloc() memory. nyx_vault_reveal_mnemonic() returns such memory, to be released
 * with nyx_secret_free(). Every call that runs Argon2id (create, open, and each change,
 * since every change re-encrypts the login) has an _async variant that does the work in a
 * GTask thread. The object locks itself, so calls from several threads are serialised.
 */
NyxVault    *nyx_vault_create                (const char          *path,
                                              const char          *login_id,
                                              const char          *password,
                                              const char          *account_name,
                                              const char          *mnemonic,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void         nyx_vault_create_async          (const char          *path,
                                              const char          *login_id,
                                              const char          *password,
                                              const char          *account_name,
                                              const char          *mnemonic,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
NyxVault    *nyx_vault_create_finish         (GAsyncResult        *result,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;

NyxVault    *nyx_vault_open                  (const char          *path,
                                              const char          *login_id,
                                              const char          *password,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void         nyx_vault_open_async            (const char          *path,
                                              const char          *login_id,
                                              const char          *password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
NyxVault    *nyx_vault_open_finish           (GAsyncResult        *result,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;

const char  *nyx_vault_get_path              (NyxVault            *self);
const char  *nyx_vault_get_login_id          (NyxVault            *self);
gboolean     nyx_vault_get_was_single_account (NyxVault          *self);
gboolean     nyx_vault_get_is_removed        (NyxVault            *self);
guint        nyx_vault_get_n_accounts        (NyxVault            *self);
char       **nyx_vault_dup_account_ids       (NyxVault            *self);
char        *nyx_vault_dup_account_hd_path   (NyxVault            *self,
                                              const char          *account_id);
gboolean     nyx_vault_has_account           (NyxVault            *self,
                                              const char          *account_id);

gboolean     nyx_vault_add_account           (NyxVault            *self,
                                              const char          *account_id,
                                              const char          *mnemonic,
                                              GError             **error);
void         nyx_vault_add_account_async     (NyxVault            *self,
                                              const char          *account_id,
                                              const char          *mnemonic,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     nyx_vault_add_account_finish    (NyxVault            *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean     nyx_vault_rename_account        (NyxVault            *self,
                                              const char          *account_id,
                                              const char          *new_account_id,
                                              GError             **error);
void         nyx_vault_rename_account_async  (NyxVault            *self,
                                              const char          *account_id,
                                              const char          *new_account_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     nyx_vault_rename_account_finish (NyxVault            *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean     nyx_vault_remove_account        (NyxVault            *self,
                                              const char          *account_id,
                                              GError             **error);
void         nyx_vault_remove_account_async  (NyxVault            *self,
                                              const char          *account_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     nyx_vault_remove_account_finish (NyxVault            *self,
                                              GAsyncResult        *result,
                                              GError             **error);
gboolean     nyx_vault_change_password       (NyxVault            *self,
                                              const char          *current_password,
                                              const char          *new_password,
                                              GError             **error);
void         nyx_vault_change_password_async (NyxVault            *self,
                                              const char          *current_password,
                                              const char          *new_password,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean     nyx_vault_change_password_finish (NyxVault          *self,
                                              GAsyncResult        *result,
                                              GError             **error);
char        *nyx_vault_reveal_mnemonic       (NyxVault            *self,
                                              const char          *account_id,
                                              const char          *password,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     nyx_vault_check_password        (NyxVault            *self,
                                              const char          *password);

G_END_DECLS
