/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli tx". */
#include "nymph-cli.h"

const NymphCliCommand nymph_cli_tx_commands[] = {
  { NULL, NULL, NULL },
};
