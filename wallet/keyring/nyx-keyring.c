/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Remember password": a vault's password kept in the desktop's Secret Service (GNOME Keyring) through libsecret. */
#include "keyring/nyx-keyring.h"

#include <string.h>
#include <libsecret/secret.h>

#include "crypto/nyx-secret.h"

/*
 * One item per vault file, found by the file's absolute path, stored in the default
 * collection (the login keyring, unlocked with the user's session). The password crosses
 * libsecret as a SecretValue, which libsecret keeps in its own non-pageable memory, and it
 * is copied from there straight into sodium_malloc() memory; it never sits in an ordinary
 * heap string.
 */

G_DEFINE_QUARK (nyx-keyring-error-quark, nyx_keyring_error)

static const SecretSchema vault_password_schema = {
  NYX_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "vault-path", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static char *
canonical_path (const char *vault_path)
{
  return g_canonicalize_filename (vault_path, NULL);
}

static void
propagate_secret_error (GError     **error,
                        GError      *secret_error,
                        const char  *what)
{
  g_set_error (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_UNAVAILABLE,
               "Could not %s the password in the keyring: %s", what, secret_error->message);
  g_error_free (secret_error);
}

static char *
value_to_password (SecretValue  *value,
                   GError      **error)
{
  gsize length = 0;
  const char *data = secret_value_get (value, &length);
  char *password;

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, (gssize) length, NULL))
    {
      g_set_error_literal (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_INVALID,
                           "The password stored in the keyring is not UTF-8 text");
      return NULL;
    }
  password = nyx_secret_strndup (data, length);
  if (password == NULL)
    g_set_error_literal (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_NO_MEMORY,
                         "Out of protected memory for the password");
  return password;
}

gboolean
nyx_keyring_store_password (const char    *vault_path,
                            const char    *password,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  SecretValue *value;
  GError *secret_error = NULL;
  gboolean ok;

  g_return_val_if_fail (vault_path != NULL && password != NULL, FALSE);

  path = canonical_path (vault_path);
  label = g_strdup_printf ("Nymph wallet password (%s)", path);
  value = secret_value_new (password, -1, "text/plain");
  ok = secret_password_store_binary_sync (&vault_password_schema, SECRET_COLLECTION_DEFAULT, label,
                                          value, cancellable, &secret_error,
                                          "vault-path", path, NULL);
  secret_value_unref (value);
  if (!ok)
    propagate_secret_error (error, secret_error, "store");
  return ok;
}

static void
store_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *secret_error = NULL;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &secret_error))
    {
      propagate_secret_error (&error, secret_error, "store");
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
nyx_keyring_store_password_async (const char          *vault_path,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  SecretValue *value;

  g_return_if_fail (vault_path != NULL && password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nyx_keyring_store_password_async);
  path = canonical_path (vault_path);
  label = g_strdup_printf ("Nymph wallet password (%s)", path);
  value = secret_value_new (password, -1, "text/plain");
  secret_password_store_binary (&vault_password_schema, SECRET_COLLECTION_DEFAULT, label, value,
                                cancellable, store_done, task,
                                "vault-path", path, NULL);
  secret_value_unref (value);
}

gboolean
nyx_keyring_store_password_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_keyring_store_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * Returns the remembered password in sodium_malloc() memory (free it with
 * nyx_secret_free()), or %NULL with no error set when none is stored for this vault.
 */
char *
nyx_keyring_lookup_password (const char    *vault_path,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *path = NULL;
  SecretValue *value;
  GError *secret_error = NULL;
  char *password;

  g_return_val_if_fail (vault_path != NULL, NULL);

  path = canonical_path (vault_path);
  value = secret_password_lookup_binary_sync (&vault_password_schema, cancellable, &secret_error,
                                              "vault-path", path, NULL);
  if (secret_error != NULL)
    {
      propagate_secret_error (error, secret_error, "look up");
      return NULL;
    }
  if (value == NULL)
    return NULL;
  password = value_to_password (value, error);
  secret_value_unref (value);
  return password;
}

static void
lookup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *secret_error = NULL;
  GError *error = NULL;
  SecretValue *value;
  char *password;

  value = secret_password_lookup_binary_finish (result, &secret_error);
  if (secret_error != NULL)
    {
      propagate_secret_error (&error, secret_error, "look up");
      g_task_return_error (task, error);
      return;
    }
  if (value == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  password = value_to_password (value, &error);
  secret_value_unref (value);
  if (password == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, password, nyx_secret_free);
}

void
nyx_keyring_lookup_password_async (const char          *vault_path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;

  g_return_if_fail (vault_path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nyx_keyring_lookup_password_async);
  path = canonical_path (vault_path);
  secret_password_lookup (&vault_password_schema, cancellable, lookup_done, task,
                          "vault-path", path, NULL);
}

/* Like nyx_keyring_lookup_password(): %NULL without an error means nothing is stored. */
char *
nyx_keyring_lookup_password_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_keyring_lookup_password_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Forgets the remembered password; forgetting one that was never stored is not an error. */
gboolean
nyx_keyring_clear_password (const char    *vault_path,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autofree char *path = NULL;
  GError *secret_error = NULL;

  g_return_val_if_fail (vault_path != NULL, FALSE);

  path = canonical_path (vault_path);
  secret_password_clear_sync (&vault_password_schema, cancellable, &secret_error,
                              "vault-path", path, NULL);
  if (secret_error != NULL)
    {
      propagate_secret_error (error, secret_error, "remove");
      return FALSE;
    }
  return TRUE;
}

gboolean
nyx_keyring_is_available (GCancellable *cancellable)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NO_AUTO_START,
                                       -1, cancellable, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static void
is_available_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_task_return_boolean (task, nyx_keyring_is_available (cancellable));
}

void
nyx_keyring_is_available_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, nyx_keyring_is_available_async);
  g_task_run_in_thread (task, is_available_thread);
}

/* FALSE also when the check was cancelled. */
gboolean
nyx_keyring_is_available_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_keyring_is_available_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}
