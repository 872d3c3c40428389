/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs "nymph-cli mixnet address/send/listen" as child processes against a "nymph-localnet run" child process on 127.0.0.1. */
#include <stdint.h>
#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cli-localnet-test-util.h"

static const char *cli_path;
static const char *localnet_path;

typedef struct
{
  char        *dir;
  GSubprocess *localnet;
  char        *nym_api;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *localnet_dir = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  fixture->dir = g_dir_make_tmp ("test-cli-mixnet-client-XXXXXX", &error);
  g_assert_no_error (error);
  localnet_dir = g_build_filename (fixture->dir, "localnet", NULL);
  fixture->localnet = cli_test_localnet_start (localnet_path, localnet_dir, parser, NULL, &fixture->nym_api);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  cli_test_localnet_stop (&fixture->localnet);
  cli_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->nym_api);
}

typedef struct
{
  int     status;
  GBytes *out;
  char   *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_bytes_unref);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static GSubprocess *
spawn_cli (const char * const *args,
           GSubprocessFlags    flags)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, (char *) "mixnet");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, flags, &error);
  g_assert_no_error (error);
  return process;
}

static void
finish (GSubprocess *process,
        GBytes      *input,
        Result      *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;

  g_assert_true (g_subprocess_communicate (process, input, NULL, &result->out, &err, &error));
  g_assert_no_error (error);
  result->err = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d, stderr: %s", result->status, result->err);
}

