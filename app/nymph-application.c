/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphApplication: command line, application actions and the lifetime of Nymph's windows. */
#include "nymph-application.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "nym-core.h"
#include "nymph-preferences-window.h"
#include "nymph-ui.h"
#include "nymph-wallet-session.h"
#include "nymph-window.h"
#include "nyx-wallet.h"

struct _NymphApplication
{
  AdwApplication parent_instance;

  /* Owned */
  GSettings     *settings;
  NymphWalletSession *session;

  /* Set from the command line */
  gboolean       benchmark_first_frame;
};

G_DEFINE_FINAL_TYPE (NymphApplication, nymph_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphApplication *
nymph_application_new (void)
{
  return g_object_new (NYMPH_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/nymph/Nymph",
                       NULL);
}

/*
 * The one wallet session of the app: every window shows the same vault, so locking in one
 * locks all of them. It is created with the application, which only looks whether a vault
 * file exists; nothing is decrypted before the user unlocks.
 */
NymphWalletSession *
nymph_application_get_session (NymphApplication *self)
{
  g_return_val_if_fail (NYMPH_IS_APPLICATION (self), NULL);

  return self->session;
}

static GtkWindow *
get_active_window (NymphApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

static void
apply_color_scheme (NymphApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  AdwColorScheme scheme;

  switch (g_settings_get_enum (self->settings, "color-scheme"))
    {
    case 1:
      scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
      break;
    case 2:
      scheme = ADW_COLOR_SCHEME_FORCE_DARK;
      break;
    default:
      scheme = ADW_COLOR_SCHEME_DEFAULT;
      break;
    }
  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  NymphApplication *self = user_data;
  static const char *developers[] = { "The Nymph developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_active_window (self),
                        "application-name", "Nymph",
                        "application-icon", APPLICATION_ID,
                        "developer-name", "The Nymph developers",
                        "version", PACKAGE_VERSION,
                        "comments", _("A wallet for NYM on the Nyx chain, and a Nym mixnet client with a local SOCKS5 proxy."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "copyright", "© 2026 The Nymph developers",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  NymphApplication *self = user_data;
  NymphPreferencesWindow *preferences = nymph_preferences_window_new (get_active_window (self));

  gtk_window_present (GTK_WINDOW (preferences));
}

/*
 * Quitting closes each window the normal way, so that each one saves its state in its
 * close-request handler; the application ends when its last window is gone.
 */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  NymphApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = about_action },
  { .name = "preferences", .activate = preferences_action },
  { .name = "quit", .activate = quit_action },
};

static void
on_first_frame_painted (GdkFrameClock    *frame_clock,
                        NymphApplication *self)
{
  /* The benchmark reads this line to time the start, then waits for the exit to read the
   * peak memory use; nothing else prints to stdout during a benchmark run. */
  printf ("first-frame\n");
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (frame_clock, on_first_frame_painted, self);
  g_application_quit (G_APPLICATION (self));
}

static void
on_window_mapped (GtkWidget        *window,
                  NymphApplication *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (on_first_frame_painted), self, 0);
}

static void
nymph_application_activate (GApplication *application)
{
  NymphApplication *self = NYMPH_APPLICATION (application);
  GtkWindow *window = get_active_window (self);

  if (window == NULL)
    {
      window = GTK_WINDOW (nymph_window_new (ADW_APPLICATION (self)));
      if (self->benchmark_first_frame)
        g_signal_connect_object (window, "map", G_CALLBACK (on_window_mapped), self, 0);
    }

  gtk_window_present (window);
}

static void
nymph_application_startup (GApplication *application)
{
  NymphApplication *self = NYMPH_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  nymph_ui_init ();

  G_APPLICATION_CLASS (nymph_application_parent_class)->startup (application);

  /* A wallet that cannot initialise its crypto must not start at all. */
  if (!nym_core_init () || !nyx_wallet_init ())
    g_error ("Could not initialise libsodium and libgcrypt");

  /* Finds the keyring and, if the wallet's password is remembered there, unlocks in a worker.
   * A first-frame benchmark measures the window alone. */
  if (!self->benchmark_first_frame)
    nymph_wallet_session_start_async (self->session, NULL, NULL, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_overlay_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self, G_CONNECT_SWAPPED);
  apply_color_scheme (self);
}

static int
nymph_application_handle_local_options (GApplication *application,
                                        GVariantDict *options)
{
  NymphApplication *self = NYMPH_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      printf ("nymph %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  self->benchmark_first_frame = g_variant_dict_contains (options, "benchmark-first-frame");
  if (self->benchmark_first_frame)
    {
      /* A benchmark run is one short-lived, independent instance that must not hand its
       * activation to an already running Nymph. */
      GApplicationFlags flags = g_application_get_flags (application);
      g_application_set_flags (application, flags | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
nymph_application_dispose (GObject *object)
{
  NymphApplication *self = NYMPH_APPLICATION (object);

  g_clear_object (&self->settings);
  if (self->session != NULL)
    nymph_wallet_session_lock (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (nymph_application_parent_class)->dispose (object);
}

static void
nymph_application_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NymphApplication *self = NYMPH_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_application_class_init (NymphApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = nymph_application_dispose;
  object_class->get_property = nymph_application_get_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
  application_class->activate = nymph_application_activate;
  application_class->startup = nymph_application_startup;
  application_class->handle_local_options = nymph_application_handle_local_options;
}

static void
nymph_application_init (NymphApplication *self)
{
  static const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
    { "benchmark-first-frame", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL,
      "Quit after the first frame is drawn (for bench/startup)", NULL },
    { NULL }
  };

  self->session = nymph_wallet_session_new (NULL);
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("A wallet for NYM and a Nym mixnet client."));
}
