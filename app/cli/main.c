/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nymph-cli: the command line front end of Nymph's libraries. */
#include "nymph-cli.h"

int
main (int argc, char *argv[])
{
  return nymph_cli_main (argc, argv);
}
