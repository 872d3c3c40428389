/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders every screen of the app as a real window would draw it, saves each as a PNG in the
 * build directory (the screenshots to look at after a UI change), and checks that each screen
 * draws something of its own. */
#include <gtk/gtk.h>

#include "nymph-application.h"
#include "ui-test-util.h"
#include "nymph-preferences-window.h"
#include "nymph-ui.h"
#include "nymph-wallet-page.h"
#include "nymph-window.h"

typedef struct
{
  NymphApplication *app;
  NymphWindow      *window;
} ScreensFixture;

static void
screens_fixture_set_up (ScreensFixture *fixture,
                        gconstpointer   user_data)
{
  fixture->app = ui_test_application_new_registered ();
  fixture->window = g_object_ref (nymph_window_new (ADW_APPLICATION (fixture->app)));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 960, 720);
}

static void
screens_fixture_tear_down (ScreensFixture *fixture,
                           gconstpointer   user_data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i - 1);

      if (window != GTK_WINDOW (fixture->window))
        gtk_window_destroy (window);
    }
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->window);
  /* A registered application that never ran keeps references of its own until the process
   * ends; its finalization is tested by the run in test-application. */
  g_clear_object (&fixture->app);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
count_paint (GdkFrameClock *clock,
             guint         *painted)
{
  (*painted)++;
}

/* Shows the window and waits until it has been drawn a few times and its transitions (the
 * view switcher's crossfade is 250 ms) have finished, so that icons, fonts and size
 * allocation have settled as they have for a user. */
static void
present_and_settle (GtkWindow *window)
{
  guint painted = 0;
  gulong handler;
  GdkFrameClock *clock;
  gint64 until;

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  until = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;

  while (painted < 3 || g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_usleep (5000);
    }
  g_signal_handler_disconnect (clock, handler);
}

/* Renders the window's contents (everything inside its frame) with the window's own
 * renderer and saves them; returns the pixels for comparison. A widget paintable of the
 * toplevel itself draws nothing, so its child is rendered. */
