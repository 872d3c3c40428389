/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/startup: time from exec to first frame and peak RSS of nymph, against a minimal
 * AdwApplication window started the same way in the same run. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 9

typedef struct
{
  double ms;
  long   rss_kb;
} Sample;

/* Runs one program until it prints "first-frame", and waits for it to exit so that the
 * kernel's peak resident set size (ru_maxrss) covers its whole life. */
static gboolean
run_once (char *const argv[], Sample *sample, GError **error)
{
  GPid pid;
  int out_fd;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *line = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 first_frame = 0;
  struct rusage usage;
  int status;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                 NULL, NULL, &pid, NULL, &out_fd, NULL, error))
    return FALSE;

  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  while (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) == G_IO_STATUS_NORMAL)
    {
      if (g_str_has_prefix (line, "first-frame"))
        {
          first_frame = g_get_monotonic_time ();
          break;
        }
      g_clear_pointer (&line, g_free);
    }

  if (wait4 (pid, &status, 0, &usage) < 0 || first_frame == 0)
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                   "%s exited (status %d) without drawing a frame", argv[0], status);
      return FALSE;
    }

  sample->ms = (first_frame - start) / 1000.0;
  sample->rss_kb = usage.ru_maxrss;
  return TRUE;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values, size_t n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  double app_ms[ROUNDS], hello_ms[ROUNDS], app_rss[ROUNDS], hello_rss[ROUNDS];
  char *app_argv[] = { NULL, (char *) "--benchmark-first-frame", NULL };
  char *hello_argv[] = { NULL, NULL };
  Sample sample;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s PATH-TO-NYMPH PATH-TO-HELLO-ADW\n", argv[0]);
      return 2;
    }
  app_argv[0] = argv[1];
  hello_argv[0] = argv[2];

  /* One start of each first, so both are measured with the same warm file cache. */
  if (!run_once (app_argv, &sample, &error) || !run_once (hello_argv, &sample, &error))
    goto fail;

  /* Alternate the two so that any drift in machine load affects both alike. */
  for (int i = 0; i < ROUNDS; i++)
    {
      if (!run_once (app_argv, &sample, &error))
        goto fail;
      app_ms[i] = sample.ms;
      app_rss[i] = sample.rss_kb;
      if (!run_once (hello_argv, &sample, &error))
        goto fail;
      hello_ms[i] = sample.ms;
      hello_rss[i] = sample.rss_kb;
    }

  {
    double a_ms = median (app_ms, ROUNDS), h_ms = median (hello_ms, ROUNDS);
    double a_rss = median (app_rss, ROUNDS), h_rss = median (hello_rss, ROUNDS);

    printf ("startup rounds=%d nymph_ms=%.1f hello_ms=%.1f start_ratio=%.3f "
            "nymph_rss_kb=%.0f hello_rss_kb=%.0f rss_ratio=%.3f\n",
            ROUNDS, a_ms, h_ms, a_ms / h_ms, a_rss, h_rss, a_rss / h_rss);
  }
  return 0;

fail:
  fprintf (stderr, "startup: %s\n", error->message);
  return 1;
}
