/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The nymph-localnet commands that start the whole network or one mix node, the nym-api or the exit. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int localnet_run_command     (int argc, char **argv);
int localnet_mixnode_command (int argc, char **argv);
int localnet_nym_api_command (int argc, char **argv);
int localnet_exit_command    (int argc, char **argv);

G_END_DECLS
