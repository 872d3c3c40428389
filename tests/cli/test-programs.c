/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the programs' front doors, run as a user runs them: nymph --version, nymph-cli's
 * help, groups and usage errors, and nymph-localnet --help. */
#include <gio/gio.h>

static const char *nymph_path;
static const char *cli_path;
static const char *localnet_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_program (Run *run, const char *program, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) program);
  va_start (args, program);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static void
test_nymph_version (void)
{
  g_auto(Run) run = { 0 };

  run_program (&run, nymph_path, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "nymph " PACKAGE_VERSION "\n");
}

static void
test_cli_help_lists_groups (void)
{
  const char *groups[] = { "keys", "tx", "wallet", "chain", "mixnet" };
  g_auto(Run) run = { 0 };

  run_program (&run, cli_path, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (size_t i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %-8s ", groups[i]);

      g_assert_nonnull (strstr (run.out, line));
    }
}

static void
test_cli_version (void)
{
  g_auto(Run) run = { 0 };

  run_program (&run, cli_path, "--version", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "nymph-cli " PACKAGE_VERSION "\n");
}

static void
test_cli_group_help (void)
{
  const char *groups[] = { "keys", "tx", "wallet", "chain", "mixnet" };

  for (size_t i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_auto(Run) run = { 0 };
      g_autofree char *usage = g_strdup_printf ("Usage: nymph-cli %s COMMAND", groups[i]);

      run_program (&run, cli_path, groups[i], "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_str_has_prefix (run.out, usage));
    }
}

/* Usage errors exit with 2 and say what was wrong on stderr, never on stdout. */
static void
test_cli_usage_errors (void)
{
  {
    g_auto(Run) run = { 0 };

    run_program (&run, cli_path, NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_nonnull (strstr (run.err, "Usage: nymph-cli GROUP COMMAND"));
  }
  {
    g_auto(Run) run = { 0 };

    run_program (&run, cli_path, "no-such-group", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_nonnull (strstr (run.err, "unknown command group “no-such-group”"));
  }
  {
    g_auto(Run) run = { 0 };

    run_program (&run, cli_path, "keys", "no-such-command", NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_nonnull (strstr (run.err, "“no-such-command” is not a command of the group “keys”"));
  }
}

static void
test_localnet_help (void)
{
  g_auto(Run) run = { 0 };

  run_program (&run, localnet_path, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Usage: nymph-localnet COMMAND"));
  g_assert_nonnull (strstr (run.out, "127.0.0.1"));
}

static void
test_localnet_unknown_command (void)
{
  g_auto(Run) run = { 0 };

  run_program (&run, localnet_path, "no-such-command", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "unknown command “no-such-command”"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 4)
    {
      g_printerr ("usage: %s [--tap] NYMPH NYMPH-CLI NYMPH-LOCALNET\n", argv[0]);
      return 2;
    }
  nymph_path = argv[1];
  cli_path = argv[2];
  localnet_path = argv[3];

  g_test_add_func ("/programs/nymph/version", test_nymph_version);
  g_test_add_func ("/programs/cli/help-lists-groups", test_cli_help_lists_groups);
  g_test_add_func ("/programs/cli/version", test_cli_version);
  g_test_add_func ("/programs/cli/group-help", test_cli_group_help);
  g_test_add_func ("/programs/cli/usage-errors", test_cli_usage_errors);
  g_test_add_func ("/programs/localnet/help", test_localnet_help);
  g_test_add_func ("/programs/localnet/unknown-command", test_localnet_unknown_command);

  return g_test_run ();
}
