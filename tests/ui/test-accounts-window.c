/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphAccountsWindow: the list of accounts, and rename, remove and reveal through their dialogs. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "crypto/nyx-address.h"
#include "nymph-accounts-window.h"
#include "nymph-onboarding-window.h"
#include "nymph-ui.h"
#include "nymph-wallet-session.h"
#include "nyx-wallet.h"
#include "ui-test-util.h"

#define PASSWORD "Correct horse battery 9"
#define ABANDON_ABOUT \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"
#define LEGAL_YELLOW \
  "legal winner thank year wave sausage worth useful legal winner thank yellow"

typedef struct
{
  char                *dir;
  char                *vault_path;
  NymphWalletSession  *session;
  NymphAccountsWindow *window;
} AccountsFixture;

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

/* A wallet with two accounts, unlocked, and its Accounts window shown. */
static void
accounts_fixture_set_up (AccountsFixture *fixture,
                         gconstpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) created = NULL;
  g_autoptr(GAsyncResult) added = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-accounts-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault_path = g_build_filename (fixture->dir, "vault.json", NULL);
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
  nymph_wallet_session_create_async (fixture->session, PASSWORD, ABANDON_ABOUT, NULL, store_result, &created);
  g_assert_true (nymph_wallet_session_create_finish (fixture->session, wait_for (&created), &error));
  g_assert_no_error (error);
  nymph_wallet_session_add_account_async (fixture->session, "Savings", LEGAL_YELLOW, NULL, store_result, &added);
  g_assert_true (nymph_wallet_session_add_account_finish (fixture->session, wait_for (&added), &error));
  g_assert_no_error (error);

  fixture->window = g_object_ref (nymph_accounts_window_new (NULL, fixture->session));
  gtk_window_present (GTK_WINDOW (fixture->window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->window)))
    g_main_context_iteration (NULL, TRUE);
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

/* Session callbacks hold the window (and workers the session) until the main loop runs them. */
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
accounts_fixture_tear_down (AccountsFixture *fixture,
                            gconstpointer    user_data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      gtk_window_destroy (window);
    }
  assert_finalize_soon (fixture->window);
  assert_finalize_soon (fixture->session);
  g_unlink (fixture->vault_path);
  g_rmdir (fixture->dir);
  g_free (fixture->vault_path);
  g_free (fixture->dir);
}

static GtkListBox *
accounts_list (AccountsFixture *fixture)
{
  return GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (fixture->window), NYMPH_TYPE_ACCOUNTS_WINDOW,
                                                      "accounts_list"));
}

static AdwActionRow *
row_at (AccountsFixture *fixture,
        int              index)
{
  return ADW_ACTION_ROW (gtk_list_box_get_row_at_index (accounts_list (fixture), index));
}

static GtkWidget *
find_button_with_tooltip (GtkWidget  *widget,
                          const char *tooltip)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_widget_get_tooltip_text (child), tooltip) == 0)
        return child;
      if ((found = find_button_with_tooltip (child, tooltip)) != NULL)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Clicks a row's button and returns the dialog it opened. */
static AdwMessageDialog *
click (AccountsFixture *fixture,
       int              index,
       const char      *tooltip)
{
  GtkWidget *button = find_button_with_tooltip (GTK_WIDGET (row_at (fixture, index)), tooltip);
  AdwMessageDialog *dialog;

  g_assert_nonnull (button);
  g_assert_null (find_message_dialog ());
  g_signal_emit_by_name (button, "clicked");
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  return dialog;
}

/* Answers a dialog as its button would: the response, then the dialog closes. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
wait_until_idle (AccountsFixture *fixture)
{
  while (nymph_wallet_session_get_busy (fixture->session))
    g_main_context_iteration (NULL, TRUE);
  /* The window's own callback runs on the next iterations. */
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
test_accounts_list (AccountsFixture *fixture,
                    gconstpointer    user_data)
{
  g_autofree char *first_address = NULL;
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];

  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ABOUT, 0, public_key, NULL, &first_address, NULL));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (fixture, 0))), ==, "Account 1");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (fixture, 0)), ==, first_address);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (fixture, 1))), ==, "Savings");
  g_assert_null (row_at (fixture, 2));
}

