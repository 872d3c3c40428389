/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The single-role command `nymph-localnet gateway`: one gateway in the foreground. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int localnet_gateway_command (int    argc,
                              char **argv);

G_END_DECLS
