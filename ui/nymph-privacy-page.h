/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Privacy view: the mixnet switch and SOCKS5 proxy; says so honestly while there is no mixnet client. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NYMPH_TYPE_PRIVACY_PAGE (nymph_privacy_page_get_type ())

G_DECLARE_FINAL_TYPE (NymphPrivacyPage, nymph_privacy_page, NYMPH, PRIVACY_PAGE, GtkWidget)

NymphPrivacyPage *nymph_privacy_page_new (void);

G_END_DECLS