static void
run_cli (const char * const *args,
         GBytes             *input,
         Result             *result)
{
  g_autoptr(GSubprocess) process = spawn_cli (args, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                    | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

  finish (process, input != NULL ? input : empty, result);
}

static char *
out_text (const Result *result)
{
  return g_strndup (g_bytes_get_data (result->out, NULL), g_bytes_get_size (result->out));
}

/* address: refused without a gateway and without a nym-api; with one it chooses the
 * gateway, and afterwards prints the same address offline. */
static void
test_address (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autofree char *data_dir = g_build_filename (fixture->dir, "alice", NULL);
  const char *offline[] = { "address", "--data-dir", data_dir, NULL };
  const char *online[] = { "address", "--data-dir", data_dir, "--nym-api", fixture->nym_api, NULL };
  g_auto (Result) first = { 0 };
  g_auto (Result) chosen = { 0 };
  g_auto (Result) again = { 0 };
  g_autofree char *address = NULL;
  g_autofree char *address_again = NULL;

  run_cli (offline, NULL, &first);
  g_assert_cmpint (first.status, ==, 1);
  g_assert_nonnull (strstr (first.err, "--nym-api"));

  run_cli (online, NULL, &chosen);
  g_assert_cmpint (chosen.status, ==, 0);
  address = out_text (&chosen);
  g_assert_true (g_str_has_suffix (address, "\n"));
  g_assert_nonnull (strchr (address, '.'));
  g_assert_nonnull (strchr (address, '@'));

  run_cli (offline, NULL, &again);
  g_assert_cmpint (again.status, ==, 0);
  address_again = out_text (&again);
  g_assert_cmpstr (address_again, ==, address);
}

/* listen prints what two sends deliver, a text line and 20 000 random bytes, exactly. */
static void
test_send_listen (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *alice_dir = g_build_filename (fixture->dir, "alice", NULL);
  g_autofree char *bob_dir = g_build_filename (fixture->dir, "bob", NULL);
  const char *listen[] = { "listen", "--data-dir", alice_dir, "--nym-api", fixture->nym_api, "--zero-delay",
                           "--count", "2", "--timeout", "120", NULL };
  g_autoptr(GSubprocess) listener = NULL;
  g_autoptr(GDataInputStream) listener_err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *address;
  g_auto (Result) text_sent = { 0 };
  g_auto (Result) binary_sent = { 0 };
  g_autoptr(GBytes) text = g_bytes_new_static ("hello mixnet", 12);
  g_autofree uint8_t *random = g_malloc (20000);
  g_autoptr(GBytes) binary = NULL;
  g_autoptr(GByteArray) expected = g_byte_array_new ();
  g_autoptr(GBytes) out = NULL;

  for (size_t i = 0; i < 20000; i++)
    random[i] = (uint8_t) g_random_int ();
  binary = g_bytes_new (random, 20000);

  listener = spawn_cli (listen, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  listener_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (listener));
  line = g_data_input_stream_read_line_utf8 (listener_err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Listening as "));
  address = line + strlen ("Listening as ");

  {
    const char *send[] = { "send", "--data-dir", bob_dir, "--nym-api", fixture->nym_api, "--zero-delay",
                           "--to", address, NULL };

    run_cli (send, text, &text_sent);
    g_assert_cmpint (text_sent.status, ==, 0);
    run_cli (send, binary, &binary_sent);
    g_assert_cmpint (binary_sent.status, ==, 0);
  }

  g_assert_true (g_subprocess_communicate (listener, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (listener));
  g_assert_cmpint (g_subprocess_get_exit_status (listener), ==, 0);
  g_byte_array_append (expected, g_bytes_get_data (text, NULL), (guint) g_bytes_get_size (text));
  g_byte_array_append (expected, (const guint8 *) "\n", 1);
  g_byte_array_append (expected, random, 20000);
  g_byte_array_append (expected, (const guint8 *) "\n", 1);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), expected->data, expected->len);
}

/* send --anonymous with the default 10 reply SURBs and --wait; listen --reply answers through
 * them (asking the sender for more SURBs first, since the 10 stay back for such requests),
 * prints the message after its base58 sender tag, and the sender prints the reply. */
static void
test_anonymous_reply (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *alice_dir = g_build_filename (fixture->dir, "alice", NULL);
  g_autofree char *bob_dir = g_build_filename (fixture->dir, "bob", NULL);
  const char *listen[] = { "listen", "--data-dir", alice_dir, "--nym-api", fixture->nym_api, "--zero-delay",
                           "--count", "1", "--timeout", "120", "--reply", "pong from alice", NULL };
  g_autoptr(GSubprocess) listener = NULL;
  g_autoptr(GDataInputStream) listener_err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *heard = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) ping = g_bytes_new_static ("ping from bob", 13);
  g_auto (Result) sent = { 0 };
  const char *address;
  const char *close;

  listener = spawn_cli (listen, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  listener_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (listener));
  line = g_data_input_stream_read_line_utf8 (listener_err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Listening as "));
  address = line + strlen ("Listening as ");

  {
    const char *send[] = { "send", "--data-dir", bob_dir, "--nym-api", fixture->nym_api, "--zero-delay",
                           "--to", address, "--anonymous", "--wait", "5", NULL };

    run_cli (send, ping, &sent);
    g_assert_cmpint (sent.status, ==, 0);
    answer = out_text (&sent);
    g_assert_cmpstr (answer, ==, "pong from alice\n");
  }

  g_assert_true (g_subprocess_communicate (listener, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (listener));
  g_assert_cmpint (g_subprocess_get_exit_status (listener), ==, 0);
  heard = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  /* "[TAG] ping from bob\n" with a 16-byte tag in base58 (22 characters at most). */
  g_assert_true (heard[0] == '[');
  close = strchr (heard, ']');
  g_assert_nonnull (close);
  g_assert_cmpint (close - heard - 1, >=, 16);
  g_assert_cmpint (close - heard - 1, <=, 22);
  g_assert_cmpstr (close + 1, ==, " ping from bob\n");
  /* Nothing of bob's address reached alice. */
  g_assert_null (strstr (heard, "@"));
}

/* Usage errors exit with 2, a malformed address with 1, before any network is touched. */
static void
test_usage (void)
{
  const char *no_to[] = { "send", "--nym-api", "http://127.0.0.1:1/", NULL };
  const char *no_api[] = { "listen", NULL };
  const char *bad_to[] = { "send", "--nym-api", "http://127.0.0.1:1/", "--to", "not-an-address", NULL };
  g_auto (Result) a = { 0 };
  g_auto (Result) b = { 0 };
  g_auto (Result) c = { 0 };
  const char *surbs_alone[] = { "send", "--nym-api", "http://127.0.0.1:1/", "--to", "a.b@c", "--reply-surbs", "3", NULL };
  const char *wait_alone[] = { "send", "--nym-api", "http://127.0.0.1:1/", "--to", "a.b@c", "--wait", "3", NULL };
  const char *no_surbs[] = { "send", "--nym-api", "http://127.0.0.1:1/", "--to", "a.b@c", "--anonymous",
                             "--reply-surbs", "0", NULL };
  const char *bad_wait[] = { "send", "--nym-api", "http://127.0.0.1:1/", "--to", "a.b@c", "--anonymous",
                             "--wait", "-5", NULL };
  const char *const *usage[] = { surbs_alone, wait_alone, no_surbs, bad_wait };

  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_auto (Result) result = { 0 };

      run_cli (usage[i], NULL, &result);
      g_assert_cmpint (result.status, ==, 2);
      g_assert_nonnull (strstr (result.err, i < 2 ? "--anonymous" : i == 2 ? "--reply-surbs" : "--wait"));
    }

  run_cli (no_to, NULL, &a);
  g_assert_cmpint (a.status, ==, 2);
  g_assert_nonnull (strstr (a.err, "--to"));
  run_cli (no_api, NULL, &b);
  g_assert_cmpint (b.status, ==, 2);
  g_assert_nonnull (strstr (b.err, "--nym-api"));
  run_cli (bad_to, NULL, &c);
  g_assert_cmpint (c.status, ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc != 3)
    g_error ("usage: %s NYMPH-CLI NYMPH-LOCALNET", argv[0]);
  cli_path = argv[1];
  localnet_path = argv[2];

  g_test_add_func ("/cli-mixnet-client/usage", test_usage);
  g_test_add ("/cli-mixnet-client/address", Fixture, NULL, fixture_set_up, test_address, fixture_tear_down);
  g_test_add ("/cli-mixnet-client/send-listen", Fixture, NULL, fixture_set_up, test_send_listen, fixture_tear_down);
  g_test_add ("/cli-mixnet-client/anonymous-reply", Fixture, NULL, fixture_set_up, test_anonymous_reply,
              fixture_tear_down);
  return g_test_run ();
}
