/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests "nymph-cli tx sign-offline" as a user runs it, against the spec §3.4 vectors and with bad input. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "nyx-cli-test-util.h"
#include "../wallet/nyx-test-util.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art\n"
#define SIGNER   "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6"
#define RECEIVER "n1jw6mp7d5xqc7w6xm79lha27glmd0vdt3l9artf"
#define CONTRACT "n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr"

static const char send_json[] =
  "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \"" SIGNER "\","
  " \"toAddress\": \"" RECEIVER "\", \"amount\": [{\"denom\": \"unym\", \"amount\": \"1000000\"}]}}]";
static const char execute_json[] =
  "[{\"typeUrl\": \"/cosmwasm.wasm.v1.MsgExecuteContract\", \"value\": {\"sender\": \"" SIGNER "\","
  " \"contract\": \"" CONTRACT "\", \"msg\": \"{\\\"delegate\\\":{\\\"node_id\\\":42}}\","
  " \"funds\": [{\"denom\": \"unym\", \"amount\": \"10000000\"}]}}]";

typedef struct
{
  GHashTable *vectors;
  char       *dir;
  char       *send_file;
  char       *execute_file;
} CliFixture;

static void
cli_setup (CliFixture   *fixture,
           gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->vectors = nyx_test_load_table ("nyx-tx.vectors");
  fixture->dir = g_dir_make_tmp ("nymph-cli-tx-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->send_file = g_build_filename (fixture->dir, "send.json", NULL);
  fixture->execute_file = g_build_filename (fixture->dir, "execute.json", NULL);
  g_file_set_contents (fixture->send_file, send_json, -1, &error);
  g_file_set_contents (fixture->execute_file, execute_json, -1, &error);
  g_assert_no_error (error);
}

static void
cli_teardown (CliFixture   *fixture,
              gconstpointer data)
{
  g_unlink (fixture->send_file);
  g_unlink (fixture->execute_file);
  g_rmdir (fixture->dir);
  g_free (fixture->send_file);
  g_free (fixture->execute_file);
  g_free (fixture->dir);
  g_hash_table_unref (fixture->vectors);
}

static void
assert_base64_is (const char *output,
                  const char *hex)
{
  g_autofree char *text = g_strstrip (g_strdup (output));
  gsize len = 0;
  g_autofree guchar *bytes = g_base64_decode (text, &len);

  nyx_test_assert_hex (bytes, len, hex);
}

static void
run_vector (CliFixture *fixture,
            const char *tag,
            const char *msgs_file,
            const char *memo)
{
  static const char *const modes[] = { "tx", "hash", "sign-doc" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_auto(CliResult) r = { 0 };
      g_autofree char *key = NULL;

      cli_run (&r, ABANDON_ART, "tx", "sign-offline", "--chain-id", "nyx", "--account-number", "12345",
               "--sequence", "7", "--fee", "5000unym", "--gas", "200000", "--memo", memo,
               "--msgs", msgs_file, "--print", modes[i], NULL);
      g_assert_cmpint (r.status, ==, 0);
      g_assert_true (g_str_has_suffix (r.out, "\n"));
      if (i == 0)
        {
          key = g_strdup_printf ("%s|tx_raw", tag);
          assert_base64_is (r.out, nyx_test_table_get (fixture->vectors, key));
        }
      else if (i == 1)
        {
          g_autofree char *expected = NULL;

          key = g_strdup_printf ("%s|tx_hash", tag);
          expected = g_strconcat (nyx_test_table_get (fixture->vectors, key), "\n", NULL);
          g_assert_cmpstr (r.out, ==, expected);
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (r.out));
          g_autoptr(GBytes) bytes = nyx_test_hex (text);

          key = g_strdup_printf ("%s|sign_doc", tag);
          nyx_test_assert_bytes_hex (bytes, nyx_test_table_get (fixture->vectors, key));
        }
    }
}

