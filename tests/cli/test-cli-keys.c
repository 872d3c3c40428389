/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests "nymph-cli keys" as a user runs it: new mnemonics, and show with the spec §2.2 vectors. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "crypto/nyx-bip39.h"
#include "nyx-cli-test-util.h"
#include "../wallet/nyx-test-util.h"
#include "nyx-wallet.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"

static void
test_new (void)
{
  static const struct { const char *words; unsigned int n; } cases[] = {
    { NULL, 24 }, { "12", 12 }, { "18", 18 }, { "24", 24 },
  };
  g_autofree char *previous = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliResult) r = { 0 };
      g_autoptr(GError) error = NULL;
      char *canonical;
      unsigned int n = 0;

      if (cases[i].words != NULL)
        cli_run (&r, NULL, "keys", "new", "--words", cases[i].words, NULL);
      else
        cli_run (&r, NULL, "keys", "new", NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (g_str_has_suffix (r.out, "\n"));
      canonical = nyx_bip39_normalize (r.out, &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, cases[i].n);
      g_assert_cmpstr (previous, !=, r.out);
      nyx_bip39_mnemonic_free (canonical);
      g_free (previous);
      previous = g_strdup (r.out);
    }
}

static void
test_new_bad (void)
{
  g_auto(CliResult) count = { 0 };
  g_auto(CliResult) extra = { 0 };

  cli_run (&count, NULL, "keys", "new", "--words", "13", NULL);
  g_assert_cmpint (count.status, ==, 1);
  g_assert_nonnull (strstr (count.err, "13"));
  g_assert_cmpstr (count.out, ==, "");
  cli_run (&extra, NULL, "keys", "new", "extra", NULL);
  g_assert_cmpint (extra.status, ==, 2);
}

static void
test_show_vectors (void)
{
  g_autoptr(GPtrArray) records = nyx_test_load_records ("nyx-keys.vectors", 5);

  for (guint i = 0; i < records->len; i++)
    {
      char **v = g_ptr_array_index (records, i);
      g_autofree char *input = g_strconcat (v[0], "\n", NULL);
      g_auto(CliResult) json = { 0 };
      g_auto(CliResult) text = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *expected_text = NULL;
      JsonObject *object;
      const char *public_hex;

      cli_run (&json, input, "keys", "show", "--json", NULL);
      g_assert_cmpint (json.status, ==, 0);
      json_parser_load_from_data (parser, json.out, -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (object, "address"), ==, v[4]);
      public_hex = json_object_get_string_member (object, "public_key");
      {
        g_autoptr(GBytes) public_key = nyx_test_hex (public_hex);

        nyx_test_assert_hex (g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key), v[3]);
      }
      g_assert_cmpint (json_object_get_int_member (object, "account"), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (object, "hd_path"), ==, "m/44'/118'/0'/0/0");

      cli_run (&text, input, "keys", "show", NULL);
      g_assert_cmpint (text.status, ==, 0);
      expected_text = g_strdup_printf ("address:    %s\npublic key: %s\nhd path:    m/44'/118'/0'/0/0\n", v[4], v[3]);
      g_assert_cmpstr (text.out, ==, expected_text);
    }
}

static void
test_show_account_and_file (void)
{
  g_auto(CliResult) zero = { 0 };
  g_auto(CliResult) one = { 0 };
  g_auto(CliResult) from_file = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nymph-cli-keys-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "mnemonic", NULL);

  g_assert_no_error (error);
  cli_run (&zero, ABANDON_ART, "keys", "show", "--json", "--account", "0", NULL);
  cli_run (&one, ABANDON_ART, "keys", "show", "--json", "--account", "1", NULL);
  g_assert_cmpint (zero.status, ==, 0);
  g_assert_cmpint (one.status, ==, 0);
  g_assert_nonnull (strstr (one.out, "\"hd_path\":\"m/44'/118'/0'/0/1\""));
  g_assert_cmpstr (zero.out, !=, one.out);

  g_file_set_contents (file, "  " ABANDON_ART "\n\n", -1, &error);
  g_assert_no_error (error);
  cli_run (&from_file, NULL, "keys", "show", "--json", "--mnemonic-file", file, NULL);
  g_assert_cmpint (from_file.status, ==, 0);
  g_assert_cmpstr (from_file.out, ==, zero.out);
  g_unlink (file);
  g_rmdir (dir);
}

