/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphRememberRow: the "Remember Password" switch of the unlock and set-password screens, bound to the wallet session. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_REMEMBER_ROW (nymph_remember_row_get_type ())

G_DECLARE_FINAL_TYPE (NymphRememberRow, nymph_remember_row, NYMPH, REMEMBER_ROW, AdwActionRow)

NymphRememberRow   *nymph_remember_row_new         (void);
NymphWalletSession *nymph_remember_row_get_session (NymphRememberRow   *self);
void                nymph_remember_row_set_session (NymphRememberRow   *self,
                                                    NymphWalletSession *session);
gboolean            nymph_remember_row_get_active  (NymphRememberRow   *self);
void                nymph_remember_row_set_active  (NymphRememberRow   *self,
                                                    gboolean            active);

G_END_DECLS
