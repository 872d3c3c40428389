/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Wallet view: the first-run page until a wallet exists. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NYMPH_TYPE_WALLET_PAGE (nymph_wallet_page_get_type ())

G_DECLARE_FINAL_TYPE (NymphWalletPage, nymph_wallet_page, NYMPH, WALLET_PAGE, GtkWidget)

NymphWalletPage *nymph_wallet_page_new (void);

G_END_DECLS
