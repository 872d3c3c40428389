/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of "Remember password" in the wallet session and on the unlock screen, against a real gnome-keyring-daemon on a private D-Bus session the test starts. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "../common/test-keyring-session.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-secret.h"
#include "keyring/nyx-keyring.h"
#include "nymph-remember-row.h"
#include "nymph-ui.h"
#include "nymph-wallet-page.h"
#include "nymph-wallet-session.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define CHILD_ENV    "NYMPH_REMEMBER_TEST_CHILD"
#define PASSWORD     "correct horse battery 9!"
#define NEW_PASSWORD "a new password 42"
#define ABANDON_ABOUT \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

typedef struct
{
  char               *dir;
  char               *vault_path;
  NymphWalletSession *session;
} Fixture;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The remembered password of the fixture's vault as the keyring has it now, or NULL. */
static char *
lookup (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *secret = nyx_keyring_lookup_password (fixture->vault_path, NULL, &error);
  char *copy;

  g_assert_no_error (error);
  copy = g_strdup (secret);
  nyx_secret_free (secret);
  return copy;
}

static gboolean
start_session (NymphWalletSession  *session,
               GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_start_async (session, NULL, store_result, &result);
  return nymph_wallet_session_start_finish (session, wait_for (&result), error);
}

static gboolean
unlock (NymphWalletSession  *session,
        const char          *password,
        GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_unlock_async (session, password, NULL, store_result, &result);
  return nymph_wallet_session_unlock_finish (session, wait_for (&result), error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) vault = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-remember-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault_path = g_build_filename (fixture->dir, "vault.json", NULL);
  /* A wallet on disk, locked: what the app finds at start. */
  if (user_data == NULL)
    {
      vault = nyx_vault_create (fixture->vault_path, NULL, PASSWORD, NULL, ABANDON_ABOUT, &error);
      g_assert_no_error (error);
    }
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
}

/* A worker drops its reference to the session just after the main thread heard of it. */
static void
assert_finalize_soon (gpointer object)
{
  gpointer weak = object;
  gint64 until = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  assert_finalize_soon (fixture->session);
  g_assert_true (nyx_keyring_clear_password (fixture->vault_path, NULL, &error));
  g_assert_no_error (error);
  g_unlink (fixture->vault_path);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
  g_free (fixture->vault_path);
}

/* A Secret Service runs, nothing is remembered: the start finds the keyring and stays locked. */
static void
test_nothing_remembered (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;

  g_assert_false (nymph_wallet_session_get_keyring_available (fixture->session));
  g_assert_false (start_session (fixture->session, &error));
  g_assert_no_error (error);
  g_assert_true (nymph_wallet_session_get_keyring_available (fixture->session));
  g_assert_false (nymph_wallet_session_get_remember_password (fixture->session));
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_null (nymph_wallet_session_get_error_message (fixture->session));
  stored = lookup (fixture);
  g_assert_null (stored);
}

/*
 * Switch on, unlock: the password is stored. The next start unlocks by itself with the same
 * accounts; Lock then locks for good. A wrong password typed with the switch on stores nothing.
 */
