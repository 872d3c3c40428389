/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphAccountsWindow: the accounts of the open wallet, to add, rename, remove, or show their recovery phrase. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_ACCOUNTS_WINDOW (nymph_accounts_window_get_type ())

G_DECLARE_FINAL_TYPE (NymphAccountsWindow, nymph_accounts_window, NYMPH, ACCOUNTS_WINDOW, AdwWindow)

NymphAccountsWindow *nymph_accounts_window_new       (GtkWindow           *parent,
                                                      NymphWalletSession  *session);
void                 nymph_accounts_window_add_toast (NymphAccountsWindow *self,
                                                      AdwToast            *toast);

G_END_DECLS
