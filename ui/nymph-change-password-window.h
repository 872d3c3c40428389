/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphChangePasswordWindow: asks for the current and a new wallet password and has the session re-encrypt the vault. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_CHANGE_PASSWORD_WINDOW (nymph_change_password_window_get_type ())

G_DECLARE_FINAL_TYPE (NymphChangePasswordWindow, nymph_change_password_window, NYMPH, CHANGE_PASSWORD_WINDOW, AdwWindow)

NymphChangePasswordWindow *nymph_change_password_window_new      (GtkWindow                 *parent,
                                                                  NymphWalletSession        *session);
/* "form" while the passwords are typed, "progress" while the session re-encrypts the vault. */
const char                *nymph_change_password_window_get_step (NymphChangePasswordWindow *self);

G_END_DECLS
