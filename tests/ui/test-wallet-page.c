/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphWalletPage: the first-run page, its actions and the dialogs they open. */
#include <gtk/gtk.h>

#include "nymph-ui.h"
#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-wallet-page.h"
#include "nymph-window.h"

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

static void
page_fixture_tear_down (PageFixture   *fixture,
                        gconstpointer  user_data)
{
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

static guint
count_message_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        count++;
    }
  return count;
}

static void
destroy_message_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i - 1);

      if (ADW_IS_MESSAGE_DIALOG (window))
        gtk_window_destroy (GTK_WINDOW (window));
    }
}

/* Until the wallet library exists, each action must say plainly that nothing happened:
 * one dialog per activation, transient for the main window. */
static void
test_wallet_page_actions_explain (PageFixture   *fixture,
                                  gconstpointer  user_data)
{
  const char *actions[] = { "wallet.create", "wallet.restore", "wallet.open-file" };

  for (size_t i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_assert_cmpuint (count_message_dialogs (), ==, 0);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), actions[i], NULL));
      g_assert_cmpuint (count_message_dialogs (), ==, 1);
      destroy_message_dialogs ();
    }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

  g_test_add_func ("/wallet-page/new-and-finalize", test_wallet_page_new_and_finalize);
  g_test_add ("/wallet-page/first-run-buttons", PageFixture, NULL,
              page_fixture_set_up, test_wallet_page_first_run_buttons, page_fixture_tear_down);
  g_test_add ("/wallet-page/actions-explain", PageFixture, NULL,
              page_fixture_set_up, test_wallet_page_actions_explain, page_fixture_tear_down);

  return g_test_run ();
}
