/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nymph-cli's front door: finds the group and command named on the command line and runs it. */
#include "nymph-cli.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "nym-core.h"
#include "nyx-wallet.h"

static const NymphCliGroup groups[] = {
  { "keys",   N_("Create mnemonics and show the address and public key they lead to"), nymph_cli_keys_commands },
  { "tx",     N_("Build, sign and inspect Nyx transactions offline"),                  nymph_cli_tx_commands },
  { "wallet", N_("Manage an encrypted wallet file (nym-wallet format)"),               nymph_cli_wallet_commands },
  { "chain",  N_("Query a Nyx chain and broadcast transactions"),                       nymph_cli_chain_commands },
  { "mixnet", N_("Run the Nym mixnet client and inspect Nym packets"),                 nymph_cli_mixnet_commands },
};

static size_t
count_commands (const NymphCliGroup *group)
{
  size_t n = 0;

  while (group->commands[n].name != NULL)
    n++;
  return n;
}

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: nymph-cli GROUP COMMAND [OPTION…]\n\n"));
  fprintf (out, _("Command groups:\n"));
  for (size_t i = 0; i < G_N_ELEMENTS (groups); i++)
    fprintf (out, "  %-8s %s\n", groups[i].name, _(groups[i].summary));
  fprintf (out, _("\nGeneral options:\n"
                  "  -h, --help     Show this help, or a group's commands with GROUP --help\n"
                  "  --version      Show the version\n"));
}

static void
print_group_usage (FILE *out, const NymphCliGroup *group)
{
  fprintf (out, _("Usage: nymph-cli %s COMMAND [OPTION…]\n\n%s\n\n"), group->name, _(group->summary));
  if (count_commands (group) == 0)
    {
      fprintf (out, _("This group has no commands in this version of nymph-cli.\n"));
      return;
    }
  fprintf (out, _("Commands:\n"));
  for (size_t i = 0; group->commands[i].name != NULL; i++)
    fprintf (out, "  %-16s %s\n", group->commands[i].name, _(group->commands[i].summary));
  fprintf (out, _("\nRun “nymph-cli %s COMMAND --help” for a command's options.\n"), group->name);
}

static gboolean
is_help (const char *arg)
{
  return g_strcmp0 (arg, "--help") == 0 || g_strcmp0 (arg, "-h") == 0 || g_strcmp0 (arg, "help") == 0;
}

void
nymph_cli_print_error (const GError *error)
{
  g_printerr ("nymph-cli: %s\n", error->message);
}

int
nymph_cli_main (int argc, char **argv)
{
  const NymphCliGroup *group = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (is_help (argv[1]))
    {
      print_usage (stdout);
      return 0;
    }
  if (g_strcmp0 (argv[1], "--version") == 0)
    {
      printf ("nymph-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (size_t i = 0; i < G_N_ELEMENTS (groups); i++)
    if (strcmp (argv[1], groups[i].name) == 0)
      group = &groups[i];

  if (group == NULL)
    {
      g_printerr (_("nymph-cli: unknown command group “%s”\n\n"), argv[1]);
      print_usage (stderr);
      return 2;
    }

  if (argc < 3 || is_help (argv[2]))
    {
      print_group_usage (argc < 3 ? stderr : stdout, group);
      return argc < 3 ? 2 : 0;
    }

  if (!nym_core_init () || !nyx_wallet_init ())
    {
      g_printerr (_("nymph-cli: could not initialise the crypto libraries\n"));
      return 1;
    }

  for (size_t i = 0; group->commands[i].name != NULL; i++)
    if (strcmp (argv[2], group->commands[i].name) == 0)
      return group->commands[i].run (argc - 2, argv + 2);

  g_printerr (_("nymph-cli: “%s” is not a command of the group “%s”\n\n"), argv[2], group->name);
  print_group_usage (stderr, group);
  return 2;
}
