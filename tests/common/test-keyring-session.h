/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a test program's cases against its own gnome-keyring-daemon on a private, throw-away D-Bus session. */
#pragma once

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

/* Whether someone owns org.freedesktop.secrets on bus; asked of the bus itself, so the wait
 * does not depend on the keyring code the tests exercise. */
static inline gboolean
test_keyring_session_secrets_owned (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

/* Removes the private home the session used, which the keyring daemon filled. */
static inline void
test_keyring_session_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        test_keyring_session_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/*
 * Re-runs this program under its own dbus-run-session with a throw-away home and XDG
 * folders, so the tests never touch a real keyring and always talk to a daemon they started.
 * child_env marks the re-run; home_template names the home (g_dir_make_tmp). Other variables,
 * such as the display run-with-display gave, stay.
 */
static inline int
test_keyring_session_respawn (int         argc,
                              char      **argv,
                              const char *child_env,
                              const char *home_template)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *home = g_dir_make_tmp (home_template, &error);
  g_autofree char *runtime = NULL;
  g_autofree char *data = NULL;
  g_autofree char *config = NULL;
  g_autofree char *cache = NULL;
  g_autoptr(GPtrArray) child_argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  int wait_status = 0;

  g_assert_no_error (error);
  runtime = g_build_filename (home, "run", NULL);
  data = g_build_filename (home, "data", NULL);
  config = g_build_filename (home, "config", NULL);
  cache = g_build_filename (home, "cache", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  env = g_environ_setenv (env, child_env, "1", TRUE);
  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  env = g_environ_unsetenv (env, "DBUS_SESSION_BUS_ADDRESS");
  env = g_environ_unsetenv (env, "GNOME_KEYRING_CONTROL");

  g_ptr_array_add (child_argv, (char *) "dbus-run-session");
  g_ptr_array_add (child_argv, (char *) "--");
  g_ptr_array_add (child_argv, self);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (child_argv, argv[i]);
  g_ptr_array_add (child_argv, NULL);

  /* The child writes the TAP stream straight to our stdout. */
  if (!g_spawn_sync (NULL, (char **) child_argv->pdata, env, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                     NULL, NULL, NULL, NULL, &wait_status, &error))
    g_error ("Could not run dbus-run-session: %s", error->message);
  test_keyring_session_remove_tree (home);
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  return 1;
}

/*
 * Called first in main, before g_test_init: FALSE when the caller is where the tests run
 * (the private session's copy, or a g_test_trap_subprocess child of it). TRUE when it is the
 * outer program: then the tests have run in a private session, or were skipped (with a TAP
 * plan saying why) because dbus-run-session or gnome-keyring-daemon is missing, and main
 * returns *exit_status.
 */
static inline gboolean
test_keyring_session_respawned (int         argc,
                                char      **argv,
                                const char *child_env,
                                const char *home_template,
                                int        *exit_status)
{
  g_autofree char *dbus_run_session = NULL;
  g_autofree char *keyring_daemon = NULL;

  if (g_getenv (child_env) != NULL)
    return FALSE;
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--GTestSubprocess"))
      return FALSE;

  dbus_run_session = g_find_program_in_path ("dbus-run-session");
  keyring_daemon = g_find_program_in_path ("gnome-keyring-daemon");
  if (dbus_run_session == NULL || keyring_daemon == NULL)
    {
      g_print ("1..0 # SKIP dbus-run-session or gnome-keyring-daemon is not installed\n");
      *exit_status = 0;
      return TRUE;
    }
  *exit_status = test_keyring_session_respawn (argc, argv, child_env, home_template);
  return TRUE;
}

/*
 * Called last in main, after g_test_init and the g_test_add calls. In a g_test_trap_subprocess
 * child it only runs the test. In the private session it starts gnome-keyring-daemon with a
 * login keyring created and unlocked with login_password from stdin, waits until it owns
 * org.freedesktop.secrets, runs the tests and stops it.
 */
static inline int
test_keyring_session_run (const char *login_password)
{
  const char *daemon_argv[] = { "gnome-keyring-daemon", "--foreground", "--components=secrets", "--unlock", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  /* The daemon logs harmless warnings of its own; the test's fatal-warnings must not kill it. */
  g_auto(GStrv) daemon_env = NULL;
  size_t password_len = strlen (login_password);
  GPid daemon_pid;
  int daemon_stdin;
  int status;
  int result;

  if (g_test_subprocess ())
    return g_test_run ();

  daemon_env = g_environ_unsetenv (g_get_environ (), "G_DEBUG");
  if (!g_spawn_async_with_pipes (NULL, (char **) daemon_argv, daemon_env,
                                 G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, &daemon_pid, &daemon_stdin, NULL, NULL, &error))
    g_error ("Could not start gnome-keyring-daemon: %s", error->message);
  g_assert_cmpint (write (daemon_stdin, login_password, password_len), ==, (gssize) password_len);
  close (daemon_stdin);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 200 && !test_keyring_session_secrets_owned (bus); i++)
    g_usleep (50 * G_USEC_PER_SEC / 1000);
  if (!test_keyring_session_secrets_owned (bus))
    g_error ("gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s");

  result = g_test_run ();

  kill (daemon_pid, SIGTERM);
  waitpid (daemon_pid, &status, 0);
  g_spawn_close_pid (daemon_pid);
  return result;
}
