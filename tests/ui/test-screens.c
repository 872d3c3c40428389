/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Renders every screen of the app as a real window would draw it, saves each as a PNG in the
 * build directory (the screenshots to look at after a UI change), and checks that each screen
 * draws something of its own. */
#include <errno.h>
#include <fcntl.h>
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/nyx-bip39.h"
#include "nymph-accounts-window.h"
#include "nymph-application.h"
#include "nymph-change-password-window.h"
#include "nymph-onboarding-window.h"
#include "ui-test-util.h"
#include "nymph-preferences-window.h"
#include "nymph-ui.h"
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
  /* The app's session looks for its vault here at start: the next test starts without one. */
  {
    g_autofree char *vault = g_build_filename (g_get_user_data_dir (), "nymph", "vault.json", NULL);

    g_unlink (vault);
  }
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
    { "wallet.create", NYMPH_TYPE_ONBOARDING_WINDOW, "onboarding-create-words" },
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


/* Saves a screen and checks that it drew something. */
static void
shoot (GtkWindow  *window,
       const char *name)
{
  g_autoptr(GBytes) pixels = NULL;

  present_and_settle (window);
  pixels = save_screen (window, name);
  assert_not_blank (pixels);
}

static gpointer
onboarding_child (NymphOnboardingWindow *window,
                  const char            *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), NYMPH_TYPE_ONBOARDING_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
onboarding_set_text (NymphOnboardingWindow *window,
                     const char            *name,
                     const char            *text)
{
  gtk_editable_set_text (GTK_EDITABLE (onboarding_child (window, name)), text);
}

static void
onboarding_next (NymphOnboardingWindow *window)
{
  g_assert_true (gtk_widget_is_sensitive (onboarding_child (window, "next_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "onboarding.next", NULL));
}

static const char *
shown_word (NymphOnboardingWindow *window,
            guint                  position)
{
  GtkWidget *cell = gtk_grid_get_child_at (onboarding_child (window, "words_grid"), (int) (position % 3), (int) (position / 3));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (cell)));
}

static guint
asked_position (NymphOnboardingWindow *window,
                guint                  row)
{
  g_autofree char *name = g_strdup_printf ("check_row_%u", row);
  const char *title = adw_preferences_row_get_title (onboarding_child (window, name));

  return (guint) g_ascii_strtoull (title + strlen ("Word #"), NULL, 10) - 1;
}

static void
set_phrase (NymphOnboardingWindow *window,
            const char            *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (onboarding_child (window, "phrase_view")), text, -1);
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
wait_while_working (NymphOnboardingWindow *window)
{
  while (is_toplevel (window) && g_strcmp0 (nymph_onboarding_window_get_step (window), "progress") == 0)
    g_main_context_iteration (NULL, TRUE);
}

/* Every step of the onboarding window, as a user goes through them. */
static void
test_screens_onboarding (ScreensFixture *fixture,
                         gconstpointer   user_data)
{
  NymphWalletSession *session = nymph_window_get_session (fixture->window);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nymph-screens-XXXXXX", &error);
  g_autofree char *source = g_build_filename (dir, "saved-wallet.json", NULL);
  g_autofree char *fifo = g_build_filename (dir, "slow-wallet.json", NULL);
  g_autoptr(NyxVault) source_vault = NULL;
  g_autoptr(GFile) source_file = NULL;
  g_autoptr(GFile) fifo_file = NULL;
  NymphOnboardingWindow *window;

  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  present_and_settle (GTK_WINDOW (fixture->window));

  /* Create: the words, the check (two of three typed), the password. */
  window = nymph_onboarding_window_new (GTK_WINDOW (fixture->window), session, NYMPH_ONBOARDING_MODE_CREATE);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  shoot (GTK_WINDOW (window), "onboarding-create-words-narrow");
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 680);
  onboarding_next (window);
  onboarding_set_text (window, "check_row_0", shown_word (window, asked_position (window, 0)));
  onboarding_set_text (window, "check_row_1", shown_word (window, asked_position (window, 1)));
  shoot (GTK_WINDOW (window), "onboarding-create-check");
  onboarding_set_text (window, "check_row_2", shown_word (window, asked_position (window, 2)));
  onboarding_next (window);
  onboarding_set_text (window, "password_row", "password");
  onboarding_set_text (window, "confirm_row", "passwor");
  shoot (GTK_WINDOW (window), "onboarding-password-weak");
  onboarding_set_text (window, "password_row", PASSWORD);
  onboarding_set_text (window, "confirm_row", PASSWORD);
  shoot (GTK_WINDOW (window), "onboarding-password");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Restore: a word that is not in the list, then a valid phrase. */
  window = nymph_onboarding_window_new (GTK_WINDOW (fixture->window), session, NYMPH_ONBOARDING_MODE_RESTORE);
  set_phrase (window, "abandon abandon abandon abandon abandn abandon ");
  shoot (GTK_WINDOW (window), "onboarding-restore-bad-word");
  set_phrase (window, ABANDON_ABOUT);
  shoot (GTK_WINDOW (window), "onboarding-restore-valid");
  gtk_window_destroy (GTK_WINDOW (window));

  /* Open a nym-wallet file: the wrong password is said in the window. */
  source_vault = nyx_vault_create (source, NULL, "password11!", NULL, ABANDON_ABOUT, &error);
  g_assert_no_error (error);
  g_clear_object (&source_vault);
  source_file = g_file_new_for_path (source);
  window = nymph_onboarding_window_new (GTK_WINDOW (fixture->window), session, NYMPH_ONBOARDING_MODE_OPEN_FILE);
  shoot (GTK_WINDOW (window), "onboarding-open-file");
  nymph_onboarding_window_set_file (window, source_file);
  onboarding_set_text (window, "file_password_row", "password");
  onboarding_next (window);
  wait_while_working (window);
  g_assert_true (gtk_widget_get_visible (onboarding_child (window, "file_error_label")));
  shoot (GTK_WINDOW (window), "onboarding-open-file-error");

  /*
   * The progress step, drawn while the worker really waits: the file is a FIFO, so reading
   * it blocks the worker until the test writes the wallet into it after the screenshot.
   */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  fifo_file = g_file_new_for_path (fifo);
  nymph_onboarding_window_set_file (window, fifo_file);
  onboarding_set_text (window, "file_password_row", "password11!");
  onboarding_next (window);
  g_assert_cmpstr (nymph_onboarding_window_get_step (window), ==, "progress");
  shoot (GTK_WINDOW (window), "onboarding-progress");
  {
    g_autofree char *contents = NULL;
    gsize length = 0;
    int fd;

    g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
    fd = open (fifo, O_WRONLY | O_CLOEXEC);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (write (fd, contents, length), ==, (gssize) length);
    close (fd);
  }
  wait_while_working (window);
  g_assert_false (is_toplevel (window));
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);

  /* Adding an account ends with its name. */
  window = nymph_onboarding_window_new (GTK_WINDOW (fixture->window), session, NYMPH_ONBOARDING_MODE_ADD_IMPORT);
  set_phrase (window, "legal winner thank year wave sausage worth useful legal winner thank yellow");
  onboarding_next (window);
  shoot (GTK_WINDOW (window), "onboarding-add-name");
  gtk_window_destroy (GTK_WINDOW (window));

  g_unlink (fifo);
  g_unlink (source);
  g_rmdir (dir);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
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

