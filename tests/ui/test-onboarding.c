/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphOnboardingWindow: each step's validation and each way in, driven through its widgets. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip39.h"
#include "nymph-account.h"
#include "nymph-onboarding-window.h"
#include "nymph-ui.h"
#include "nymph-wallet-session.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define STRONG_PASSWORD "Correct horse battery 9"
#define ABANDON_ABOUT \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

typedef struct
{
  char                  *dir;
  char                  *vault_path;
  NymphWalletSession    *session;
  NymphOnboardingWindow *window;
} OnboardingFixture;

static void
onboarding_fixture_set_up (OnboardingFixture *fixture,
                           gconstpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-onboarding-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault_path = g_build_filename (fixture->dir, "nymph", "vault.json", NULL);
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
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
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A GTask worker drops its reference to the session just after the main thread heard of
 * the result; wait (boundedly) for that before checking that nothing else holds it. */
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
onboarding_fixture_tear_down (OnboardingFixture *fixture,
                              gconstpointer      user_data)
{
  if (fixture->window != NULL)
    {
      if (is_toplevel (fixture->window))
        gtk_window_destroy (GTK_WINDOW (fixture->window));
      /* A callback of the session may still hold the window until the main loop runs it. */
      assert_finalize_soon (fixture->window);
    }
  assert_finalize_soon (fixture->session);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->vault_path);
}

static NymphOnboardingWindow *
open_window (OnboardingFixture   *fixture,
             NymphOnboardingMode  mode)
{
  /* GTK owns toplevels; the fixture's reference decides when the window is finalized. */
  fixture->window = g_object_ref (nymph_onboarding_window_new (NULL, fixture->session, mode));
  return fixture->window;
}

static gpointer
child (OnboardingFixture *fixture,
       const char        *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->window), NYMPH_TYPE_ONBOARDING_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

/* The Next button follows the enabled state of "onboarding.next". */
static gboolean
next_enabled (OnboardingFixture *fixture)
{
  return gtk_widget_is_sensitive (child (fixture, "next_button"));
}

static void
press_next (OnboardingFixture *fixture)
{
  g_assert_true (next_enabled (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "onboarding.next", NULL));
}

static void
set_text (OnboardingFixture *fixture,
          const char        *name,
          const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (fixture, name)), text);
}

static void
set_phrase (OnboardingFixture *fixture,
            const char        *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (fixture, "phrase_view"))), text, -1);
}

static const char *
label_text (OnboardingFixture *fixture,
            const char        *name)
{
  return gtk_label_get_text (GTK_LABEL (child (fixture, name)));
}

/* Runs the main loop while the session works; returns TRUE if the window closed (success). */
static gboolean
wait_until_done (OnboardingFixture *fixture)
{
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "progress");
  g_assert_true (gtk_spinner_get_spinning (child (fixture, "progress_spinner")));
  g_assert_false (next_enabled (fixture));
  while (is_toplevel (fixture->window)
         && g_strcmp0 (nymph_onboarding_window_get_step (fixture->window), "progress") == 0)
    g_main_context_iteration (NULL, TRUE);
  return !is_toplevel (fixture->window);
}

/* The word shown at @position (0-based) in the numbered grid. */
static const char *
shown_word (OnboardingFixture *fixture,
            guint              position)
{
  GtkWidget *cell = gtk_grid_get_child_at (child (fixture, "words_grid"), (int) (position % 3), (int) (position / 3));

  g_assert_nonnull (cell);
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (cell)));
}

static char *
shown_mnemonic (OnboardingFixture *fixture)
{
  GString *mnemonic = g_string_new (NULL);

  for (guint i = 0; i < 24; i++)
    {
      if (i > 0)
        g_string_append_c (mnemonic, ' ');
      g_string_append (mnemonic, shown_word (fixture, i));
    }
  return g_string_free (mnemonic, FALSE);
}

