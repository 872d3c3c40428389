/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The baseline for bench/startup: the smallest AdwApplication with one window, which prints
 * "first-frame" and quits after its first frame, exactly as nymph --benchmark-first-frame. */
#include <adwaita.h>
#include <stdio.h>

static void
on_after_paint (GdkFrameClock *frame_clock,
                GApplication  *app)
{
  printf ("first-frame\n");
  fflush (stdout);
  g_signal_handlers_disconnect_by_func (frame_clock, on_after_paint, app);
  g_application_quit (app);
}

static void
on_map (GtkWidget    *window,
        GApplication *app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), app);
}

static void
on_activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), adw_status_page_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Hello");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);
  g_signal_connect (window, "map", G_CALLBACK (on_map), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("io.github.nymph.HelloAdw", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
