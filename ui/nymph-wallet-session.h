/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphWalletSession: the app's wallet vault, locked or unlocked, with its accounts; the model the wallet screens bind to. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  NYMPH_WALLET_STATE_NO_WALLET,
  NYMPH_WALLET_STATE_LOCKED,
  NYMPH_WALLET_STATE_UNLOCKING,
  NYMPH_WALLET_STATE_UNLOCKED,
} NymphWalletState;

#define NYMPH_TYPE_WALLET_STATE (nymph_wallet_state_get_type ())
GType nymph_wallet_state_get_type (void);

#define NYMPH_TYPE_WALLET_SESSION (nymph_wallet_session_get_type ())

G_DECLARE_FINAL_TYPE (NymphWalletSession, nymph_wallet_session, NYMPH, WALLET_SESSION, GObject)

NymphWalletSession *nymph_wallet_session_new                    (const char          *vault_path);
const char         *nymph_wallet_session_get_vault_path         (NymphWalletSession  *self);
NymphWalletState    nymph_wallet_session_get_state              (NymphWalletSession  *self);
gboolean            nymph_wallet_session_get_busy               (NymphWalletSession  *self);
const char         *nymph_wallet_session_get_error_message      (NymphWalletSession  *self);
void                nymph_wallet_session_clear_error            (NymphWalletSession  *self);
GListModel         *nymph_wallet_session_get_accounts           (NymphWalletSession  *self);
const char         *nymph_wallet_session_get_selected_account   (NymphWalletSession  *self);
void                nymph_wallet_session_set_selected_account   (NymphWalletSession  *self,
                                                                 const char          *name);
const char         *nymph_wallet_session_get_address            (NymphWalletSession  *self);

void                nymph_wallet_session_create_async           (NymphWalletSession  *self,
                                                                 const char          *password,
                                                                 const char          *mnemonic,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_create_finish          (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_unlock_async           (NymphWalletSession  *self,
                                                                 const char          *password,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_unlock_finish          (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_import_file_async      (NymphWalletSession  *self,
                                                                 const char          *path,
                                                                 const char          *password,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_import_file_finish     (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_lock                   (NymphWalletSession  *self);
void                nymph_wallet_session_add_account_async      (NymphWalletSession  *self,
                                                                 const char          *name,
                                                                 const char          *mnemonic,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_add_account_finish     (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_rename_account_async   (NymphWalletSession  *self,
                                                                 const char          *name,
                                                                 const char          *new_name,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_rename_account_finish  (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_remove_account_async   (NymphWalletSession  *self,
                                                                 const char          *name,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_remove_account_finish  (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                nymph_wallet_session_reveal_mnemonic_async  (NymphWalletSession  *self,
                                                                 const char          *name,
                                                                 const char          *password,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
char               *nymph_wallet_session_reveal_mnemonic_finish (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void                nymph_wallet_session_change_password_async  (NymphWalletSession  *self,
                                                                 const char          *current_password,
                                                                 const char          *new_password,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_change_password_finish (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

gboolean            nymph_wallet_session_get_keyring_available  (NymphWalletSession  *self);
gboolean            nymph_wallet_session_get_remember_password  (NymphWalletSession  *self);
void                nymph_wallet_session_set_remember_password  (NymphWalletSession  *self,
                                                                 gboolean             remember);
void                nymph_wallet_session_start_async            (NymphWalletSession  *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean            nymph_wallet_session_start_finish           (NymphWalletSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_END_DECLS
