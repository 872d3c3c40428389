/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Preferences window, each row bound to a GSettings key. */
#include "nymph-preferences-window.h"

struct _NymphPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwComboRow         *style_row;

  /* Owned */
  GSettings           *settings;
};

G_DEFINE_FINAL_TYPE (NymphPreferencesWindow, nymph_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo row lists the schema's ColorScheme enum in its declared order. */
static const char *const color_scheme_nicks[] = { "default", "light", "dark" };

NymphPreferencesWindow *
nymph_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (NYMPH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}

static gboolean
color_scheme_to_position (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_scheme_nicks); i++)
    if (g_strcmp0 (nick, color_scheme_nicks[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
position_to_color_scheme (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint position = g_value_get_uint (value);

  if (position >= G_N_ELEMENTS (color_scheme_nicks))
    return NULL;
  return g_variant_new_string (color_scheme_nicks[position]);
}

static void
nymph_preferences_window_dispose (GObject *object)
{
  NymphPreferencesWindow *self = NYMPH_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (nymph_preferences_window_parent_class)->dispose (object);
}

static void
nymph_preferences_window_class_init (NymphPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphPreferencesWindow, style_row);
}

static void
nymph_preferences_window_init (NymphPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                color_scheme_to_position,
                                position_to_color_scheme,
                                NULL, NULL);
}