static void
test_accounts_rename (AccountsFixture *fixture,
                      gconstpointer    user_data)
{
  AdwMessageDialog *dialog = click (fixture, 1, "Rename");
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  /* Rename is offered only for a new, non-empty name. */
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "Savings");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (entry, "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (entry, "Cold storage");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rename"));
  respond (dialog, "rename");
  wait_until_idle (fixture);

  /* The row follows the account object. */
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (fixture, 1))), ==, "Cold storage");

  /* A name in use is refused by the vault and said in a toast; nothing changes. */
  dialog = click (fixture, 1, "Rename");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Account 1");
  respond (dialog, "rename");
  wait_until_idle (fixture);
  g_assert_nonnull (strstr (nymph_wallet_session_get_error_message (fixture->session), "Account 1"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (fixture, 1))), ==, "Cold storage");
}

static void
test_accounts_remove (AccountsFixture *fixture,
                      gconstpointer    user_data)
{
  AdwMessageDialog *dialog = click (fixture, 1, "Remove");

  /* Cancel changes nothing. */
  respond (dialog, "cancel");
  wait_until_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (fixture->session)), ==, 2);

  dialog = click (fixture, 1, "Remove");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "remove"), ==, ADW_RESPONSE_DESTRUCTIVE);
  respond (dialog, "remove");
  wait_until_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (fixture->session)), ==, 1);
  g_assert_null (row_at (fixture, 1));

  /* The last one: the dialog says the wallet goes with it, and the window closes. */
  dialog = click (fixture, 0, "Remove");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "deletes the wallet"));
  respond (dialog, "remove");
  wait_until_idle (fixture);
  g_assert_cmpint (nymph_wallet_session_get_state (fixture->session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));
  g_assert_false (is_toplevel (fixture->window));
}

static void
test_accounts_reveal (AccountsFixture *fixture,
                      gconstpointer    user_data)
{
  AdwMessageDialog *dialog = click (fixture, 1, "Show Recovery Phrase");
  GtkEditable *password = GTK_EDITABLE (ui_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW));
  GtkWidget *card;

  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "show"));
  gtk_editable_set_text (password, "wrong password");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "show"));
  respond (dialog, "show");
  wait_until_idle (fixture);
  /* The wrong password shows nothing. */
  g_assert_null (find_message_dialog ());
  g_assert_cmpstr (nymph_wallet_session_get_error_message (fixture->session), ==, "Wrong password");

  dialog = click (fixture, 1, "Show Recovery Phrase");
  password = GTK_EDITABLE (ui_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW));
  gtk_editable_set_text (password, PASSWORD);
  adw_message_dialog_response (dialog, "show");
  /* The password field is emptied as soon as the session has it. */
  g_assert_cmpstr (gtk_editable_get_text (password), ==, "");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until_idle (fixture);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  card = adw_message_dialog_get_extra_child (dialog);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (card))), ==, LEGAL_YELLOW);
}

/* Locking closes the window: nothing of the wallet stays on screen. */
static void
test_accounts_lock_closes (AccountsFixture *fixture,
                           gconstpointer    user_data)
{
  g_assert_true (is_toplevel (fixture->window));
  nymph_wallet_session_lock (fixture->session);
  g_assert_false (is_toplevel (fixture->window));
}

static void
test_accounts_add_opens_onboarding (AccountsFixture *fixture,
                                    gconstpointer    user_data)
{
  const char *actions[] = { "accounts.add-new", "accounts.add-import" };
  NymphOnboardingMode modes[] = { NYMPH_ONBOARDING_MODE_ADD_NEW, NYMPH_ONBOARDING_MODE_ADD_IMPORT };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();
      GtkWindow *found = NULL;
      NymphOnboardingMode mode;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), actions[i], NULL));
      for (guint j = 0; j < g_list_model_get_n_items (toplevels); j++)
        {
          g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, j);

          if (NYMPH_IS_ONBOARDING_WINDOW (window))
            found = window;
        }
      g_assert_nonnull (found);
      g_assert_true (gtk_window_get_transient_for (found) == GTK_WINDOW (fixture->window));
      g_object_get (found, "mode", &mode, NULL);
      g_assert_cmpint (mode, ==, modes[i]);
      gtk_window_destroy (found);
    }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) \
  g_test_add (path, AccountsFixture, NULL, accounts_fixture_set_up, func, accounts_fixture_tear_down)
  ADD ("/accounts-window/list", test_accounts_list);
  ADD ("/accounts-window/rename", test_accounts_rename);
  ADD ("/accounts-window/remove", test_accounts_remove);
  ADD ("/accounts-window/reveal", test_accounts_reveal);
  ADD ("/accounts-window/lock-closes", test_accounts_lock_closes);
  ADD ("/accounts-window/add-opens-onboarding", test_accounts_add_opens_onboarding);
#undef ADD

  return g_test_run ();
}
