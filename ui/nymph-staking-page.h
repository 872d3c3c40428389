/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Staking view: delegations to Nym nodes; points to the Wallet view until a wallet exists. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_STAKING_PAGE (nymph_staking_page_get_type ())

G_DECLARE_FINAL_TYPE (NymphStakingPage, nymph_staking_page, NYMPH, STAKING_PAGE, GtkWidget)

NymphStakingPage *nymph_staking_page_new         (void);
void              nymph_staking_page_set_session (NymphStakingPage   *self,
                                                  NymphWalletSession *session);

G_END_DECLS
