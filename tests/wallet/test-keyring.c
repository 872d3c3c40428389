/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of "remember password" against a real gnome-keyring-daemon on a private D-Bus session started by the test. */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "../common/test-keyring-session.h"
#include "crypto/nyx-secret.h"
#include "keyring/nyx-keyring.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define CHILD_ENV "NYX_KEYRING_TEST_CHILD"
#define ABANDON_ART "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon art"

typedef struct
{
  char *directory;
  char *vault_path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("nymph-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault_path = g_build_filename (fixture->directory, "saved-wallet.json", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_keyring_clear_password (fixture->vault_path, NULL, &error));
  g_assert_no_error (error);
  g_unlink (fixture->vault_path);
  g_assert_cmpint (g_rmdir (fixture->directory), ==, 0);
  g_free (fixture->directory);
  g_free (fixture->vault_path);
}

static void
assert_lookup (const char *vault_path,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  char *password = nyx_keyring_lookup_password (vault_path, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  nyx_secret_free (password);
}

static void
test_store_lookup_clear (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other = g_build_filename (fixture->directory, "other.json", NULL);
  g_autofree char *roundabout = g_build_filename (fixture->directory, "sub", "..", "saved-wallet.json", NULL);

  assert_lookup (fixture->vault_path, NULL);

  g_assert_true (nyx_keyring_store_password (fixture->vault_path, "first pässword", NULL, &error));
  g_assert_no_error (error);
  assert_lookup (fixture->vault_path, "first pässword");
  /* Items are keyed by the canonical absolute path. */
  assert_lookup (roundabout, "first pässword");
  assert_lookup (other, NULL);

  /* Storing again replaces the item instead of adding a second one. */
  g_assert_true (nyx_keyring_store_password (fixture->vault_path, "second", NULL, &error));
  g_assert_no_error (error);
  assert_lookup (fixture->vault_path, "second");

  g_assert_true (nyx_keyring_clear_password (fixture->vault_path, NULL, &error));
  g_assert_no_error (error);
  assert_lookup (fixture->vault_path, NULL);
  /* Forgetting twice is fine. */
  g_assert_true (nyx_keyring_clear_password (fixture->vault_path, NULL, &error));
  g_assert_no_error (error);
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
test_async (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  char *password;

  nyx_keyring_store_password_async (fixture->vault_path, "async secret", NULL, async_done, &result);
  g_assert_true (nyx_keyring_store_password_finish (wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  nyx_keyring_lookup_password_async (fixture->vault_path, NULL, async_done, &result);
  password = nyx_keyring_lookup_password_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "async secret");
  nyx_secret_free (password);
  g_clear_object (&result);

  g_assert_true (nyx_keyring_clear_password (fixture->vault_path, NULL, &error));
  nyx_keyring_lookup_password_async (fixture->vault_path, NULL, async_done, &result);
  password = nyx_keyring_lookup_password_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_null (password);
  g_clear_object (&result);
}

/* The whole "remember password" flow: create a vault, remember, and unlock with what the keyring returns. */
static void
test_unlock_vault (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) created = NULL;
  g_autoptr(NyxVault) opened = NULL;
  char *password;

  created = nyx_vault_create (fixture->vault_path, NULL, "remember me", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  g_assert_true (nyx_keyring_store_password (nyx_vault_get_path (created), "remember me", NULL, &error));
  g_assert_no_error (error);

  password = nyx_keyring_lookup_password (fixture->vault_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (password);
  opened = nyx_vault_open (fixture->vault_path, NULL, password, &error);
  nyx_secret_free (password);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_has_account (opened, "Account 1"));
}

/* An item that is not a UTF-8 password (written by something else) gives a clear error. */
static void
test_invalid_item (Fixture       *fixture,
                   gconstpointer  user_data)
{
  static const SecretSchema schema = {
    NYX_KEYRING_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    { { "vault-path", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  g_autoptr(GError) error = NULL;
  SecretValue *value = secret_value_new ("\xff\xfe\x00x", 4, "application/octet-stream");
  char *password;

  g_assert_true (secret_password_store_binary_sync (&schema, SECRET_COLLECTION_DEFAULT, "bad", value, NULL, &error,
                                                    "vault-path", fixture->vault_path, NULL));
  g_assert_no_error (error);
  secret_value_unref (value);

  password = nyx_keyring_lookup_password (fixture->vault_path, NULL, &error);
  g_assert_error (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_INVALID);
  g_assert_null (password);
}

/* The daemon this test started owns the Secret Service name; both forms of the check see it. */
static void
test_available (void)
{
  GAsyncResult *result = NULL;

  g_assert_true (nyx_keyring_is_available (NULL));
  nyx_keyring_is_available_async (NULL, async_done, &result);
  g_assert_true (nyx_keyring_is_available_finish (wait_for (&result)));
  g_clear_object (&result);
}

/* With no Secret Service on the bus, every call fails with UNAVAILABLE instead of hanging or crashing. */
static void
test_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      char *password;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/nymph-test-bus", TRUE);
      password = nyx_keyring_lookup_password ("/tmp/x.json", NULL, &error);
      g_assert_error (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_UNAVAILABLE);
      g_assert_null (password);
      g_clear_error (&error);
      g_assert_false (nyx_keyring_store_password ("/tmp/x.json", "pw", NULL, &error));
      g_assert_error (error, NYX_KEYRING_ERROR, NYX_KEYRING_ERROR_UNAVAILABLE);
      g_assert_false (nyx_keyring_is_available (NULL));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  int exit_status;

  if (test_keyring_session_respawned (argc, argv, CHILD_ENV, "nymph-keyring-home-XXXXXX", &exit_status))
    return exit_status;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/keyring/store-lookup-clear", Fixture, NULL, fixture_set_up, test_store_lookup_clear, fixture_tear_down);
  g_test_add ("/keyring/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/keyring/unlock-vault", Fixture, NULL, fixture_set_up, test_unlock_vault, fixture_tear_down);
  g_test_add ("/keyring/invalid-item", Fixture, NULL, fixture_set_up, test_invalid_item, fixture_tear_down);
  g_test_add_func ("/keyring/available", test_available);
  g_test_add_func ("/keyring/unavailable", test_unavailable);

  return test_keyring_session_run ("keyring-test-password");
}
