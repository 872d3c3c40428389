/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli wallet". */
#include "nymph-cli.h"

const NymphCliCommand nymph_cli_wallet_commands[] = {
  { NULL, NULL, NULL },
};