static GBytes *
save_screen (GtkWindow  *window,
             const char *name)
{
  GtkWidget *content = gtk_widget_get_first_child (GTK_WIDGET (window));

  /* Skip what lies around the contents (e.g. a window's titlebar slot that is empty). */
  while (content != NULL && (gtk_widget_get_width (content) == 0 || !gtk_widget_get_visible (content)))
    content = gtk_widget_get_next_sibling (content);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (content);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "ui", "screens", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (content);
  int height = gtk_widget_get_height (content);
  GdkRGBA background;
  guchar *pixels;
  gsize stride = (gsize) width * 4;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  /* The window, not its contents, paints the background: put it under them, in the colour
   * of the current style, so that the picture looks as it does on screen. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (window)), "window_bg_color", &background))
    background = (GdkRGBA) { 1, 1, 1, 1 };
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s (%dx%d)", path, width, height);

  pixels = g_malloc (stride * height);
  gdk_texture_download (texture, pixels, stride);
  return g_bytes_new_take (pixels, stride * height);
}

/* A screen that drew nothing would be a single colour. */
static void
assert_not_blank (GBytes *pixels)
{
  gsize size;
  const guint32 *p = g_bytes_get_data (pixels, &size);
  gsize n = size / 4;
  gsize differing = 0;

  for (gsize i = 1; i < n; i++)
    if (p[i] != p[0])
      differing++;
  g_assert_cmpuint (differing, >, n / 100);
}

static void
test_screens_views (ScreensFixture *fixture,
                    gconstpointer   user_data)
{
  const char *views[] = { "wallet", "staking", "privacy" };
  g_autoptr(GBytes) previous = NULL;

  present_and_settle (GTK_WINDOW (fixture->window));
  for (size_t i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *name = g_strdup_printf ("view-%s", views[i]);
      g_autoptr(GBytes) pixels = NULL;

      nymph_window_set_visible_view (fixture->window, views[i]);
      present_and_settle (GTK_WINDOW (fixture->window));
      pixels = save_screen (GTK_WINDOW (fixture->window), name);
      assert_not_blank (pixels);
      if (previous != NULL)
        g_assert_false (g_bytes_equal (previous, pixels));
      g_clear_pointer (&previous, g_bytes_unref);
      previous = g_steal_pointer (&pixels);
    }
}

static void
test_screens_dark (ScreensFixture *fixture,
                   gconstpointer   user_data)
{
  g_autoptr(GBytes) light = NULL;
  g_autoptr(GBytes) dark = NULL;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  present_and_settle (GTK_WINDOW (fixture->window));
  light = save_screen (GTK_WINDOW (fixture->window), "view-wallet-light");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  present_and_settle (GTK_WINDOW (fixture->window));
  dark = save_screen (GTK_WINDOW (fixture->window), "view-wallet-dark");

  assert_not_blank (dark);
  g_assert_false (g_bytes_equal (light, dark));
}

static void
test_screens_narrow (ScreensFixture *fixture,
                     gconstpointer   user_data)
{
  g_autoptr(GBytes) pixels = NULL;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  present_and_settle (GTK_WINDOW (fixture->window));
  pixels = save_screen (GTK_WINDOW (fixture->window), "view-wallet-narrow");
  assert_not_blank (pixels);
}

/* Finds the shown toplevel of a type; GtkApplication keeps the shortcuts window around
 * hidden, so only visible ones count. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* Each dialog is opened through the action a user triggers, then drawn. */
static void
test_screens_dialogs (ScreensFixture *fixture,
                      gconstpointer   user_data)
{
  struct {
    const char *action;
    GType       type;
    const char *name;
  } dialogs[] = {
    { "app.preferences", NYMPH_TYPE_PREFERENCES_WINDOW, "preferences" },
    { "app.about", ADW_TYPE_ABOUT_WINDOW, "about" },
    { "win.show-help-overlay", GTK_TYPE_SHORTCUTS_WINDOW, "shortcuts" },
    { "wallet.create", ADW_TYPE_MESSAGE_DIALOG, "create-wallet-unavailable" },
  };

  present_and_settle (GTK_WINDOW (fixture->window));
  for (size_t i = 0; i < G_N_ELEMENTS (dialogs); i++)
    {
      GType type = dialogs[i].type;
      GtkWidget *target = GTK_WIDGET (fixture->window);
      g_autoptr(GBytes) pixels = NULL;
      GtkWindow *dialog;

      g_assert_null (find_toplevel (type));
      if (g_str_has_prefix (dialogs[i].action, "wallet."))
        {
          nymph_window_set_visible_view (fixture->window, "wallet");
          target = ui_test_find_descendant (GTK_WIDGET (fixture->window), NYMPH_TYPE_WALLET_PAGE);
        }
      g_assert_true (gtk_widget_activate_action (target, dialogs[i].action, NULL));
      dialog = find_toplevel (type);
      g_assert_nonnull (dialog);
      present_and_settle (dialog);
      pixels = save_screen (dialog, dialogs[i].name);
      assert_not_blank (pixels);
      /* The application owns the shortcuts window and shows it again next time. */
      if (GTK_IS_SHORTCUTS_WINDOW (dialog))
        gtk_widget_set_visible (GTK_WIDGET (dialog), FALSE);
      else
        gtk_window_destroy (dialog);
    }
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

#define ADD(path, func) \
  g_test_add (path, ScreensFixture, NULL, screens_fixture_set_up, func, screens_fixture_tear_down)
  ADD ("/screens/views", test_screens_views);
  ADD ("/screens/dark", test_screens_dark);
  ADD ("/screens/narrow", test_screens_narrow);
  ADD ("/screens/dialogs", test_screens_dialogs);
#undef ADD

  return g_test_run ();
}
