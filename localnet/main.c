/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nymph-localnet: a whole Nym + Nyx network on 127.0.0.1. */
#include <locale.h>

#include "localnet-main.h"

int
main (int argc, char *argv[])
{
  /* GOption converts help text to the locale's charset; without this it is plain ASCII. */
  setlocale (LC_ALL, "");
  return localnet_main (argc, argv);
}
