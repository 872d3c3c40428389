/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphChangePasswordWindow: when Change is possible, the inline errors, the progress step, and what reaches the vault file. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "nymph-change-password-window.h"
#include "nymph-ui.h"
#include "nymph-wallet-session.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define PASSWORD     "Correct horse battery 9"
#define NEW_PASSWORD "Another long password 7"
#define ABANDON_ABOUT \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

typedef struct
{
  char                      *dir;
  char                      *vault_path;
  NymphWalletSession        *session;
  NymphChangePasswordWindow *window;
} Fixture;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
is_toplevel (gpointer window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (item == window)
        return TRUE;
    }
  return FALSE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-change-password-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault_path = g_build_filename (fixture->dir, "vault.json", NULL);
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
  nymph_wallet_session_create_async (fixture->session, PASSWORD, ABANDON_ABOUT, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (nymph_wallet_session_create_finish (fixture->session, result, &error));
  g_assert_no_error (error);
  /* GTK owns toplevels; the fixture's reference decides when the window is finalized. */
  fixture->window = g_object_ref (nymph_change_password_window_new (NULL, fixture->session));
}

/* A worker drops its references just after the main thread heard of its result. */
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
  if (is_toplevel (fixture->window))
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  assert_finalize_soon (fixture->window);
  assert_finalize_soon (fixture->session);
  g_unlink (fixture->vault_path);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
  g_free (fixture->vault_path);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                   NYMPH_TYPE_CHANGE_PASSWORD_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
set_text (Fixture    *fixture,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, name)), text);
}

static const char *
get_text (Fixture    *fixture,
          const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (child (fixture, name)));
}

static gboolean
change_enabled (Fixture *fixture)
{
  return gtk_widget_is_sensitive (child (fixture, "change_button"));
}

static gboolean
label_shown (Fixture    *fixture,
             const char *name)
{
  return gtk_widget_get_visible (child (fixture, name));
}

static const char *
label_text (Fixture    *fixture,
            const char *name)
{
  return gtk_label_get_text (child (fixture, name));
}

static GBytes *
read_bytes (const char *path)
{
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}

static void
fill (Fixture    *fixture,
      const char *current,
      const char *new_password,
      const char *confirm)
{
  set_text (fixture, "current_row", current);
  set_text (fixture, "new_row", new_password);
  set_text (fixture, "confirm_row", confirm);
}

/* Presses Change, checks the progress step, and waits until the session's worker is done. */
static void
press_change_and_wait (Fixture *fixture)
{
  g_assert_true (change_enabled (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "change-password.change", NULL));
  g_assert_cmpstr (nymph_change_password_window_get_step (fixture->window), ==, "progress");
  g_assert_true (gtk_spinner_get_spinning (child (fixture, "progress_spinner")));
  g_assert_false (change_enabled (fixture));
  /* A second press while it works does nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "change-password.change", NULL));
  while (nymph_wallet_session_get_busy (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  /* The result reaches the window in the next iterations. */
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_new_and_finalize (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nymph-change-password-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "vault.json", NULL);
  NymphWalletSession *session = nymph_wallet_session_new (path);
  NymphChangePasswordWindow *window = g_object_ref (nymph_change_password_window_new (NULL, session));

  g_assert_cmpstr (nymph_change_password_window_get_step (window), ==, "form");
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_assert_finalize_object (session);
  g_rmdir (dir);
}

