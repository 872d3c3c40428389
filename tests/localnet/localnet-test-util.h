/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the localnet network, nym-api and mix node tests: scratch dirs and loop waits. */
#pragma once

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

/* A fresh directory under the test's temporary dir; removed by localnet_test_rmdir. */
static inline char *
localnet_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("localnet-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
localnet_test_rmdir (const char *path)
{
  GDir *dir;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            localnet_test_rmdir (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static inline guint
localnet_test_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static gboolean
localnet_test_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *flag is set. The timeout only guards against a
 * hang (a broken build must fail, not stall the suite); it measures nothing. */
static inline void
localnet_test_wait_for (const gboolean *flag)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  g_assert_false (timed_out);
}

/* Iterates until the uint64 property reaches at least value. */
static inline void
localnet_test_wait_property (gpointer    object,
                             const char *property,
                             guint64     value)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (60, localnet_test_timeout_cb, &timed_out);
  guint64 current = 0;

  for (;;)
    {
      g_object_get (object, property, &current, NULL);
      if (current >= value || timed_out)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  if (!timed_out)
    g_source_remove (id);
  g_assert_cmpuint (current, >=, value);
}

/* Lets pending callbacks (closing sockets, completed tasks) run. */
static inline void
localnet_test_drain (void)
{
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static inline guint64
localnet_test_get_u64 (gpointer    object,
                       const char *property)
{
  guint64 value = 0;

  g_object_get (object, property, &value, NULL);
  return value;
}