static void
test_unlock_remembers (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *address = NULL;
  NymphWalletSession *next;
  gint64 until;

  g_assert_false (start_session (fixture->session, &error));
  g_assert_no_error (error);
  nymph_wallet_session_set_remember_password (fixture->session, TRUE);
  g_assert_true (nymph_wallet_session_get_remember_password (fixture->session));

  g_assert_false (unlock (fixture->session, "not the password", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  stored = lookup (fixture);
  g_assert_null (stored);

  g_assert_true (unlock (fixture->session, PASSWORD, &error));
  g_assert_no_error (error);
  stored = lookup (fixture);
  g_assert_cmpstr (stored, ==, PASSWORD);
  address = g_strdup (nymph_wallet_session_get_address (fixture->session));
  g_assert_nonnull (address);

  /* The next start of the app. */
  next = nymph_wallet_session_new (fixture->vault_path);
  g_assert_true (start_session (next, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (next), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_true (nymph_wallet_session_get_remember_password (next));
  g_assert_cmpstr (nymph_wallet_session_get_address (next), ==, address);

  nymph_wallet_session_lock (next);
  until = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (nymph_wallet_session_get_state (next), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_false (nymph_wallet_session_get_busy (next));
  assert_finalize_soon (next);
}

/* A remembered password that no longer opens the wallet is forgotten, and the unlock screen says so. */
static void
test_stale_password (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;

  g_assert_true (nyx_keyring_store_password (fixture->vault_path, "an old password", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (start_session (fixture->session, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_false (nymph_wallet_session_get_remember_password (fixture->session));
  g_assert_nonnull (strstr (nymph_wallet_session_get_error_message (fixture->session), "forgotten"));
  stored = lookup (fixture);
  g_assert_null (stored);

  /* The typed password still works, and the screen's message goes with the unlock. */
  g_clear_error (&error);
  g_assert_true (unlock (fixture->session, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_null (nymph_wallet_session_get_error_message (fixture->session));
}

/* Turning the switch off forgets the stored password at once. */
static void
test_switch_off_forgets (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 until = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  char *stored;

  g_assert_true (nyx_keyring_store_password (fixture->vault_path, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (start_session (fixture->session, &error));
  g_assert_no_error (error);
  g_assert_true (nymph_wallet_session_get_remember_password (fixture->session));

  g_object_set (fixture->session, "remember-password", FALSE, NULL);
  g_assert_false (nymph_wallet_session_get_remember_password (fixture->session));
  /* The keyring is cleared in a worker. */
  while ((stored = lookup (fixture)) != NULL && g_get_monotonic_time () < until)
    {
      g_free (stored);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_null (stored);
  g_assert_null (nymph_wallet_session_get_error_message (fixture->session));
  /* The wallet stays open. */
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
}

/* A password change replaces the remembered password; a failed change leaves it. */
static void
test_change_password_updates (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *stored = NULL;
  NymphWalletSession *next;

  g_assert_true (nyx_keyring_store_password (fixture->vault_path, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (start_session (fixture->session, &error));
  g_assert_no_error (error);

  nymph_wallet_session_change_password_async (fixture->session, "wrong", NEW_PASSWORD, NULL, store_result, &result);
  g_assert_false (nymph_wallet_session_change_password_finish (fixture->session, wait_for (&result), &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_clear_object (&result);
  stored = lookup (fixture);
  g_assert_cmpstr (stored, ==, PASSWORD);
  g_clear_pointer (&stored, g_free);

  nymph_wallet_session_change_password_async (fixture->session, PASSWORD, NEW_PASSWORD, NULL, store_result, &result);
  g_assert_true (nymph_wallet_session_change_password_finish (fixture->session, wait_for (&result), &error));
  g_assert_no_error (error);
  stored = lookup (fixture);
  g_assert_cmpstr (stored, ==, NEW_PASSWORD);
  g_assert_true (nymph_wallet_session_get_remember_password (fixture->session));

  next = nymph_wallet_session_new (fixture->vault_path);
  g_assert_true (start_session (next, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (next), ==, NYMPH_WALLET_STATE_UNLOCKED);
  assert_finalize_soon (next);
}

/* The set-password screen's switch: creating the wallet remembers its password. */
static void
test_create_remembers (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *stored = NULL;

  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (start_session (fixture->session, &error));
  g_assert_no_error (error);
  g_assert_true (nymph_wallet_session_get_keyring_available (fixture->session));
  nymph_wallet_session_set_remember_password (fixture->session, TRUE);

  nymph_wallet_session_create_async (fixture->session, PASSWORD, ABANDON_ABOUT, NULL, store_result, &result);
  g_assert_true (nymph_wallet_session_create_finish (fixture->session, wait_for (&result), &error));
  g_assert_no_error (error);
  stored = lookup (fixture);
  g_assert_cmpstr (stored, ==, PASSWORD);
}

static gpointer
page_child (NymphWalletPage *page,
            const char      *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), NYMPH_TYPE_WALLET_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

/* The unlock screen's switch is the session's property, usable once the keyring is found. */
static void
test_unlock_screen_switch (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  NymphWalletPage *page = g_object_ref_sink (nymph_wallet_page_new ());
  NymphRememberRow *row;
  GtkSwitch *toggle;
  g_autofree char *stored = NULL;

  nymph_wallet_page_set_session (page, fixture->session);
  row = page_child (page, "remember_row");
  toggle = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (row), NYMPH_TYPE_REMEMBER_ROW, "remember_switch"));

  /* Before the start has looked, there is no keyring to use. */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (row)));

  g_assert_false (start_session (fixture->session, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_null (gtk_widget_get_tooltip_text (GTK_WIDGET (row)));
  g_assert_false (gtk_switch_get_active (toggle));

  /* The user flips it, then unlocks from the screen. */
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (nymph_wallet_session_get_remember_password (fixture->session));
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, "unlock_password_row")), PASSWORD);
  g_signal_emit_by_name (page_child (page, "unlock_button"), "clicked");
  while (nymph_wallet_session_get_busy (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  stored = lookup (fixture);
  g_assert_cmpstr (stored, ==, PASSWORD);

  /* The session's changes show in the switch too. */
  nymph_wallet_session_set_remember_password (fixture->session, FALSE);
  g_assert_false (gtk_switch_get_active (toggle));

  nymph_wallet_page_set_session (page, NULL);
  g_assert_finalize_object (page);
}

static void
test_row_new_and_finalize (void)
{
  NymphRememberRow *row = g_object_ref_sink (nymph_remember_row_new ());
  NymphWalletSession *session = nymph_wallet_session_new ("/nonexistent/nymph/vault.json");

  g_assert_null (nymph_remember_row_get_session (row));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  nymph_remember_row_set_session (row, session);
  g_assert_true (nymph_remember_row_get_session (row) == session);
  /* The row borrows the session: it goes first without the row noticing harm. */
  g_assert_finalize_object (session);
  g_assert_null (nymph_remember_row_get_session (row));
  nymph_remember_row_set_active (row, TRUE);
  g_assert_true (nymph_remember_row_get_active (row));
  g_assert_finalize_object (row);
}

/* With no session bus at all, nothing is available and the switch says why. */
static void
test_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("nymph-remember-XXXXXX", &error);
      g_autofree char *vault_path = g_build_filename (dir, "vault.json", NULL);
      NymphWalletSession *session = nymph_wallet_session_new (vault_path);
      NymphWalletPage *page = g_object_ref_sink (nymph_wallet_page_new ());
      NymphRememberRow *row;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/nymph-test-bus", TRUE);
      nymph_wallet_page_set_session (page, session);
      g_assert_false (start_session (session, &error));
      g_assert_no_error (error);
      g_assert_false (nymph_wallet_session_get_keyring_available (session));
      row = page_child (page, "remember_row");
      g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), "Secret Service"));
      nymph_wallet_page_set_session (page, NULL);
      g_assert_finalize_object (page);
      g_assert_finalize_object (session);
      g_rmdir (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  int exit_status;

  if (test_keyring_session_respawned (argc, argv, CHILD_ENV, "nymph-remember-home-XXXXXX", &exit_status))
    return exit_status;

  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/remember/nothing-remembered", test_nothing_remembered);
  ADD ("/remember/unlock-remembers", test_unlock_remembers);
  ADD ("/remember/stale-password", test_stale_password);
  ADD ("/remember/switch-off-forgets", test_switch_off_forgets);
  ADD ("/remember/change-password-updates", test_change_password_updates);
  ADD ("/remember/unlock-screen-switch", test_unlock_screen_switch);
#undef ADD
  /* Without a wallet on disk: the set-password screen of a first start. */
  g_test_add ("/remember/create-remembers", Fixture, "no wallet", fixture_set_up, test_create_remembers, fixture_tear_down);
  g_test_add_func ("/remember/row-new-and-finalize", test_row_new_and_finalize);
  g_test_add_func ("/remember/unavailable", test_unavailable);

  return test_keyring_session_run ("remember-test-password");
}
