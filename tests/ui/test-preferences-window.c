/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphPreferencesWindow: each row follows and writes its GSettings key. */
#include <gtk/gtk.h>

#include "nymph-ui.h"
#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-preferences-window.h"

typedef struct
{
  NymphApplication       *app;
  NymphPreferencesWindow *preferences;
  GSettings              *settings;
} PreferencesFixture;

static void
preferences_fixture_set_up (PreferencesFixture *fixture,
                            gconstpointer       user_data)
{
  fixture->app = ui_test_application_new_registered ();
  fixture->settings = g_settings_new ("io.github.nymph.Nymph");
  fixture->preferences = g_object_ref (nymph_preferences_window_new (NULL));
}

static void
preferences_fixture_tear_down (PreferencesFixture *fixture,
                               gconstpointer       user_data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->preferences));
  g_assert_finalize_object (fixture->preferences);
  g_settings_reset (fixture->settings, "color-scheme");
  g_clear_object (&fixture->settings);
  /* A registered application that never ran keeps references of its own until the process
   * ends; its finalization is tested by the run in test-application. */
  g_clear_object (&fixture->app);
}

static AdwComboRow *
style_row (PreferencesFixture *fixture)
{
  return ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (fixture->preferences),
                                                       NYMPH_TYPE_PREFERENCES_WINDOW,
                                                       "style_row"));
}

static void
test_preferences_style_follows_setting (PreferencesFixture *fixture,
                                        gconstpointer       user_data)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  g_assert_cmpuint (adw_combo_row_get_selected (style_row (fixture)), ==, 0);

  g_settings_set_string (fixture->settings, "color-scheme", "dark");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row (fixture)), ==, 2);
  /* The application applies the setting to the whole app at once. */
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);

  g_settings_set_string (fixture->settings, "color-scheme", "light");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row (fixture)), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static void
test_preferences_style_writes_setting (PreferencesFixture *fixture,
                                       gconstpointer       user_data)
{
  g_autofree char *scheme = NULL;

  adw_combo_row_set_selected (style_row (fixture), 2);
  scheme = g_settings_get_string (fixture->settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "dark");

  g_clear_pointer (&scheme, g_free);
  adw_combo_row_set_selected (style_row (fixture), 0);
  scheme = g_settings_get_string (fixture->settings, "color-scheme");
  g_assert_cmpstr (scheme, ==, "default");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

  g_test_add ("/preferences/style-follows-setting", PreferencesFixture, NULL,
              preferences_fixture_set_up, test_preferences_style_follows_setting, preferences_fixture_tear_down);
  g_test_add ("/preferences/style-writes-setting", PreferencesFixture, NULL,
              preferences_fixture_set_up, test_preferences_style_writes_setting, preferences_fixture_tear_down);

  return g_test_run ();
}
