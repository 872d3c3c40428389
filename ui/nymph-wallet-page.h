/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Wallet view: the first-run page, the unlock screen, or the open wallet's account. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_WALLET_PAGE (nymph_wallet_page_get_type ())

G_DECLARE_FINAL_TYPE (NymphWalletPage, nymph_wallet_page, NYMPH, WALLET_PAGE, GtkWidget)

NymphWalletPage    *nymph_wallet_page_new         (void);
NymphWalletSession *nymph_wallet_page_get_session (NymphWalletPage    *self);
void                nymph_wallet_page_set_session (NymphWalletPage    *self,
                                                   NymphWalletSession *session);

G_END_DECLS