static guint
asked_position (OnboardingFixture *fixture,
                guint              row)
{
  g_autofree char *name = g_strdup_printf ("check_row_%u", row);
  const char *title = adw_preferences_row_get_title (child (fixture, name));
  guint64 position = 0;

  g_assert_true (g_str_has_prefix (title, "Word #"));
  g_assert_true (g_ascii_string_to_unsigned (title + strlen ("Word #"), 10, 1, 24, &position, NULL));
  return (guint) position - 1;
}

static char *
address_of (const char *mnemonic)
{
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  g_autoptr(GError) error = NULL;
  char *address = NULL;

  g_assert_true (nyx_address_derive_from_mnemonic (mnemonic, 0, public_key, NULL, &address, &error));
  g_assert_no_error (error);
  return address;
}

/* The password step: strength and matching decide whether Next is enabled. */
static void
fill_password_step (OnboardingFixture *fixture)
{
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "password");
  g_assert_false (next_enabled (fixture));

  set_text (fixture, "password_row", "short");
  set_text (fixture, "confirm_row", "short");
  g_assert_false (next_enabled (fixture));
  g_assert_true (g_str_has_prefix (label_text (fixture, "strength_label"), "Too short"));
  g_assert_cmpfloat (gtk_level_bar_get_value (child (fixture, "strength_bar")), ==, 0);

  /* Long enough but one class of characters only: weak, refused as nym-wallet does. */
  set_text (fixture, "password_row", "password");
  set_text (fixture, "confirm_row", "password");
  g_assert_false (next_enabled (fixture));
  g_assert_true (g_str_has_prefix (label_text (fixture, "strength_label"), "Weak"));

  set_text (fixture, "password_row", STRONG_PASSWORD);
  set_text (fixture, "confirm_row", STRONG_PASSWORD "x");
  g_assert_false (next_enabled (fixture));
  g_assert_true (gtk_widget_get_visible (child (fixture, "match_label")));
  g_assert_cmpfloat (gtk_level_bar_get_value (child (fixture, "strength_bar")), ==, 4);

  set_text (fixture, "confirm_row", STRONG_PASSWORD);
  g_assert_false (gtk_widget_get_visible (child (fixture, "match_label")));
  g_assert_true (next_enabled (fixture));
}

static void
test_onboarding_create (OnboardingFixture *fixture,
                        gconstpointer      user_data)
{
  g_autofree char *mnemonic = NULL;
  g_autofree char *expected_address = NULL;
  guint positions[3];

  open_window (fixture, NYMPH_ONBOARDING_MODE_CREATE);
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "words");
  g_assert_false (gtk_widget_get_visible (child (fixture, "back_button")));

  /* 24 words, all from the list, forming a valid mnemonic. */
  mnemonic = shown_mnemonic (fixture);
  g_assert_true (nyx_bip39_validate (mnemonic, NULL));
  expected_address = address_of (mnemonic);
  press_next (fixture);

  /* Three different positions, in order; Next only when all three words match. */
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "check");
  for (guint i = 0; i < 3; i++)
    positions[i] = asked_position (fixture, i);
  g_assert_cmpuint (positions[0], <, positions[1]);
  g_assert_cmpuint (positions[1], <, positions[2]);
  g_assert_false (next_enabled (fixture));
  set_text (fixture, "check_row_0", shown_word (fixture, positions[0]));
  set_text (fixture, "check_row_1", shown_word (fixture, positions[1]));
  g_assert_false (next_enabled (fixture));
  /* A word from another position is wrong. */
  set_text (fixture, "check_row_2", shown_word (fixture, (positions[2] + 1) % 24));
  if (g_strcmp0 (shown_word (fixture, (positions[2] + 1) % 24), shown_word (fixture, positions[2])) != 0)
    g_assert_false (next_enabled (fixture));
  {
    /* Case and surrounding spaces do not matter, as on a phone keyboard. */
    g_autofree char *upper = g_ascii_strup (shown_word (fixture, positions[2]), -1);
    g_autofree char *typed = g_strdup_printf ("  %s ", upper);

    set_text (fixture, "check_row_2", typed);
  }
  g_assert_true (next_enabled (fixture));

  /* Back keeps what was typed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "onboarding.back", NULL));
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "words");
  press_next (fixture);
  g_assert_true (next_enabled (fixture));
  press_next (fixture);

  fill_password_step (fixture);
  press_next (fixture);
  /* The password fields are cleared as soon as the session has its copy. */
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "password_row")), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "confirm_row")), ==, "");
  g_assert_cmpstr (label_text (fixture, "progress_label"), ==, "Encrypting your wallet…");
  g_assert_true (wait_until_done (fixture));

  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_cmpstr (nymph_wallet_session_get_address (fixture->session), ==, expected_address);
  g_assert_true (g_file_test (fixture->vault_path, G_FILE_TEST_IS_REGULAR));
}