static void
test_vectors (CliFixture   *fixture,
              gconstpointer data)
{
  g_auto(CliResult) plain = { 0 };
  g_auto(CliResult) simulate = { 0 };

  run_vector (fixture, "a", fixture->send_file, "nym c wallet test vector");
  run_vector (fixture, "b", fixture->execute_file, "delegating to mixnode 42");

  /* Without --print the TxRaw is printed. */
  cli_run (&plain, ABANDON_ART, "tx", "sign-offline", "--chain-id", "nyx", "--account-number", "12345",
           "--sequence", "7", "--fee", "5000unym", "--gas", "200000", "--memo", "delegating to mixnode 42",
           "--msgs", fixture->execute_file, NULL);
  g_assert_cmpint (plain.status, ==, 0);
  assert_base64_is (plain.out, nyx_test_table_get (fixture->vectors, "b|tx_raw"));

  cli_run (&simulate, ABANDON_ART, "tx", "sign-offline", "--chain-id", "nyx", "--account-number", "12345",
           "--sequence", "7", "--fee", "5000unym", "--gas", "200000", "--memo", "delegating to mixnode 42",
           "--msgs", fixture->execute_file, "--print", "simulate", NULL);
  g_assert_cmpint (simulate.status, ==, 0);
  assert_base64_is (simulate.out, nyx_test_table_get (fixture->vectors, "b|sim_tx_raw"));
}

typedef struct
{
  int         status;
  const char *must_contain;   /* in stderr */
  const char *args[24];
} BadRun;

static void
test_bad_input (CliFixture   *fixture,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_msgs = g_build_filename (fixture->dir, "bad.json", NULL);
  const BadRun cases[] = {
    { 2, "required", { "--chain-id", "nyx", "--sequence", "7", "--fee", "5000unym", "--gas", "1",
                       "--msgs", fixture->send_file, NULL } },
    { 2, "--sequence", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "seven", "--fee", "5000unym",
                         "--gas", "1", "--msgs", fixture->send_file, NULL } },
    { 2, "--gas", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "7", "--fee", "5000unym",
                    "--gas", "-1", "--msgs", fixture->send_file, NULL } },
    { 2, "--print", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "7", "--fee", "5000unym",
                      "--gas", "1", "--msgs", fixture->send_file, "--print", "json", NULL } },
    { 2, "arguments", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "7", "--fee", "5000unym",
                        "--gas", "1", "--msgs", fixture->send_file, "abandon", NULL } },
    { 1, "--fee", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "7", "--fee", "5000",
                    "--gas", "1", "--msgs", fixture->send_file, NULL } },
    { 1, "bad.json", { "--chain-id", "nyx", "--account-number", "1", "--sequence", "7", "--fee", "5000unym",
                       "--gas", "1", "--msgs", bad_msgs, NULL } },
    { 1, "chain ID", { "--chain-id", "", "--account-number", "1", "--sequence", "7", "--fee", "5000unym",
                       "--gas", "1", "--msgs", fixture->send_file, NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliResult) r = { 0 };
      const char *const *a = cases[i].args;

      g_test_message ("bad run %u", i);
      cli_run (&r, ABANDON_ART, "tx", "sign-offline", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9],
               a[10], a[11], a[12], a[13], a[14], a[15], NULL);
      g_assert_cmpint (r.status, ==, cases[i].status);
      g_assert_nonnull (strstr (r.err, cases[i].must_contain));
      g_assert_cmpstr (r.out, ==, "");
    }

  /* A message file with a mistake names the message and the field. */
  g_file_set_contents (bad_msgs, "[{\"typeUrl\": \"/cosmos.bank.v1beta1.MsgSend\", \"value\": {\"fromAddress\": \""
                                 SIGNER "\", \"toAddress\": \"n1nope\"}}]", -1, &error);
  g_assert_no_error (error);
  {
    g_auto(CliResult) r = { 0 };
    g_auto(CliResult) mnemonic = { 0 };

    cli_run (&r, ABANDON_ART, "tx", "sign-offline", "--chain-id", "nyx", "--account-number", "1", "--sequence", "7",
             "--fee", "5000unym", "--gas", "1", "--msgs", bad_msgs, NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "Message 0: to_address"));

    cli_run (&mnemonic, "abandon abandon abandon\n", "tx", "sign-offline", "--chain-id", "nyx",
             "--account-number", "1", "--sequence", "7", "--fee", "5000unym", "--gas", "1",
             "--msgs", fixture->send_file, NULL);
    g_assert_cmpint (mnemonic.status, ==, 1);
    g_assert_nonnull (strstr (mnemonic.err, "3 words"));
    g_assert_cmpstr (mnemonic.out, ==, "");
  }
  g_unlink (bad_msgs);
}

