/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphWindow: its views, the win.view action, and the window state it saves. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>

#include "nymph-change-password-window.h"
#include "nymph-ui.h"
#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-window.h"
#include "nyx-wallet.h"

typedef struct
{
  NymphApplication *app;
  GSettings        *settings;
} WindowFixture;

static void
window_fixture_set_up (WindowFixture *fixture,
                       gconstpointer  user_data)
{
  fixture->app = ui_test_application_new_registered ();
  fixture->settings = g_settings_new ("io.github.nymph.Nymph");
}

static void
window_fixture_tear_down (WindowFixture *fixture,
                          gconstpointer  user_data)
{
  /* The memory backend is shared by the whole process: leave it as each test found it. */
  const char *keys[] = { "window-width", "window-height", "window-maximized", "last-view" };

  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (fixture->settings, keys[i]);
  g_clear_object (&fixture->settings);
  /* A registered application that never ran keeps references of its own until the process
   * ends; its finalization is tested by the run in test-application. */
  g_clear_object (&fixture->app);
}

static NymphWindow *
window_new_owned (WindowFixture *fixture)
{
  NymphWindow *window = nymph_window_new (ADW_APPLICATION (fixture->app));

  /* GTK owns toplevels; take a reference so the test decides when it is finalized. */
  return g_object_ref (window);
}

static void
window_destroy_and_finalize (NymphWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
test_window_new_and_finalize (WindowFixture *fixture,
                              gconstpointer  user_data)
{
  NymphWindow *window = window_new_owned (fixture);

  g_assert_true (NYMPH_IS_WINDOW (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Nymph");
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (fixture->app));
  window_destroy_and_finalize (window);
}

static void
test_window_views (WindowFixture *fixture,
                   gconstpointer  user_data)
{
  NymphWindow *window = window_new_owned (fixture);
  const char *views[] = { "wallet", "staking", "privacy" };

  g_assert_cmpstr (nymph_window_get_visible_view (window), ==, "wallet");
  for (size_t i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *property = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", views[i]));
      g_assert_cmpstr (nymph_window_get_visible_view (window), ==, views[i]);
      g_object_get (window, "visible-view", &property, NULL);
      g_assert_cmpstr (property, ==, views[i]);
    }

  /* An unknown view name changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "no-such-view"));
  g_assert_cmpstr (nymph_window_get_visible_view (window), ==, "privacy");

  window_destroy_and_finalize (window);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_window_view_notifies (WindowFixture *fixture,
                           gconstpointer  user_data)
{
  NymphWindow *window = window_new_owned (fixture);
  guint count = 0;

  g_signal_connect (window, "notify::visible-view", G_CALLBACK (count_notify), &count);
  nymph_window_set_visible_view (window, "staking");
  g_assert_cmpuint (count, ==, 1);
  /* Setting the view that is already visible is not a change. */
  nymph_window_set_visible_view (window, "staking");
  g_assert_cmpuint (count, ==, 1);

  window_destroy_and_finalize (window);
}

static void
test_window_restores_state (WindowFixture *fixture,
                            gconstpointer  user_data)
{
  NymphWindow *window;
  int width = 0;
  int height = 0;

  g_settings_set_int (fixture->settings, "window-width", 812);
  g_settings_set_int (fixture->settings, "window-height", 604);
  g_settings_set_string (fixture->settings, "last-view", "privacy");

  window = window_new_owned (fixture);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 812);
  g_assert_cmpint (height, ==, 604);
  g_assert_cmpstr (nymph_window_get_visible_view (window), ==, "privacy");
  window_destroy_and_finalize (window);
}

static void
test_window_saves_state_on_close (WindowFixture *fixture,
                                  gconstpointer  user_data)
{
  NymphWindow *window = window_new_owned (fixture);
  g_autofree char *view = NULL;

  /* Only a realized window can be closed (an unrealized one has nothing to save). */
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 500);
  nymph_window_set_visible_view (window, "staking");
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-width"), ==, 700);
  g_assert_cmpint (g_settings_get_int (fixture->settings, "window-height"), ==, 500);
  g_assert_false (g_settings_get_boolean (fixture->settings, "window-maximized"));
  view = g_settings_get_string (fixture->settings, "last-view");
  g_assert_cmpstr (view, ==, "staking");
  g_assert_finalize_object (window);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A button bound to an action is sensitive exactly when the action is enabled; put one in
 * the header bar to see whether a window's action is. */
static GtkWidget *
add_probe (NymphWindow *window,
           const char  *action)
{
  AdwHeaderBar *header_bar = ADW_HEADER_BAR (ui_test_find_descendant (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR));
  GtkWidget *probe = gtk_button_new ();

  gtk_actionable_set_action_name (GTK_ACTIONABLE (probe), action);
  adw_header_bar_pack_end (header_bar, probe);
  return probe;
}

/* The open Change Password dialog, or NULL. */
static GtkWindow *
find_change_password_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) item = g_list_model_get_item (toplevels, i);

      /* GTK keeps its own reference while the window is a toplevel. */
      if (NYMPH_IS_CHANGE_PASSWORD_WINDOW (item))
        return item;
    }
  return NULL;
}