static void
test_onboarding_restore (OnboardingFixture *fixture,
                         gconstpointer      user_data)
{
  g_autofree char *expected_address = address_of (ABANDON_ABOUT);

  open_window (fixture, NYMPH_ONBOARDING_MODE_RESTORE);
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "phrase");
  g_assert_false (next_enabled (fixture));

  /* A complete word that is not in the list is named, with its position. */
  set_phrase (fixture, "abandon abandn ");
  g_assert_false (next_enabled (fixture));
  g_assert_nonnull (strstr (label_text (fixture, "phrase_status_label"), "Word 2"));
  g_assert_nonnull (strstr (label_text (fixture, "phrase_status_label"), "abandn"));
  g_assert_true (gtk_widget_has_css_class (child (fixture, "phrase_status_label"), "error"));

  /* The word being typed is not judged yet; the count is shown instead. */
  set_phrase (fixture, "abandon aban");
  g_assert_false (next_enabled (fixture));
  g_assert_false (gtk_widget_has_css_class (child (fixture, "phrase_status_label"), "error"));
  g_assert_nonnull (strstr (label_text (fixture, "phrase_status_label"), "2 words"));

  /* Known words but a wrong checksum: refused with the library's reason. */
  set_phrase (fixture, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon");
  g_assert_false (next_enabled (fixture));
  g_assert_true (gtk_widget_has_css_class (child (fixture, "phrase_status_label"), "error"));

  set_phrase (fixture, "  Abandon abandon abandon abandon abandon abandon\nabandon abandon abandon abandon abandon about ");
  g_assert_true (next_enabled (fixture));
  g_assert_false (gtk_widget_has_css_class (child (fixture, "phrase_status_label"), "error"));
  press_next (fixture);

  /* Passwords must match. */
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "password");
  set_text (fixture, "password_row", STRONG_PASSWORD);
  set_text (fixture, "confirm_row", "Correct horse battery 8");
  g_assert_false (next_enabled (fixture));
  set_text (fixture, "confirm_row", STRONG_PASSWORD);
  press_next (fixture);
  g_assert_true (wait_until_done (fixture));

  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_cmpstr (nymph_wallet_session_get_address (fixture->session), ==, expected_address);
}

