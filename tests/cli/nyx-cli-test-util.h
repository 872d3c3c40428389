/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the built nymph-cli as a child process for the CLI tests, with secrets on standard input. */
#pragma once

#include <stdarg.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliResult;

static inline void
cli_result_clear (CliResult *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliResult, cli_result_clear)

/*
 * Runs "nymph-cli ARGS…" (@args NULL-terminated) with @input on standard input. The input comes
 * from a file rather than a pipe: a usage error ends the child before it reads anything, and
 * writing into a closed pipe would fail the test for the wrong reason (SIGPIPE).
 */
static inline void
cli_runv (CliResult         *result,
          const char        *input,
          const char *const *args)
{
  g_autofree char *cli = g_test_build_filename (G_TEST_BUILT, "..", "app", "cli", "nymph-cli", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = NULL;
  int fd;

  g_ptr_array_add (argv, cli);
  for (size_t i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  fd = g_file_open_tmp ("nymph-cli-input-XXXXXX", &input_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (input_path, input != NULL ? input : "", -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_unlink (input_path);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->status = g_subprocess_get_exit_status (process);
  g_test_message ("exit %d, stdout: %s, stderr: %s", result->status, result->out, result->err);
}

/* The same with the arguments given one by one, NULL-terminated. */
G_GNUC_NULL_TERMINATED static inline void
cli_run (CliResult  *result,
         const char *input,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  const char *arg;
  va_list ap;

  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  cli_runv (result, input, (const char *const *) args->pdata);
}
