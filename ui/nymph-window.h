/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: the Wallet, Staking and Privacy views under one header bar. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_WINDOW (nymph_window_get_type ())

G_DECLARE_FINAL_TYPE (NymphWindow, nymph_window, NYMPH, WINDOW, AdwApplicationWindow)

NymphWindow *nymph_window_new              (AdwApplication *application);
const char  *nymph_window_get_visible_view (NymphWindow    *self);
void         nymph_window_set_visible_view (NymphWindow    *self,
                                            const char     *view);
void         nymph_window_add_toast        (NymphWindow    *self,
                                            AdwToast       *toast);
NymphWalletSession *nymph_window_get_session (NymphWindow  *self);

G_END_DECLS