/* A wallet that appeared meanwhile is never replaced: the error shows on the password step. */
static void
test_onboarding_create_error (OnboardingFixture *fixture,
                              gconstpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) other = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->vault_path);

  open_window (fixture, NYMPH_ONBOARDING_MODE_RESTORE);
  set_phrase (fixture, ABANDON_ABOUT);
  press_next (fixture);
  set_text (fixture, "password_row", STRONG_PASSWORD);
  set_text (fixture, "confirm_row", STRONG_PASSWORD);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  other = nyx_vault_create (fixture->vault_path, NULL, "another password", NULL, ABANDON_ABOUT, &error);
  g_assert_no_error (error);

  press_next (fixture);
  /* The refusal is immediate; the window goes back to the step and says why. */
  while (g_strcmp0 (nymph_onboarding_window_get_step (fixture->window), "progress") == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (is_toplevel (fixture->window));
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "password");
  g_assert_true (gtk_widget_get_visible (child (fixture, "password_error_label")));
  g_assert_nonnull (strstr (label_text (fixture, "password_error_label"), "already exists"));
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_LOCKED);
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
test_onboarding_open_file (OnboardingFixture *fixture,
                           gconstpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source_dir = g_build_filename (fixture->dir, "nym-wallet", NULL);
  g_autofree char *source = g_build_filename (source_dir, "saved-wallet.json", NULL);
  g_autofree char *expected_address = address_of (ABANDON_ABOUT);
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  g_assert_cmpint (g_mkdir_with_parents (source_dir, 0700), ==, 0);
  vault = nyx_vault_create (source, NULL, "password11!", NULL, ABANDON_ABOUT, &error);
  g_assert_no_error (error);
  before = read_bytes (source);

  open_window (fixture, NYMPH_ONBOARDING_MODE_OPEN_FILE);
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "file");
  g_assert_false (next_enabled (fixture));
  set_text (fixture, "file_password_row", "password11!");
  /* No file yet. */
  g_assert_false (next_enabled (fixture));

  file = g_file_new_for_path (source);
  nymph_onboarding_window_set_file (fixture->window, file);
  g_assert_cmpstr (adw_action_row_get_subtitle (child (fixture, "file_row")), ==, source);

  /* The wrong password: shown in the window, which stays open; nothing is stored. */
  set_text (fixture, "file_password_row", "password");
  press_next (fixture);
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "file_password_row")), ==, "");
  g_assert_cmpstr (label_text (fixture, "progress_label"), ==, "Opening the wallet file…");
  g_assert_false (wait_until_done (fixture));
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "file");
  g_assert_true (gtk_widget_get_visible (child (fixture, "file_error_label")));
  g_assert_cmpstr (label_text (fixture, "file_error_label"), ==, "Wrong password");
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));
  g_assert_false (next_enabled (fixture));

  set_text (fixture, "file_password_row", "password11!");
  press_next (fixture);
  g_assert_true (wait_until_done (fixture));
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_cmpstr (nymph_wallet_session_get_address (fixture->session), ==, expected_address);
  after = read_bytes (source);
  g_assert_true (g_bytes_equal (before, after));
}

static void
unlocked_session (OnboardingFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(NyxVault) vault = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->vault_path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  vault = nyx_vault_create (fixture->vault_path, NULL, STRONG_PASSWORD, NULL, ABANDON_ABOUT, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->session);
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
  nymph_wallet_session_unlock_async (fixture->session, STRONG_PASSWORD, NULL, NULL, NULL);
  while (nymph_wallet_session_get_busy (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_UNLOCKED);
}

static void
test_onboarding_add_import (OnboardingFixture *fixture,
                            gconstpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *second = nyx_bip39_generate (12, &error);
  g_autofree char *second_address = address_of (second);

  g_assert_no_error (error);
  unlocked_session (fixture);
  open_window (fixture, NYMPH_ONBOARDING_MODE_ADD_IMPORT);

  /* The phrase of an account already in the wallet is valid BIP39 but refused by the vault. */
  set_phrase (fixture, second);
  press_next (fixture);
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "name");
  g_assert_cmpstr (gtk_editable_get_text (child (fixture, "name_row")), ==, "Account 2");
  set_text (fixture, "name_row", NYX_VAULT_FIRST_ACCOUNT_NAME);
  g_assert_false (next_enabled (fixture));
  g_assert_true (gtk_widget_get_visible (child (fixture, "name_error_label")));
  set_text (fixture, "name_row", "   ");
  g_assert_false (next_enabled (fixture));
  set_text (fixture, "name_row", " Savings ");
  g_assert_true (next_enabled (fixture));
  press_next (fixture);
  g_assert_true (wait_until_done (fixture));

  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (fixture->session)), ==, 2);
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (fixture->session), ==, "Savings");
  g_assert_cmpstr (nymph_wallet_session_get_address (fixture->session), ==, second_address);
  g_assert_finalize_object (g_steal_pointer (&fixture->window));

  /* The same phrase again: the vault's refusal shows on the name step. */
  open_window (fixture, NYMPH_ONBOARDING_MODE_ADD_IMPORT);
  set_phrase (fixture, second);
  press_next (fixture);
  set_text (fixture, "name_row", "Again");
  press_next (fixture);
  g_assert_false (wait_until_done (fixture));
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "name");
  g_assert_true (gtk_widget_get_visible (child (fixture, "name_error_label")));
  g_assert_nonnull (strstr (label_text (fixture, "name_error_label"), "Savings"));
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (fixture->session)), ==, 2);
  nyx_bip39_mnemonic_free (second);
}

