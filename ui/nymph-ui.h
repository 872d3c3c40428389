/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Start-up of libnymphui: its resources and types, before any widget is built. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nymph_ui_init (void);

G_END_DECLS
