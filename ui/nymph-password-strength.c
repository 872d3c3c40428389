/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The password strength hint shared by the set-password and change-password screens. */
#include "nymph-password-strength.h"

#include <string.h>

#include <glib/gi18n.h>

#include "vault/nyx-vault.h"

/*
 * A hint, not a guarantee: 0 when shorter than 8 characters, otherwise one point for the
 * length, one each for 12 and 16 characters, and one for mixing at least three classes of
 * characters (lower case, upper case, digits, anything else).
 */
guint
nymph_password_strength (const char *password,
                         guint      *n_classes_out)
{
  gboolean lower = FALSE, upper = FALSE, digit = FALSE, other = FALSE;
  glong length = g_utf8_strlen (password, -1);
  guint n_classes;
  guint score;

  for (const char *p = password; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_islower (c))
        lower = TRUE;
      else if (g_unichar_isupper (c))
        upper = TRUE;
      else if (g_unichar_isdigit (c))
        digit = TRUE;
      else
        other = TRUE;
    }
  n_classes = (guint) lower + (guint) upper + (guint) digit + (guint) other;
  if (n_classes_out != NULL)
    *n_classes_out = n_classes;

  if (length < NYMPH_PASSWORD_MIN_LENGTH)
    return 0;
  score = 1 + (length >= 12) + (length >= 16) + (n_classes >= 3);
  return MIN (score, NYMPH_PASSWORD_MAX_STRENGTH);
}

void
nymph_password_strength_init_bar (GtkLevelBar *bar)
{
  gtk_level_bar_set_min_value (bar, 0);
  gtk_level_bar_set_max_value (bar, NYMPH_PASSWORD_MAX_STRENGTH);
  gtk_level_bar_set_mode (bar, GTK_LEVEL_BAR_MODE_DISCRETE);
  gtk_level_bar_add_offset_value (bar, GTK_LEVEL_BAR_OFFSET_LOW, 1);
  gtk_level_bar_add_offset_value (bar, GTK_LEVEL_BAR_OFFSET_HIGH, 3);
  gtk_level_bar_add_offset_value (bar, GTK_LEVEL_BAR_OFFSET_FULL, 4);
}

void
nymph_password_strength_show (const char  *password,
                              GtkLevelBar *bar,
                              GtkLabel    *label)
{
  guint n_classes = 0;
  guint score = nymph_password_strength (password, &n_classes);
  g_autofree char *hint = NULL;

  gtk_level_bar_set_value (bar, score);
  if (password[0] == '\0')
    hint = g_strdup (_("Use at least 8 characters; longer is stronger."));
  else
    {
      glong length = g_utf8_strlen (password, -1);
      /* Translators: the rating of a password, then its length and how many of the four kinds
       * of characters (lower case, upper case, digits, symbols) it mixes. */
      g_autofree char *counts = g_strdup_printf (ngettext ("%ld character, %u of 4 kinds (lower case, upper case, digits, symbols)",
                                                           "%ld characters, %u of 4 kinds (lower case, upper case, digits, symbols)",
                                                           (unsigned long) length),
                                                 length, n_classes);

      if (score == 0)
        hint = g_strdup_printf (_("Too short: %s. Use at least 8 characters."), counts);
      else if (score < NYMPH_PASSWORD_MIN_STRENGTH)
        hint = g_strdup_printf (_("Weak: %s. Make it longer, or mix more kinds."), counts);
      else if (score == 2)
        hint = g_strdup_printf (_("Fair: %s."), counts);
      else if (score == 3)
        hint = g_strdup_printf (_("Good: %s."), counts);
      else
        hint = g_strdup_printf (_("Strong: %s."), counts);
    }
  gtk_label_set_text (label, hint);
}

gboolean
nymph_password_is_acceptable (const char *password,
                              const char *confirm)
{
  return nymph_password_strength (password, NULL) >= NYMPH_PASSWORD_MIN_STRENGTH
         && strlen (password) <= NYX_VAULT_MAX_PASSWORD_LENGTH
         && strcmp (password, confirm) == 0;
}