/* Change waits for a current password and a new one that is strong, repeated and different. */
static void
test_form (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_assert_cmpstr (nymph_change_password_window_get_step (fixture->window), ==, "form");
  g_assert_false (change_enabled (fixture));
  g_assert_cmpstr (label_text (fixture, "strength_label"), ==, "Use at least 8 characters; longer is stronger.");

  fill (fixture, PASSWORD, "short", "short");
  g_assert_false (change_enabled (fixture));
  g_assert_true (g_str_has_prefix (label_text (fixture, "strength_label"), "Too short: 5 characters"));
  g_assert_cmpfloat (gtk_level_bar_get_value (child (fixture, "strength_bar")), ==, 0);

  fill (fixture, PASSWORD, NEW_PASSWORD, "Another long password");
  g_assert_false (change_enabled (fixture));
  g_assert_true (label_shown (fixture, "new_error_label"));
  g_assert_cmpstr (label_text (fixture, "new_error_label"), ==, "The new passwords do not match");
  g_assert_true (g_str_has_prefix (label_text (fixture, "strength_label"), "Strong: 23 characters"));

  fill (fixture, PASSWORD, PASSWORD, PASSWORD);
  g_assert_false (change_enabled (fixture));
  g_assert_cmpstr (label_text (fixture, "new_error_label"), ==, "The new password is the same as the current one");

  fill (fixture, "", NEW_PASSWORD, NEW_PASSWORD);
  g_assert_false (change_enabled (fixture));
  g_assert_false (label_shown (fixture, "new_error_label"));

  fill (fixture, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
  g_assert_true (change_enabled (fixture));
  g_assert_false (label_shown (fixture, "new_error_label"));
  g_assert_false (label_shown (fixture, "current_error_label"));
}

/* A wrong current password: the form comes back with the error at the current password, the
 * new ones kept, and the file untouched. */
static void
test_wrong_current (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GBytes) before = read_bytes (fixture->vault_path);
  g_autoptr(GBytes) after = NULL;

  fill (fixture, "not the password", NEW_PASSWORD, NEW_PASSWORD);
  press_change_and_wait (fixture);

  g_assert_true (is_toplevel (fixture->window));
  g_assert_cmpstr (nymph_change_password_window_get_step (fixture->window), ==, "form");
  g_assert_true (label_shown (fixture, "current_error_label"));
  g_assert_cmpstr (label_text (fixture, "current_error_label"), ==, "The current password is wrong. Nothing was changed.");
  g_assert_cmpstr (get_text (fixture, "current_row"), ==, "");
  g_assert_cmpstr (get_text (fixture, "new_row"), ==, NEW_PASSWORD);
  g_assert_false (change_enabled (fixture));
  after = read_bytes (fixture->vault_path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);

  /* Typing again hides the error. */
  set_text (fixture, "current_row", PASSWORD);
  g_assert_false (label_shown (fixture, "current_error_label"));
  g_assert_true (change_enabled (fixture));
}

/* The right passwords: the window closes, and the file opens with the new password only. */
static void
test_success (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) vault = NULL;

  gtk_window_present (GTK_WINDOW (fixture->window));
  fill (fixture, PASSWORD, NEW_PASSWORD, NEW_PASSWORD);
  press_change_and_wait (fixture);

  g_assert_false (is_toplevel (fixture->window));
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  vault = nyx_vault_open (fixture->vault_path, NULL, PASSWORD, &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  vault = nyx_vault_open (fixture->vault_path, NULL, NEW_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vault);
}

/* Locking the wallet leaves nothing to change: the window closes. */
static void
test_lock_closes (Fixture       *fixture,
                  gconstpointer  user_data)
{
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (is_toplevel (fixture->window));
  nymph_wallet_session_lock (fixture->session);
  g_assert_false (is_toplevel (fixture->window));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("nymph-change-password-home-XXXXXX", &error);

  /* Nothing here may see the real $XDG_DATA_HOME; GLib reads it once, so set it first. */
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/change-password-window/new-and-finalize", test_new_and_finalize);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/change-password-window/form", test_form);
  ADD ("/change-password-window/wrong-current", test_wrong_current);
  ADD ("/change-password-window/success", test_success);
  ADD ("/change-password-window/lock-closes", test_lock_closes);
#undef ADD

  {
    int status = g_test_run ();

    g_rmdir (data_home);
    return status;
  }
}
