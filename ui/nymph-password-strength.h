/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The password strength hint shared by the set-password and change-password screens. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* nym-wallet asks for a zxcvbn score of 2 ("Average") or better; this is our own scale, 0 to 4. */
#define NYMPH_PASSWORD_MIN_STRENGTH 2
#define NYMPH_PASSWORD_MAX_STRENGTH 4
#define NYMPH_PASSWORD_MIN_LENGTH   8

guint    nymph_password_strength            (const char  *password,
                                             guint       *n_classes_out);
/* Sets up @bar (offsets and range) for nymph_password_strength_show(). */
void     nymph_password_strength_init_bar   (GtkLevelBar *bar);
/* Shows the score of @password in @bar and a sentence about it in @label. */
void     nymph_password_strength_show       (const char  *password,
                                             GtkLevelBar *bar,
                                             GtkLabel    *label);
/* Strong enough, short enough for the vault, and equal to @confirm. */
gboolean nymph_password_is_acceptable       (const char  *password,
                                             const char  *confirm);

G_END_DECLS
