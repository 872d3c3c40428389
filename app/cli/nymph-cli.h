/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table of nymph-cli: groups of commands, each filled by the library it fronts. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One command of a group. run() receives the arguments after the group name, so argv[0]
 * is the command's own name (as g_option_context_parse expects), and returns the process
 * exit status: 0 on success, 1 on failure, 2 on a usage error.
 */
typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} NymphCliCommand;

typedef struct
{
  const char            *name;
  const char            *summary;
  const NymphCliCommand *commands; /* terminated by an entry whose name is NULL */
} NymphCliGroup;

extern const NymphCliCommand nymph_cli_keys_commands[];
extern const NymphCliCommand nymph_cli_tx_commands[];
extern const NymphCliCommand nymph_cli_wallet_commands[];
extern const NymphCliCommand nymph_cli_chain_commands[];
extern const NymphCliCommand nymph_cli_mixnet_commands[];

int  nymph_cli_main       (int argc, char **argv);
void nymph_cli_print_error (const GError *error);

G_END_DECLS
