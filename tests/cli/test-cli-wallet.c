/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of "nymph-cli wallet", run as a child process with secrets on standard input or in files, as a user runs it. */
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "nyx-cli-test-util.h"

#define ABANDON_ART "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon art"
#define ABANDON_ART_ADDRESS "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6"
#define CRUSH "crush minute paddle tobacco message debate cabin peace bar jacket execute twenty " \
              "winner view sure mask popular couch penalty fragile demise fresh pizza stove"
#define CRUSH_ADDRESS "n1jw6mp7d5xqc7w6xm79lha27glmd0vdt3l9artf"

typedef struct
{
  char *directory;
  char *vault;
  char *password_file;
} Fixture;



static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("nymph-cli-wallet-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->vault = g_build_filename (fixture->directory, "wallet.json", NULL);
  fixture->password_file = g_build_filename (fixture->directory, "password.txt", NULL);
  g_file_set_contents (fixture->password_file, "file pässword\n", -1, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->directory, name, NULL);

      g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->directory), ==, 0);
  g_free (fixture->directory);
  g_free (fixture->vault);
  g_free (fixture->password_file);
}

/* Runs "nymph-cli wallet ARGS…" with @input on standard input and collects what it prints. */
G_GNUC_NULL_TERMINATED static void
run_cli (CliResult  *result,
         const char *input,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (char *) "wallet");
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  cli_runv (result, input, (const char *const *) args->pdata);
}

