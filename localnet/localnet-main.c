/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line of nymph-localnet: which roles to run and where. */
#include "localnet-main.h"

#include <stdio.h>
#include <string.h>

#include "gateway/localnet-gateway-command.h"
#include "localnet-commands.h"

/*
 * Each role of the local network (mix node, gateway, exit, nym-api, chain) registers a
 * command here as it is written; "run" starts all of them in one process. Roles that do not
 * exist yet are simply absent, so --help always tells the truth about this build.
 */
typedef struct
{
  const char *name;
  const char *summary;
  int       (*run) (int argc, char **argv);
} LocalnetCommand;

static const LocalnetCommand commands[] = {
  { "run", "Run the whole network and its exit in one process ([--dir DIR] [--mixnodes-per-layer N] [--gateways 1|2] [--zero-delay] [--no-exit] [--exit-policy FILE])", localnet_run_command },
  { "mixnode", "Run one mix node (--dir DIR --layer L [--index I] [--port P])", localnet_mixnode_command },
  { "nym-api", "Run the nym-api alone (--dir DIR [--port P])", localnet_nym_api_command },
  { "gateway", "Run one gateway (--dir DIR [--index I] [--ws-port P] [--mix-port P] [--stats-file F])", localnet_gateway_command },
  { "exit", "Run the network requester of a gateway (--dir DIR [--gateway NAME] [--exit-policy FILE] [--zero-delay])", localnet_exit_command },
  { NULL, NULL, NULL },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: nymph-localnet COMMAND [OPTION…]\n\n"
           "A Nym mixnet (mix nodes, gateways and a nym-api) on 127.0.0.1, for tests and for\n"
           "trying Nymph without the internet. Every server binds to the loopback interface only.\n\n");
  if (commands[0].name == NULL)
    {
      fprintf (out, "This build has no network roles yet.\n");
    }
  else
    {
      fprintf (out, "Commands:\n");
      for (size_t i = 0; commands[i].name != NULL; i++)
        fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
  fprintf (out, "\nGeneral options:\n"
                "  -h, --help     Show this help\n"
                "  --version      Show the version\n");
}

int
localnet_main (int argc, char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("nymph-localnet %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (size_t i = 0; commands[i].name != NULL; i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "nymph-localnet: unknown command “%s”\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
