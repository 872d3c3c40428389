/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests reading secrets into sodium_malloc() memory: newline stripping, limits and refused input. */
#include <errno.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "crypto/nyx-secret.h"
#include "nyx-wallet.h"

typedef struct
{
  char *dir;
  char *path;
} SecretFixture;

static void
secret_setup (SecretFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-secret-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "secret", NULL);
}

static void
secret_teardown (SecretFixture *fixture,
                 gconstpointer  data)
{
  g_unlink (fixture->path);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Writes @len bytes to a pipe and reads them back with nyx_secret_read_fd. */
static char *
read_through_pipe (const char *bytes,
                   size_t      len,
                   size_t      max_len,
                   GError    **error)
{
  int fds[2];
  char *secret;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (write (fds[1], bytes, len), ==, (ssize_t) len);
  close (fds[1]);
  secret = nyx_secret_read_fd (fds[0], max_len, error);
  close (fds[0]);
  return secret;
}

typedef struct
{
  const char *input;
  size_t      len;
  const char *expected;
} GoodCase;

static void
test_read_fd (void)
{
  static const GoodCase cases[] = {
    { "word word\n", 10, "word word" },
    { "word word\r\n", 11, "word word" },
    { "word word", 9, "word word" },
    { "word word\n\n", 11, "word word\n" },  /* only one newline is the line end */
    { "", 0, "" },
    { "\xc3\xa9t\xc3\xa9\n", 6, "\xc3\xa9t\xc3\xa9" },
    { "0123456789", 10, "0123456789" },       /* exactly max_len */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      char *secret = read_through_pipe (cases[i].input, cases[i].len, 10, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (secret, ==, cases[i].expected);
      nyx_secret_free (secret);
    }
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (read_through_pipe ("01234567890", 11, 10, &error));
  g_assert_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_TOO_LONG);
  g_clear_error (&error);
  g_assert_null (read_through_pipe ("ab\0cd", 5, 10, &error));
  g_assert_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NOT_TEXT);
  g_clear_error (&error);
  g_assert_null (read_through_pipe ("\xff\xfe", 2, 10, &error));
  g_assert_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NOT_TEXT);
  g_clear_error (&error);
  g_assert_null (nyx_secret_read_fd (-1, 10, &error));
  g_assert_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_READ);
}

static void
test_read_file (SecretFixture *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  g_file_set_contents (fixture->path, "password11!\n", -1, &error);
  g_assert_no_error (error);
  secret = nyx_secret_read_file (fixture->path, 64, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "password11!");
  nyx_secret_free (secret);

  g_assert_null (nyx_secret_read_file ("/nonexistent/secret", 64, &error));
  g_assert_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "/nonexistent/secret"));
}

static void
test_strndup (void)
{
  char *copy = nyx_secret_strndup ("mnemonic words", 8);

  g_assert_cmpstr (copy, ==, "mnemonic");
  nyx_secret_free (copy);
  nyx_secret_free (NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/secret/read-fd", test_read_fd);
  g_test_add_func ("/secret/refused", test_refused);
  g_test_add ("/secret/read-file", SecretFixture, NULL, secret_setup, test_read_file, secret_teardown);
  g_test_add_func ("/secret/strndup", test_strndup);
  return g_test_run ();
}
