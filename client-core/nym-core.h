/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One-time initialisation of the crypto libraries that libnymcore is built on. */
#pragma once

#include <stdbool.h>
#include <glib.h>

G_BEGIN_DECLS

bool nym_core_init (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
