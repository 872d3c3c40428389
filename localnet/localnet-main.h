/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line of nymph-localnet: which roles to run and where. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int localnet_main (int argc, char **argv);

G_END_DECLS
