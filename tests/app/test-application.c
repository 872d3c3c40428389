/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphApplication: its lifetime, its actions and accelerators, and a full run. */
#include <gtk/gtk.h>

#include "nymph-ui.h"
#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-window.h"

typedef struct
{
  NymphApplication *app;
} AppFixture;

static void
app_fixture_set_up (AppFixture    *fixture,
                    gconstpointer  user_data)
{
  fixture->app = ui_test_application_new_registered ();
}

static void
app_fixture_tear_down (AppFixture    *fixture,
                       gconstpointer  user_data)
{
  /* A registered application that never ran keeps references of its own until the process
   * ends; its finalization is tested by the run in test-application. */
  g_clear_object (&fixture->app);
}

static void
test_application_new_and_finalize (void)
{
  NymphApplication *app = nymph_application_new ();

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)), ==, "io.github.nymph.Nymph");
  g_assert_cmpstr (g_application_get_resource_base_path (G_APPLICATION (app)), ==, "/io/github/nymph/Nymph");
  g_assert_finalize_object (app);
}

static void
test_application_actions (AppFixture    *fixture,
                          gconstpointer  user_data)
{
  GActionGroup *group = G_ACTION_GROUP (fixture->app);
  const char *names[] = { "about", "preferences", "quit" };

  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (g_action_group_has_action (group, names[i]));
      g_assert_true (g_action_group_get_action_enabled (group, names[i]));
      /* None of them carries a state or takes a parameter. */
      g_assert_null (g_action_group_get_action_state_type (group, names[i]));
      g_assert_null (g_action_group_get_action_parameter_type (group, names[i]));
    }
  g_assert_false (g_action_group_has_action (group, "no-such-action"));
}

static void
assert_accel (GtkApplication *app,
              const char     *action,
              const char     *accel)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (app, action);

  g_assert_nonnull (accels);
  g_assert_true (g_strv_contains ((const char *const *) accels, accel));
}

static void
test_application_accels (AppFixture    *fixture,
                         gconstpointer  user_data)
{
  GtkApplication *app = GTK_APPLICATION (fixture->app);

  assert_accel (app, "app.quit", "<Control>q");
  assert_accel (app, "app.preferences", "<Control>comma");
  assert_accel (app, "win.show-help-overlay", "<Control>question");
}

typedef struct
{
  NymphWindow *window;
  gboolean     checked;
} RunState;

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 RunState       *state)
{
  if (NYMPH_IS_WINDOW (window) && state->window == NULL)
    {
      state->window = NYMPH_WINDOW (window);
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &state->window);
    }
}

static gboolean
check_then_quit (gpointer user_data)
{
  GApplication *app = user_data;
  RunState *state = g_object_get_data (G_OBJECT (app), "run-state");

  g_assert_nonnull (state->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (state->window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (state->window)), ==, "Nymph");
  g_assert_cmpstr (nymph_window_get_visible_view (state->window), ==, "wallet");
  g_assert_true (gtk_application_get_active_window (GTK_APPLICATION (app)) == GTK_WINDOW (state->window));
  state->checked = TRUE;

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
on_activate_schedule_check (GApplication *app)
{
  g_timeout_add (200, check_then_quit, app);
}

/* A whole run as a user starts it: activation opens one window, app.quit closes it and
 * makes g_application_run() return 0, and the window is then gone. */
static void
test_application_run_and_quit (void)
{
  NymphApplication *app = nymph_application_new ();
  RunState state = { NULL, FALSE };
  char *argv[] = { (char *) "nymph", NULL };
  int status;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_object_set_data (G_OBJECT (app), "run-state", &state);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), &state);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_schedule_check), NULL);

  status = g_application_run (G_APPLICATION (app), 1, argv);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (state.checked);
  g_assert_finalize_object (app);
  /* The window must not outlive the application. */
  g_assert_null (state.window);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

  g_test_add_func ("/application/new-and-finalize", test_application_new_and_finalize);
  g_test_add ("/application/actions", AppFixture, NULL,
              app_fixture_set_up, test_application_actions, app_fixture_tear_down);
  g_test_add ("/application/accels", AppFixture, NULL,
              app_fixture_set_up, test_application_accels, app_fixture_tear_down);
  g_test_add_func ("/application/run-and-quit", test_application_run_and_quit);

  return g_test_run ();
}