static void
test_onboarding_add_new (OnboardingFixture *fixture,
                         gconstpointer      user_data)
{
  g_autofree char *mnemonic = NULL;
  g_autofree char *expected_address = NULL;

  unlocked_session (fixture);
  open_window (fixture, NYMPH_ONBOARDING_MODE_ADD_NEW);
  mnemonic = shown_mnemonic (fixture);
  expected_address = address_of (mnemonic);
  press_next (fixture);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *row = g_strdup_printf ("check_row_%u", i);

      set_text (fixture, row, shown_word (fixture, asked_position (fixture, i)));
    }
  press_next (fixture);
  g_assert_cmpstr (nymph_onboarding_window_get_step (fixture->window), ==, "name");
  press_next (fixture);
  g_assert_true (wait_until_done (fixture));
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (fixture->session), ==, "Account 2");
  g_assert_cmpstr (nymph_wallet_session_get_address (fixture->session), ==, expected_address);
}

/*
 * Closing the window while the session works cancels the operation. Whether the worker had
 * already written the file is a race, so the test checks what must hold either way: the
 * session matches the disk (no wallet, or a locked one), shows no error, and is not left
 * unlocked for a window that is gone.
 */
static void
test_onboarding_close_cancels (OnboardingFixture *fixture,
                               gconstpointer      user_data)
{
  NymphWalletState state;

  open_window (fixture, NYMPH_ONBOARDING_MODE_RESTORE);
  /* Only a realized window can be closed. */
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
  set_phrase (fixture, ABANDON_ABOUT);
  press_next (fixture);
  set_text (fixture, "password_row", STRONG_PASSWORD);
  set_text (fixture, "confirm_row", STRONG_PASSWORD);
  press_next (fixture);
  gtk_window_close (GTK_WINDOW (fixture->window));
  g_assert_false (is_toplevel (fixture->window));
  while (nymph_wallet_session_get_busy (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  state = nymph_wallet_session_get_state (fixture->session);
  g_assert_cmpint (state, ==, g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS) ? NYMPH_WALLET_STATE_LOCKED
                                                                                     : NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_null (nymph_wallet_session_get_error_message (fixture->session));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("nymph-onboarding-home-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) \
  g_test_add (path, OnboardingFixture, NULL, onboarding_fixture_set_up, func, onboarding_fixture_tear_down)
  ADD ("/onboarding/create", test_onboarding_create);
  ADD ("/onboarding/restore", test_onboarding_restore);
  ADD ("/onboarding/create-error", test_onboarding_create_error);
  ADD ("/onboarding/open-file", test_onboarding_open_file);
  ADD ("/onboarding/add-import", test_onboarding_add_import);
  ADD ("/onboarding/add-new", test_onboarding_add_new);
  ADD ("/onboarding/close-cancels", test_onboarding_close_cancels);
#undef ADD

  {
    int status = g_test_run ();

    g_rmdir (data_home);
    return status;
  }
}
