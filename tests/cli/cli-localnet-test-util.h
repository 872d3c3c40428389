/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Starts and stops the "nymph-localnet run" child process the nymph-cli mixnet tests run against. */
#pragma once

#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define CLI_LOCALNET_READY "nymph-localnet: ready "

/* Removes a test's scratch directory with everything the children wrote into it. */
static inline void
cli_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        cli_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/*
 * Starts "nymph-localnet run --dir DIR --zero-delay" (localnet_path is the built program),
 * waits for its ready line and loads the network file that line names into network. The
 * caller owns the process and stops it with cli_test_localnet_stop; *network_file (if not
 * NULL) gets the file's path and *nym_api the nym-api URL it lists.
 */
static inline GSubprocess *
cli_test_localnet_start (const char  *localnet_path,
                         const char  *dir,
                         JsonParser  *network,
                         char       **network_file,
                         char       **nym_api)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *localnet;
  JsonObject *root;

  localnet = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                               localnet_path, "run", "--dir", dir, "--zero-delay", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (localnet));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, CLI_LOCALNET_READY));
  json_parser_load_from_file (network, line + strlen (CLI_LOCALNET_READY), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (network));
  *nym_api = g_strdup (json_object_get_string_member (root, "nym_api_url"));
  g_assert_nonnull (*nym_api);
  if (network_file != NULL)
    *network_file = g_strdup (line + strlen (CLI_LOCALNET_READY));
  return localnet;
}

/* Stops the localnet with SIGTERM and checks that it ended cleanly; clears *localnet. */
static inline void
cli_test_localnet_stop (GSubprocess **localnet)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (*localnet, SIGTERM);
  g_assert_true (g_subprocess_wait (*localnet, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (*localnet));
  g_assert_cmpint (g_subprocess_get_exit_status (*localnet), ==, 0);
  g_clear_object (localnet);
}
