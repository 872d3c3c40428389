/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphAccount: one account of the unlocked wallet as the UI lists it, its name and address. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define NYMPH_TYPE_ACCOUNT (nymph_account_get_type ())

G_DECLARE_FINAL_TYPE (NymphAccount, nymph_account, NYMPH, ACCOUNT, GObject)

NymphAccount *nymph_account_new         (const char   *name,
                                         const char   *address);
const char   *nymph_account_get_name    (NymphAccount *self);
void          nymph_account_set_name    (NymphAccount *self,
                                         const char   *name);
const char   *nymph_account_get_address (NymphAccount *self);

G_END_DECLS