/* decode shows vector (b), verifies it, and its messages sign again to the same bytes. */
static void
test_decode (CliFixture   *fixture,
             gconstpointer data)
{
  g_autoptr(GBytes) tx = nyx_test_hex (nyx_test_table_get (fixture->vectors, "b|tx_raw"));
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (tx, NULL), g_bytes_get_size (tx));
  g_autofree char *stdin_text = g_strconcat (base64, "\n", NULL);
  g_autofree char *messages_file = g_build_filename (fixture->dir, "decoded.json", NULL);
  g_autofree char *messages_text = NULL;
  g_auto(CliResult) good = { 0 };
  g_auto(CliResult) hex = { 0 };
  g_auto(CliResult) wrong = { 0 };
  g_auto(CliResult) garbage = { 0 };
  g_auto(CliResult) half = { 0 };
  g_auto(CliResult) again = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  cli_run (&good, stdin_text, "tx", "decode", "--chain-id", "nyx", "--account-number", "12345", NULL);
  g_assert_cmpint (good.status, ==, 0);
  json_parser_load_from_data (parser, good.out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "hash"), ==, nyx_test_table_get (fixture->vectors, "b|tx_hash"));
  g_assert_true (json_object_get_boolean_member (object, "signatureValid"));

  /* The decoded messages are what sign-offline reads: signing them again gives the same TxRaw. */
  messages_text = json_to_string (json_object_get_member (json_object_get_object_member (object, "body"), "messages"),
                                  FALSE);
  g_file_set_contents (messages_file, messages_text, -1, &error);
  g_assert_no_error (error);
  cli_run (&again, ABANDON_ART, "tx", "sign-offline", "--chain-id", "nyx", "--account-number", "12345",
           "--sequence", "7", "--fee", "5000unym", "--gas", "200000", "--memo", "delegating to mixnode 42",
           "--msgs", messages_file, NULL);
  g_assert_cmpint (again.status, ==, 0);
  assert_base64_is (again.out, nyx_test_table_get (fixture->vectors, "b|tx_raw"));
  g_unlink (messages_file);

  cli_run (&hex, NULL, "tx", "decode", nyx_test_table_get (fixture->vectors, "b|tx_raw"), NULL);
  g_assert_cmpint (hex.status, ==, 0);
  g_assert_nonnull (strstr (hex.out, nyx_test_table_get (fixture->vectors, "b|tx_hash")));

  cli_run (&wrong, stdin_text, "tx", "decode", "--chain-id", "nyx", "--account-number", "12346", NULL);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.out, "\"signatureValid\" : false"));

  cli_run (&garbage, "not a transaction", "tx", "decode", NULL);
  g_assert_cmpint (garbage.status, ==, 1);
  g_assert_nonnull (strstr (garbage.err, "neither base64 nor hex"));
  g_assert_cmpstr (garbage.out, ==, "");

  cli_run (&half, stdin_text, "tx", "decode", "--chain-id", "nyx", NULL);
  g_assert_cmpint (half.status, ==, 2);
}

static void
test_fee (void)
{
  g_auto(CliResult) simulated = { 0 };
  g_auto(CliResult) manual = { 0 };
  g_auto(CliResult) both = { 0 };
  g_auto(CliResult) neither = { 0 };
  g_auto(CliResult) bad_price = { 0 };

  cli_run (&simulated, NULL, "tx", "fee", "--gas-used", "180000", NULL);
  g_assert_cmpint (simulated.status, ==, 0);
  g_assert_cmpstr (simulated.out, ==, "gas limit: 270000\nfee:       6750unym\n");
  cli_run (&manual, NULL, "tx", "fee", "--fee", "5000unym", NULL);
  g_assert_cmpint (manual.status, ==, 0);
  g_assert_cmpstr (manual.out, ==, "gas limit: 200000\nfee:       5000unym\n");
  cli_run (&both, NULL, "tx", "fee", "--fee", "5000unym", "--gas-used", "1", NULL);
  g_assert_cmpint (both.status, ==, 2);
  cli_run (&neither, NULL, "tx", "fee", NULL);
  g_assert_cmpint (neither.status, ==, 2);
  cli_run (&bad_price, NULL, "tx", "fee", "--gas-used", "1", "--gas-price", "0,025", NULL);
  g_assert_cmpint (bad_price.status, ==, 1);
  g_assert_nonnull (strstr (bad_price.err, "0,025"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-tx/vectors", CliFixture, NULL, cli_setup, test_vectors, cli_teardown);
  g_test_add ("/cli-tx/bad-input", CliFixture, NULL, cli_setup, test_bad_input, cli_teardown);
  g_test_add ("/cli-tx/decode", CliFixture, NULL, cli_setup, test_decode, cli_teardown);
  g_test_add_func ("/cli-tx/fee", test_fee);
  return g_test_run ();
}
