/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli keys". */
#include "nymph-cli.h"

const NymphCliCommand nymph_cli_keys_commands[] = {
  { NULL, NULL, NULL },
};