static void
change_password_set_text (GtkWindow  *window,
                          const char *name,
                          const char *text)
{
  GObject *row = gtk_widget_get_template_child (GTK_WIDGET (window), NYMPH_TYPE_CHANGE_PASSWORD_WINDOW, name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* The Change Password dialog from the Accounts window: empty, with the inline hints, narrow
 * and dark, and after a wrong current password. */
static void
shoot_change_password (GtkWindow          *accounts,
                       NymphWalletSession *session)
{
  GtkWindow *window;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (accounts), "accounts.change-password", NULL));
  window = find_toplevel (NYMPH_TYPE_CHANGE_PASSWORD_WINDOW);
  g_assert_nonnull (window);
  g_assert_true (gtk_window_get_transient_for (window) == accounts);
  shoot (window, "change-password");

  change_password_set_text (window, "current_row", PASSWORD);
  change_password_set_text (window, "new_row", "Another long password 7");
  change_password_set_text (window, "confirm_row", "Another long pass");
  shoot (window, "change-password-mismatch");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (window, 360, 640);
  change_password_set_text (window, "confirm_row", "Another long password 7");
  shoot (window, "change-password-narrow-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (window, 520, 600);

  change_password_set_text (window, "current_row", "not the password");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "change-password.change", NULL));
  g_assert_cmpstr (nymph_change_password_window_get_step (NYMPH_CHANGE_PASSWORD_WINDOW (window)), ==, "progress");
  while (nymph_wallet_session_get_busy (session))
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (nymph_change_password_window_get_step (NYMPH_CHANGE_PASSWORD_WINDOW (window)), ==, "form");
  shoot (window, "change-password-wrong-current");
  gtk_window_destroy (window);
}

