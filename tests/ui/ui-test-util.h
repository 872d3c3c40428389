/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the GTK tests share: a registered NymphApplication of their own, finding widgets in a
 * window, and waiting until a window has been drawn. */
#pragma once

#include <gtk/gtk.h>

#include "nymph-application.h"

/*
 * A registered application keeps its D-Bus object path until the process ends, so each call
 * registers under its own id, never as a remote for another instance; settings and
 * resources do not depend on the id. Such an application, never run, keeps references of
 * its own until the process ends: callers g_object_unref() it, and its finalization is
 * tested by the full run in test-application.
 */
static inline NymphApplication *
ui_test_application_new_registered (void)
{
  static guint instance;
  g_autofree char *test_id = g_strdup_printf ("io.github.nymph.Nymph.Test%u", instance++);
  g_autoptr(GError) error = NULL;
  NymphApplication *app = nymph_application_new ();

  g_application_set_application_id (G_APPLICATION (app), test_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

/* The first descendant of @widget (depth first) that is of @type, or NULL. */
static inline GtkWidget *
ui_test_find_descendant (GtkWidget *widget,
                         GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = ui_test_find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}
