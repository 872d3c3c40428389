/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nymph-localnet: a whole Nym + Nyx network on 127.0.0.1. */
#include "localnet-main.h"

int
main (int argc, char *argv[])
{
  return localnet_main (argc, argv);
}
