/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphStakingPage: without a wallet it leads the user to the Wallet view. */
#include <gtk/gtk.h>

#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-staking-page.h"
#include "nymph-ui.h"
#include "nymph-window.h"

static void
test_staking_page_new_and_finalize (void)
{
  NymphStakingPage *page = g_object_ref_sink (nymph_staking_page_new ());

  g_assert_true (NYMPH_IS_STAKING_PAGE (page));
  g_assert_finalize_object (page);
}

/* The page's only button is "Go to Wallet": clicking it shows the Wallet view. */
static void
test_staking_page_go_to_wallet (void)
{
  NymphApplication *app = ui_test_application_new_registered ();
  NymphWindow *window;
  GtkWidget *page;
  GtkWidget *button;

  window = g_object_ref (nymph_window_new (ADW_APPLICATION (app)));
  nymph_window_set_visible_view (window, "staking");

  page = ui_test_find_descendant (GTK_WIDGET (window), NYMPH_TYPE_STAKING_PAGE);
  g_assert_nonnull (page);
  button = ui_test_find_descendant (page, GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.view");

  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpstr (nymph_window_get_visible_view (window), ==, "wallet");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_object_unref (app);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

  g_test_add_func ("/staking-page/new-and-finalize", test_staking_page_new_and_finalize);
  g_test_add_func ("/staking-page/go-to-wallet", test_staking_page_go_to_wallet);

  return g_test_run ();
}
