/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nymph: the desktop app. Everything but this function is in the libraries. */
#include <glib/gi18n.h>
#include <locale.h>

#include "nymph-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(NymphApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = nymph_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
