/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Remember password": a vault's password kept in the desktop's Secret Service (GNOME Keyring) through libsecret. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define NYX_KEYRING_ERROR (nyx_keyring_error_quark ())

typedef enum
{
  NYX_KEYRING_ERROR_UNAVAILABLE,  /* no Secret Service answered, or it refused the request */
  NYX_KEYRING_ERROR_NO_MEMORY,    /* no protected memory for the password */
  NYX_KEYRING_ERROR_INVALID,      /* the stored item is not a UTF-8 password */
} NyxKeyringError;

/* The libsecret schema name; items carry the attribute "vault-path" (an absolute path). */
#define NYX_KEYRING_SCHEMA_NAME "io.github.nymph.Nymph.VaultPassword"

GQuark   nyx_keyring_error_quark           (void);

gboolean nyx_keyring_store_password        (const char          *vault_path,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GError             **error);
void     nyx_keyring_store_password_async  (const char          *vault_path,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean nyx_keyring_store_password_finish (GAsyncResult        *result,
                                            GError             **error);

char    *nyx_keyring_lookup_password       (const char          *vault_path,
                                            GCancellable        *cancellable,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void     nyx_keyring_lookup_password_async (const char          *vault_path,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char    *nyx_keyring_lookup_password_finish (GAsyncResult       *result,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean nyx_keyring_clear_password        (const char          *vault_path,
                                            GCancellable        *cancellable,
                                            GError             **error);

/*
 * Whether a Secret Service runs on the session bus now. Only a running one counts: D-Bus could
 * start gnome-keyring on demand, but it would then create a keyring the user never set up.
 * The check never fails; no session bus means no Secret Service.
 */
gboolean nyx_keyring_is_available          (GCancellable        *cancellable);
void     nyx_keyring_is_available_async    (GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean nyx_keyring_is_available_finish   (GAsyncResult        *result);

G_END_DECLS
