/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of "remember password" against a real gnome-keyring-daemon on a private D-Bus session started by the test. */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

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

static gboolean
secret_service_is_running (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/*
 * Inside the private session: start gnome-keyring-daemon with a login keyring created and
 * unlocked from stdin, wait until it owns org.freedesktop.secrets, run the tests, stop it.
 */
static int
run_in_session (void)
{
  const char *daemon_argv[] = { "gnome-keyring-daemon", "--foreground", "--components=secrets", "--unlock", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  /* The daemon logs harmless warnings of its own; the test's fatal-warnings must not kill it. */
  g_auto(GStrv) daemon_env = g_environ_unsetenv (g_get_environ (), "G_DEBUG");
  GPid daemon_pid;
  int daemon_stdin;
  int status;
  int result;

  if (!g_spawn_async_with_pipes (NULL, (char **) daemon_argv, daemon_env,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                 | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, &daemon_pid, &daemon_stdin, NULL, NULL, &error))
    g_error ("Could not start gnome-keyring-daemon: %s", error->message);
  g_assert_cmpint (write (daemon_stdin, "keyring-test-password", 21), ==, 21);
  close (daemon_stdin);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 200 && !secret_service_is_running (bus); i++)
    g_usleep (50 * G_USEC_PER_SEC / 1000);
  if (!secret_service_is_running (bus))
    g_error ("gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s");

  result = g_test_run ();

  kill (daemon_pid, SIGTERM);
  waitpid (daemon_pid, &status, 0);
  g_spawn_close_pid (daemon_pid);
  return result;
}

/* Removes the private home the session used, which the keyring daemon filled. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/*
 * Re-runs this program under dbus-run-session with a throw-away home, so the tests never
 * touch the user's real keyring and always talk to a daemon they started themselves.
 */
static int
respawn_in_private_session (int    argc,
                            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *home = g_dir_make_tmp ("nymph-keyring-home-XXXXXX", &error);
  g_autofree char *runtime = NULL;
  g_autoptr(GPtrArray) child_argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  int wait_status = 0;

  g_assert_no_error (error);
  runtime = g_build_filename (home, "run", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  env = g_environ_setenv (env, CHILD_ENV, "1", TRUE);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);
  env = g_environ_unsetenv (env, "XDG_DATA_HOME");
  env = g_environ_unsetenv (env, "XDG_CONFIG_HOME");
  env = g_environ_unsetenv (env, "XDG_CACHE_HOME");
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  env = g_environ_unsetenv (env, "GNOME_KEYRING_CONTROL");

  g_ptr_array_add (child_argv, (char *) "dbus-run-session");
  g_ptr_array_add (child_argv, (char *) "--");
  g_ptr_array_add (child_argv, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (child_argv, argv[i]);
  g_ptr_array_add (child_argv, NULL);

  /* The child writes the TAP stream straight to our stdout. */
  if (!g_spawn_sync (NULL, (char **) child_argv->pdata, env, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    g_error ("Could not run dbus-run-session: %s", error->message);
  remove_tree (home);
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return 1;
}

int
main (int argc, char *argv[])
{
  gboolean in_session = g_getenv (CHILD_ENV) != NULL;
  gboolean is_subprocess = FALSE;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--GTestSubprocess"))
      is_subprocess = TRUE;

  if (!in_session && !is_subprocess)
    {
      g_autofree char *dbus_run_session = g_find_program_in_path ("dbus-run-session");
      g_autofree char *keyring_daemon = g_find_program_in_path ("gnome-keyring-daemon");

      if (dbus_run_session == NULL || keyring_daemon == NULL)
        {
          g_print ("1..0 # SKIP dbus-run-session or gnome-keyring-daemon is not installed\n");
          return 0;
        }
      return respawn_in_private_session (argc, argv);
    }

  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/keyring/store-lookup-clear", Fixture, NULL, fixture_set_up, test_store_lookup_clear, fixture_tear_down);
  g_test_add ("/keyring/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/keyring/unlock-vault", Fixture, NULL, fixture_set_up, test_unlock_vault, fixture_tear_down);
  g_test_add ("/keyring/invalid-item", Fixture, NULL, fixture_set_up, test_invalid_item, fixture_tear_down);
  g_test_add_func ("/keyring/available", test_available);
  g_test_add_func ("/keyring/unavailable", test_unavailable);

  if (is_subprocess)
    return g_test_run ();
  return run_in_session ();
}
