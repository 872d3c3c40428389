/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli mixnet". */
#include "nymph-cli.h"

const NymphCliCommand nymph_cli_mixnet_commands[] = {
  { NULL, NULL, NULL },
};
