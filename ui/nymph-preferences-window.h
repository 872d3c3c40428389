/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Preferences window, each row bound to a GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NYMPH_TYPE_PREFERENCES_WINDOW (nymph_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NymphPreferencesWindow, nymph_preferences_window, NYMPH, PREFERENCES_WINDOW, AdwPreferencesWindow)

NymphPreferencesWindow *nymph_preferences_window_new (GtkWindow *parent);

G_END_DECLS