static GBytes *
file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
test_import_list_show (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_auto(CliResult) imported = { 0 };
  g_auto(CliResult) listed = { 0 };
  g_auto(CliResult) shown = { 0 };
  struct stat info;

  run_cli (&imported, "stdin password\n" ABANDON_ART "\n", "import", "--vault", fixture->vault, NULL);
  g_assert_cmpint (imported.status, ==, 0);
  g_assert_cmpstr (imported.out, ==, "Account 1\t" ABANDON_ART_ADDRESS "\n");
  g_assert_cmpint (g_stat (fixture->vault, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  run_cli (&listed, "stdin password\n", "list", "--vault", fixture->vault, NULL);
  g_assert_cmpint (listed.status, ==, 0);
  g_assert_cmpstr (listed.out, ==, "Account 1\t" ABANDON_ART_ADDRESS "\n");

  run_cli (&shown, "stdin password", "show-mnemonic", "--vault", fixture->vault, "--name", "Account 1", NULL);
  g_assert_cmpint (shown.status, ==, 0);
  g_assert_cmpstr (shown.out, ==, ABANDON_ART "\n");
}

/* The spec's nym-wallet vector file lists with the spec's address for abandon…art. */
static void
test_list_spec_vector (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *vector = g_test_build_filename (G_TEST_DIST, "data", "vault", "spec-encrypt-vector.json", NULL);
  g_auto(CliResult) listed = { 0 };

  run_cli (&listed, "password\n", "list", "--vault", vector, NULL);
  g_assert_cmpint (listed.status, ==, 0);
  g_assert_cmpstr (listed.out, ==, "Account 1\t" ABANDON_ART_ADDRESS "\n");
}

static void
test_create_and_manage (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_auto(CliResult) created = { 0 };
  g_auto(CliResult) added = { 0 };
  g_auto(CliResult) renamed = { 0 };
  g_auto(CliResult) listed = { 0 };
  g_auto(CliResult) changed = { 0 };
  g_auto(CliResult) old_refused = { 0 };
  g_auto(CliResult) removed = { 0 };
  g_auto(CliResult) listed_again = { 0 };
  g_auto(CliResult) removed_last = { 0 };
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *new_password_file = g_build_filename (fixture->directory, "new.txt", NULL);
  g_autoptr(GError) error = NULL;

  run_cli (&created, NULL, "create", "--vault", fixture->vault, "--password-file", fixture->password_file,
           "--name", "Main", NULL);
  g_assert_cmpint (created.status, ==, 0);
  lines = g_strsplit (created.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "Main\tn1"));
  g_assert_cmpuint (strlen (lines[0]), ==, strlen ("Main\t") + 40);
  words = g_strsplit (lines[1], " ", -1);
  g_assert_cmpuint (g_strv_length (words), ==, 24);
  g_assert_cmpstr (lines[2], ==, "");

  run_cli (&added, CRUSH "\n", "add-account", "--vault", fixture->vault, "--password-file", fixture->password_file,
           "--name", "Savings", NULL);
  g_assert_cmpint (added.status, ==, 0);
  g_assert_cmpstr (added.out, ==, "Savings\t" CRUSH_ADDRESS "\n");

  run_cli (&renamed, "file pässword\n", "rename-account", "--vault", fixture->vault, "--name", "Savings",
           "--new-name", "Cold", NULL);
  g_assert_cmpint (renamed.status, ==, 0);

  run_cli (&listed, NULL, "list", "--vault", fixture->vault, "--password-file", fixture->password_file, NULL);
  g_assert_cmpint (listed.status, ==, 0);
  {
    g_autofree char *expected = g_strdup_printf ("%s\nCold\t" CRUSH_ADDRESS "\n", lines[0]);

    g_assert_cmpstr (listed.out, ==, expected);
  }

  g_file_set_contents (new_password_file, "brand new", -1, &error);
  g_assert_no_error (error);
  run_cli (&changed, NULL, "change-password", "--vault", fixture->vault, "--password-file", fixture->password_file,
           "--new-password-file", new_password_file, NULL);
  g_assert_cmpint (changed.status, ==, 0);
  run_cli (&old_refused, NULL, "list", "--vault", fixture->vault, "--password-file", fixture->password_file, NULL);
  g_assert_cmpint (old_refused.status, ==, 1);
  g_assert_nonnull (strstr (old_refused.err, "password is wrong"));

  run_cli (&removed, "brand new\n", "remove-account", "--vault", fixture->vault, "--name", "Main", NULL);
  g_assert_cmpint (removed.status, ==, 0);
  run_cli (&listed_again, "brand new\n", "list", "--vault", fixture->vault, NULL);
  g_assert_cmpstr (listed_again.out, ==, "Cold\t" CRUSH_ADDRESS "\n");

  run_cli (&removed_last, "brand new\n", "remove-account", "--vault", fixture->vault, "--name", "Cold", NULL);
  g_assert_cmpint (removed_last.status, ==, 0);
  g_assert_false (g_file_test (fixture->vault, G_FILE_TEST_EXISTS));
  g_unlink (new_password_file);
}

/* Failures exit non-zero with a clear message and leave the file exactly as it was. */
static void
test_failures_change_nothing (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_auto(CliResult) imported = { 0 };
  g_auto(CliResult) wrong = { 0 };
  g_auto(CliResult) argv_secret = { 0 };
  g_auto(CliResult) no_vault = { 0 };
  g_auto(CliResult) bad_mnemonic = { 0 };
  g_auto(CliResult) duplicate = { 0 };
  g_auto(CliResult) no_input = { 0 };
  g_auto(CliResult) exists = { 0 };
  g_autofree char *other = g_build_filename (fixture->directory, "other.json", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  run_cli (&imported, "pw\n" ABANDON_ART "\n", "import", "--vault", fixture->vault, NULL);
  g_assert_cmpint (imported.status, ==, 0);
  before = file_bytes (fixture->vault);

  run_cli (&wrong, "not pw\n", "show-mnemonic", "--vault", fixture->vault, "--name", "Account 1", NULL);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_cmpstr (wrong.out, ==, "");
  g_assert_nonnull (strstr (wrong.err, "password is wrong"));

  /* A mnemonic on the command line is refused before anything is read. */
  run_cli (&argv_secret, "pw\n", "add-account", "--vault", fixture->vault, "--name", "X", CRUSH, NULL);
  g_assert_cmpint (argv_secret.status, ==, 2);

  run_cli (&no_vault, "pw\n", "list", NULL);
  g_assert_cmpint (no_vault.status, ==, 2);
  g_assert_nonnull (strstr (no_vault.err, "--vault"));

  run_cli (&bad_mnemonic, "pw\nabandon abandon art\n", "add-account", "--vault", fixture->vault, "--name", "X", NULL);
  g_assert_cmpint (bad_mnemonic.status, ==, 1);
  g_assert_nonnull (strstr (bad_mnemonic.err, "mnemonic is not valid"));

  run_cli (&duplicate, "pw\n" ABANDON_ART "\n", "add-account", "--vault", fixture->vault, "--name", "Y", NULL);
  g_assert_cmpint (duplicate.status, ==, 1);
  g_assert_nonnull (strstr (duplicate.err, "“Account 1”"));

  run_cli (&no_input, "", "list", "--vault", fixture->vault, NULL);
  g_assert_cmpint (no_input.status, ==, 1);
  g_assert_nonnull (strstr (no_input.err, "input ended"));

  run_cli (&exists, "pw\n" CRUSH "\n", "import", "--vault", fixture->vault, NULL);
  g_assert_cmpint (exists.status, ==, 1);
  g_assert_nonnull (strstr (exists.err, "already exists"));

  after = file_bytes (fixture->vault);
  g_assert_true (g_bytes_equal (before, after));

  {
    g_auto(CliResult) bad_import = { 0 };

    run_cli (&bad_import, "pw\nnot a mnemonic\n", "import", "--vault", other, NULL);
    g_assert_cmpint (bad_import.status, ==, 1);
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli/wallet/import-list-show", Fixture, NULL, fixture_set_up, test_import_list_show, fixture_tear_down);
  g_test_add ("/cli/wallet/list-spec-vector", Fixture, NULL, fixture_set_up, test_list_spec_vector, fixture_tear_down);
  g_test_add ("/cli/wallet/create-and-manage", Fixture, NULL, fixture_set_up, test_create_and_manage, fixture_tear_down);
  g_test_add ("/cli/wallet/failures-change-nothing", Fixture, NULL, fixture_set_up, test_failures_change_nothing, fixture_tear_down);

  return g_test_run ();
}