/* --count N shows N consecutive accounts through one deriver: each the same as a run for that account alone. */
static void
test_show_count (void)
{
  g_auto(CliResult) several = { 0 };
  g_auto(CliResult) several_text = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) expected_text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  cli_run (&several, ABANDON_ART, "keys", "show", "--json", "--account", "5", "--count", "3", NULL);
  g_assert_cmpint (several.status, ==, 0);
  json_parser_load_from_data (parser, several.out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *account = g_strdup_printf ("%u", 5 + i);
      g_auto(CliResult) alone = { 0 };
      g_auto(CliResult) alone_text = { 0 };
      g_autoptr(JsonParser) alone_parser = json_parser_new ();
      JsonObject *ours = json_array_get_object_element (array, i);
      JsonObject *theirs;

      cli_run (&alone, ABANDON_ART, "keys", "show", "--json", "--account", account, NULL);
      g_assert_cmpint (alone.status, ==, 0);
      json_parser_load_from_data (alone_parser, alone.out, -1, &error);
      g_assert_no_error (error);
      theirs = json_node_get_object (json_parser_get_root (alone_parser));
      g_assert_cmpint (json_object_get_int_member (ours, "account"), ==, 5 + i);
      g_assert_cmpstr (json_object_get_string_member (ours, "address"), ==,
                       json_object_get_string_member (theirs, "address"));
      g_assert_cmpstr (json_object_get_string_member (ours, "public_key"), ==,
                       json_object_get_string_member (theirs, "public_key"));
      g_assert_cmpstr (json_object_get_string_member (ours, "hd_path"), ==,
                       json_object_get_string_member (theirs, "hd_path"));

      cli_run (&alone_text, ABANDON_ART, "keys", "show", "--account", account, NULL);
      g_assert_cmpint (alone_text.status, ==, 0);
      g_string_append_printf (expected_text, "%s%s", i > 0 ? "\n" : "", alone_text.out);
    }

  cli_run (&several_text, ABANDON_ART, "keys", "show", "--account", "5", "--count", "3", NULL);
  g_assert_cmpint (several_text.status, ==, 0);
  g_assert_cmpstr (several_text.out, ==, expected_text->str);
}

static void
test_show_bad (void)
{
  g_auto(CliResult) unknown = { 0 };
  g_auto(CliResult) checksum = { 0 };
  g_auto(CliResult) empty = { 0 };
  g_auto(CliResult) in_argv = { 0 };
  g_auto(CliResult) account = { 0 };
  g_auto(CliResult) no_file = { 0 };

  cli_run (&unknown, "abandon abandon abandno abandon abandon abandon abandon abandon abandon abandon abandon about",
           "keys", "show", NULL);
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "Word 3"));
  g_assert_nonnull (strstr (unknown.err, "abandno"));
  g_assert_cmpstr (unknown.out, ==, "");

  cli_run (&checksum, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
           "keys", "show", NULL);
  g_assert_cmpint (checksum.status, ==, 1);
  g_assert_nonnull (strstr (checksum.err, "checksum"));

  cli_run (&empty, "", "keys", "show", NULL);
  g_assert_cmpint (empty.status, ==, 1);
  g_assert_nonnull (strstr (empty.err, "0 words"));

  /* A mnemonic on the command line is refused outright. */
  cli_run (&in_argv, NULL, "keys", "show", "abandon", "art", NULL);
  g_assert_cmpint (in_argv.status, ==, 2);
  g_assert_null (strstr (in_argv.out, "n1"));

  cli_run (&account, ABANDON_ART, "keys", "show", "--account", "2147483648", NULL);
  g_assert_cmpint (account.status, ==, 2);

  {
    static const char *const bad_counts[][2] = {
      { "0", "0" }, { "0", "-1" }, { "0", "1001" }, { "2147483647", "2" }, { "2147483000", "1000" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad_counts); i++)
      {
        g_auto(CliResult) count = { 0 };

        cli_run (&count, ABANDON_ART, "keys", "show", "--account", bad_counts[i][0], "--count", bad_counts[i][1], NULL);
        g_assert_cmpint (count.status, ==, 2);
        g_assert_nonnull (strstr (count.err, "--count"));
        g_assert_cmpstr (count.out, ==, "");
      }
  }

  /* A bad mnemonic with several accounts prints nothing at all, not the accounts before the error. */
  {
    g_auto(CliResult) several_bad = { 0 };

    cli_run (&several_bad, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
             "keys", "show", "--json", "--count", "4", NULL);
    g_assert_cmpint (several_bad.status, ==, 1);
    g_assert_cmpstr (several_bad.out, ==, "");
  }

  cli_run (&no_file, NULL, "keys", "show", "--mnemonic-file", "/nonexistent/mnemonic", NULL);
  g_assert_cmpint (no_file.status, ==, 1);
  g_assert_nonnull (strstr (no_file.err, "/nonexistent/mnemonic"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/cli-keys/new", test_new);
  g_test_add_func ("/cli-keys/new-bad", test_new_bad);
  g_test_add_func ("/cli-keys/show-vectors", test_show_vectors);
  g_test_add_func ("/cli-keys/show-account-and-file", test_show_account_and_file);
  g_test_add_func ("/cli-keys/show-count", test_show_count);
  g_test_add_func ("/cli-keys/show-bad", test_show_bad);
  return g_test_run ();
}
