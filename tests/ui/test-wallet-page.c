/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphWalletPage: the first-run page and the windows its actions open, the unlock screen, and Lock. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "crypto/nyx-address.h"
#include "nymph-ui.h"
#include "nymph-application.h"
#include "nymph-onboarding-window.h"
#include "nymph-staking-page.h"
#include "ui-test-util.h"
#include "nymph-wallet-page.h"
#include "nymph-window.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define PASSWORD "Correct horse battery 9"
#define ABANDON_ABOUT \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"

typedef struct
{
  NymphApplication *app;
  NymphWindow      *window;
  NymphWalletPage  *page;
} PageFixture;

static void
page_fixture_set_up (PageFixture   *fixture,
                     gconstpointer  user_data)
{
  fixture->app = ui_test_application_new_registered ();
  fixture->window = g_object_ref (nymph_window_new (ADW_APPLICATION (fixture->app)));
  fixture->page = NYMPH_WALLET_PAGE (ui_test_find_descendant (GTK_WIDGET (fixture->window), NYMPH_TYPE_WALLET_PAGE));
  g_assert_nonnull (fixture->page);
}

/* The app's session keeps its vault at $XDG_DATA_HOME/nymph/vault.json; main() points
 * $XDG_DATA_HOME at a temporary folder. */
static char *
vault_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "nymph", "vault.json", NULL);
}

static void
page_fixture_tear_down (PageFixture   *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = vault_path ();
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (window != GTK_WINDOW (fixture->window))
        gtk_window_destroy (window);
    }
  g_unlink (path);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->window);
  /* A registered application that never ran keeps references of its own until the process
   * ends; its finalization is tested by the run in test-application. */
  g_clear_object (&fixture->app);
}

static void
test_wallet_page_new_and_finalize (void)
{
  NymphWalletPage *page = g_object_ref_sink (nymph_wallet_page_new ());

  g_assert_true (NYMPH_IS_WALLET_PAGE (page));
  g_assert_finalize_object (page);
}

static GtkWidget *
find_button_with_action (GtkWidget  *widget,
                         const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      if ((found = find_button_with_action (child, action)) != NULL)
        return found;
    }
  return NULL;
}

/* The first-run page offers exactly the three ways in of UX.md, each a button bound to an
 * enabled action. */
static void
test_wallet_page_first_run_buttons (PageFixture   *fixture,
                                    gconstpointer  user_data)
{
  const char *actions[] = { "wallet.create", "wallet.restore", "wallet.open-file" };

  for (size_t i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = find_button_with_action (GTK_WIDGET (fixture->page), actions[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_get_sensitive (button));
      g_assert_true (gtk_widget_is_visible (button) || !gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
    }
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

/* Each way in opens the onboarding window in its mode, transient for the main window. */
static void
test_wallet_page_actions_open_onboarding (PageFixture   *fixture,
                                          gconstpointer  user_data)
{
  struct {
    const char          *action;
    NymphOnboardingMode  mode;
    const char          *first_step;
  } actions[] = {
    { "wallet.create", NYMPH_ONBOARDING_MODE_CREATE, "words" },
    { "wallet.restore", NYMPH_ONBOARDING_MODE_RESTORE, "phrase" },
    { "wallet.open-file", NYMPH_ONBOARDING_MODE_OPEN_FILE, "file" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWindow *window;
      NymphOnboardingMode mode;

      g_assert_null (find_toplevel (NYMPH_TYPE_ONBOARDING_WINDOW));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), actions[i].action, NULL));
      window = find_toplevel (NYMPH_TYPE_ONBOARDING_WINDOW);
      g_assert_nonnull (window);
      g_object_get (window, "mode", &mode, NULL);
      g_assert_cmpint (mode, ==, actions[i].mode);
      g_assert_true (gtk_window_get_transient_for (window) == GTK_WINDOW (fixture->window));
      g_assert_true (gtk_window_get_modal (window));
      g_assert_cmpstr (nymph_onboarding_window_get_step (NYMPH_ONBOARDING_WINDOW (window)), ==, actions[i].first_step);
      gtk_window_destroy (window);
    }
}

static const char *
visible_page (PageFixture *fixture)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (fixture->page), NYMPH_TYPE_WALLET_PAGE, "stack"));

  return gtk_stack_get_visible_child_name (stack);
}

static gpointer
page_child (PageFixture *fixture,
            const char  *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (fixture->page), NYMPH_TYPE_WALLET_PAGE, name);
}

