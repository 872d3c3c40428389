/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphApplication: command line, application actions and the lifetime of Nymph's windows. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

#define NYMPH_TYPE_APPLICATION (nymph_application_get_type ())

G_DECLARE_FINAL_TYPE (NymphApplication, nymph_application, NYMPH, APPLICATION, AdwApplication)

NymphApplication   *nymph_application_new         (void);
NymphWalletSession *nymph_application_get_session (NymphApplication *self);

G_END_DECLS