/* Every window shows the application's one session; Lock and Accounts need it unlocked. */
static void
test_window_session (WindowFixture *fixture,
                     gconstpointer  user_data)
{
  NymphWindow *window = window_new_owned (fixture);
  NymphWindow *second = window_new_owned (fixture);
  NymphWalletSession *session = nymph_application_get_session (fixture->app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *vault = NULL;
  GtkWidget *lock_probe;
  GtkWidget *accounts_probe;
  GtkWidget *change_password_probe;

  g_assert_nonnull (session);
  g_assert_true (nymph_window_get_session (window) == session);
  g_assert_true (nymph_window_get_session (second) == session);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  lock_probe = add_probe (window, "win.lock");
  accounts_probe = add_probe (window, "win.accounts");
  change_password_probe = add_probe (window, "win.change-password");
  g_assert_false (gtk_widget_is_sensitive (lock_probe));
  g_assert_false (gtk_widget_is_sensitive (accounts_probe));
  g_assert_false (gtk_widget_is_sensitive (change_password_probe));

  nymph_wallet_session_create_async (session, "Correct horse battery 9",
                                     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                                     NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (nymph_wallet_session_create_finish (session, result, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_is_sensitive (lock_probe));
  g_assert_true (gtk_widget_is_sensitive (accounts_probe));
  g_assert_true (gtk_widget_is_sensitive (change_password_probe));

  /* Change Password in the primary menu opens its dialog over this window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-password", NULL));
  g_assert_nonnull (find_change_password_window ());
  g_assert_true (gtk_window_get_transient_for (find_change_password_window ()) == GTK_WINDOW (window));
  /* Locking closes it with everything else that needs the open wallet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.lock", NULL));
  g_assert_null (find_change_password_window ());

  /* Lock in one window locks the session every window shows. */
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_false (gtk_widget_is_sensitive (lock_probe));
  g_assert_false (gtk_widget_is_sensitive (accounts_probe));
  g_assert_false (gtk_widget_is_sensitive (change_password_probe));

  vault = g_strdup (nymph_wallet_session_get_vault_path (session));
  window_destroy_and_finalize (second);
  window_destroy_and_finalize (window);
  g_assert_cmpint (g_unlink (vault), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("nymph-window-XXXXXX", &error);

  /* The app's session must not see a real wallet; GLib reads $XDG_DATA_HOME once. */
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) \
  g_test_add (path, WindowFixture, NULL, window_fixture_set_up, func, window_fixture_tear_down)
  ADD ("/window/new-and-finalize", test_window_new_and_finalize);
  ADD ("/window/views", test_window_views);
  ADD ("/window/view-notifies", test_window_view_notifies);
  ADD ("/window/restores-state", test_window_restores_state);
  ADD ("/window/saves-state-on-close", test_window_saves_state_on_close);
  ADD ("/window/session", test_window_session);
#undef ADD

  {
    int status = g_test_run ();
    g_autofree char *nymph_dir = g_build_filename (data_home, "nymph", NULL);

    g_rmdir (nymph_dir);
    g_rmdir (data_home);
    return status;
  }
}