/* The open wallet, its Accounts window and dialogs, then the locked screens. */
static void
test_screens_wallet (ScreensFixture *fixture,
                     gconstpointer   user_data)
{
  NymphWalletSession *session = nymph_window_get_session (fixture->window);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = ui_test_find_descendant (GTK_WIDGET (fixture->window), NYMPH_TYPE_WALLET_PAGE);
  GtkWindow *accounts;
  GtkWindow *dialog;

  nymph_wallet_session_create_async (session, PASSWORD, ABANDON_ABOUT, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (nymph_wallet_session_create_finish (session, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  nymph_wallet_session_add_account_async (session, "Savings",
                                          "legal winner thank year wave sausage worth useful legal winner thank yellow",
                                          NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (nymph_wallet_session_add_account_finish (session, result, &error));
  g_assert_no_error (error);
  nymph_wallet_session_set_selected_account (session, "Account 1");

  nymph_window_set_visible_view (fixture->window, "wallet");
  shoot (GTK_WINDOW (fixture->window), "view-wallet-unlocked");
  nymph_window_set_visible_view (fixture->window, "staking");
  shoot (GTK_WINDOW (fixture->window), "view-staking-unlocked");
  nymph_window_set_visible_view (fixture->window, "wallet");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.accounts", NULL));
  accounts = find_toplevel (NYMPH_TYPE_ACCOUNTS_WINDOW);
  g_assert_nonnull (accounts);
  shoot (accounts, "accounts");
  shoot_change_password (accounts, session);

  /* Show the recovery phrase: first the password, then the words. */
  g_signal_emit_by_name (find_button_with_tooltip (GTK_WIDGET (accounts), "Show Recovery Phrase"), "clicked");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (ui_test_find_descendant (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW)), PASSWORD);
  shoot (dialog, "accounts-reveal-password");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "show");
  /* The response does not close a dialog by itself; only its buttons do. */
  gtk_window_destroy (dialog);
  while ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  {
    /* The words are in the dialog, exactly. */
    GtkWidget *card = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));

    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (card))), ==, ABANDON_ABOUT);
  }
  shoot (dialog, "accounts-recovery-phrase");
  gtk_window_destroy (dialog);

  g_signal_emit_by_name (find_button_with_tooltip (GTK_WIDGET (accounts), "Rename"), "clicked");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  shoot (dialog, "accounts-rename");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  g_signal_emit_by_name (find_button_with_tooltip (GTK_WIDGET (accounts), "Remove"), "clicked");
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  shoot (dialog, "accounts-remove");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  gtk_window_destroy (accounts);

  /* Locked: the unlock screen, its error in place, and the Staking view. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  shoot (GTK_WINDOW (fixture->window), "view-wallet-unlock");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (page, NYMPH_TYPE_WALLET_PAGE, "unlock_password_row")),
                         "wrong password");
  g_signal_emit_by_name (gtk_widget_get_template_child (page, NYMPH_TYPE_WALLET_PAGE, "unlock_button"), "clicked");
  while (nymph_wallet_session_get_busy (session))
    g_main_context_iteration (NULL, TRUE);
  shoot (GTK_WINDOW (fixture->window), "view-wallet-unlock-error");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  shoot (GTK_WINDOW (fixture->window), "view-wallet-unlock-narrow-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 960, 720);
  nymph_window_set_visible_view (fixture->window, "staking");
  shoot (GTK_WINDOW (fixture->window), "view-staking-locked");
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_dir_make_tmp ("nymph-screens-home-XXXXXX", &error);

  /* The app's session must not see a real wallet; GLib reads $XDG_DATA_HOME once. */
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();
  g_assert_true (nyx_wallet_init ());

#define ADD(path, func) \
  g_test_add (path, ScreensFixture, NULL, screens_fixture_set_up, func, screens_fixture_tear_down)
  ADD ("/screens/views", test_screens_views);
  ADD ("/screens/dark", test_screens_dark);
  ADD ("/screens/narrow", test_screens_narrow);
  ADD ("/screens/dialogs", test_screens_dialogs);
  ADD ("/screens/onboarding", test_screens_onboarding);
  ADD ("/screens/wallet", test_screens_wallet);
#undef ADD

  {
    int status = g_test_run ();
    g_autofree char *nymph_dir = g_build_filename (data_home, "nymph", NULL);

    g_rmdir (nymph_dir);
    g_rmdir (data_home);
    return status;
  }
}