static void
unlock_with (PageFixture *fixture,
             const char  *password)
{
  NymphWalletSession *session = nymph_wallet_page_get_session (fixture->page);

  gtk_editable_set_text (page_child (fixture, "unlock_password_row"), password);
  g_signal_emit_by_name (page_child (fixture, "unlock_button"), "clicked");
  /* The entry is cleared as soon as the session has its copy of the password. */
  g_assert_cmpstr (gtk_editable_get_text (page_child (fixture, "unlock_password_row")), ==, "");
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKING);
  g_assert_true (gtk_spinner_get_spinning (page_child (fixture, "unlock_spinner")));
  g_assert_false (gtk_widget_get_sensitive (page_child (fixture, "unlock_button")));
  while (nymph_wallet_session_get_busy (session))
    g_main_context_iteration (NULL, TRUE);
}

static const char *
staking_title (PageFixture *fixture)
{
  GtkWidget *staking = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (fixture->window), NYMPH_TYPE_WINDOW, "staking_page");
  AdwStatusPage *status = ADW_STATUS_PAGE (gtk_widget_get_template_child (staking, NYMPH_TYPE_STAKING_PAGE, "no_wallet_status_page"));

  return adw_status_page_get_title (status);
}

/* With a vault on disk the app starts at the unlock screen; a wrong password is said in
 * place; the right one shows the account; Lock (Ctrl+L) returns to the unlock screen. */
static void
test_wallet_page_unlock_and_lock (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = vault_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(NyxVault) vault = NULL;
  g_autofree char *address = NULL;
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  PageFixture fixture = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  vault = nyx_vault_create (path, NULL, PASSWORD, NULL, ABANDON_ABOUT, &error);
  g_assert_no_error (error);
  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ABOUT, 0, public_key, NULL, &address, &error));

  page_fixture_set_up (&fixture, NULL);
  g_assert_cmpstr (visible_page (&fixture), ==, "unlock");
  g_assert_cmpstr (staking_title (&fixture), ==, "Wallet Locked");
  /* With a wallet on disk, a second one cannot be created over it. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "wallet.create", NULL);
  g_assert_null (find_toplevel (NYMPH_TYPE_ONBOARDING_WINDOW));

  unlock_with (&fixture, "wrong password");
  g_assert_cmpstr (visible_page (&fixture), ==, "unlock");
  g_assert_true (gtk_widget_get_visible (page_child (&fixture, "unlock_error_label")));
  g_assert_cmpstr (gtk_label_get_text (page_child (&fixture, "unlock_error_label")), ==, "Wrong password");
  g_assert_true (gtk_widget_get_sensitive (page_child (&fixture, "unlock_button")));

  unlock_with (&fixture, PASSWORD);
  g_assert_cmpstr (visible_page (&fixture), ==, "unlocked");
  g_assert_cmpstr (gtk_label_get_text (page_child (&fixture, "address_label")), ==, address);
  g_assert_cmpstr (adw_status_page_get_title (page_child (&fixture, "account_status_page")), ==, "Account 1");
  g_assert_cmpstr (staking_title (&fixture), ==, "Staking");

  /* Copy puts the address on the clipboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.page), "wallet.copy-address", NULL));
  g_assert_true (gdk_clipboard_is_local (gtk_widget_get_clipboard (GTK_WIDGET (fixture.page))));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture.window), "win.lock", NULL));
  g_assert_cmpstr (visible_page (&fixture), ==, "unlock");
  g_assert_false (gtk_widget_get_visible (page_child (&fixture, "unlock_error_label")));
  g_assert_cmpstr (staking_title (&fixture), ==, "Wallet Locked");
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (nymph_wallet_page_get_session (fixture.page))), ==, 0);

  page_fixture_tear_down (&fixture, NULL);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("nymph-wallet-page-XXXXXX", &error);

  /* The app's session must not see a real wallet; GLib reads $XDG_DATA_HOME once. */
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/wallet-page/new-and-finalize", test_wallet_page_new_and_finalize);
  g_test_add ("/wallet-page/first-run-buttons", PageFixture, NULL,
              page_fixture_set_up, test_wallet_page_first_run_buttons, page_fixture_tear_down);
  g_test_add ("/wallet-page/actions-open-onboarding", PageFixture, NULL,
              page_fixture_set_up, test_wallet_page_actions_open_onboarding, page_fixture_tear_down);
  g_test_add_func ("/wallet-page/unlock-and-lock", test_wallet_page_unlock_and_lock);

  {
    int status = g_test_run ();
    g_autofree char *nymph_dir = g_build_filename (data_home, "nymph", NULL);

    g_rmdir (nymph_dir);
    g_rmdir (data_home);
    return status;
  }
}
