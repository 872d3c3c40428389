/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli chain". */
#include "nymph-cli.h"

const NymphCliCommand nymph_cli_chain_commands[] = {
  { NULL, NULL, NULL },
};
