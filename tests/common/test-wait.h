/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Waits on the default main context shared by the tests that drive sockets, servers and clients. */
#pragma once

#include <glib.h>

/* Sets the gboolean the source was added with; the guard of every wait below. */
static inline gboolean
test_wait_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context while keep_going holds, for at most seconds. The guard only
 * stops a hang (a broken build must fail, not stall the suite); it measures nothing. The
 * caller asserts afterwards whatever it waited for, so a run out guard fails there. */
#define TEST_WAIT_WHILE(seconds, keep_going)                                                 \
  G_STMT_START {                                                                              \
    gboolean timed_out_ = FALSE;                                                              \
    guint timeout_id_ = g_timeout_add_seconds ((seconds), test_wait_timeout_cb, &timed_out_); \
    while ((keep_going) && !timed_out_)                                                       \
      g_main_context_iteration (NULL, TRUE);                                                  \
    if (!timed_out_)                                                                          \
      g_source_remove (timeout_id_);                                                          \
  } G_STMT_END

/* Iterates until cond holds and asserts it, failing after seconds at the latest. */
#define WAIT_UNTIL_SECONDS(seconds, cond)                                                    \
  G_STMT_START {                                                                              \
    TEST_WAIT_WHILE ((seconds), !(cond));                                                     \
    g_assert_true (cond);                                                                     \
  } G_STMT_END

/* The same with the guard each test file chooses: it defines WAIT_SECONDS before it uses
 * this (not necessarily before the include). */
#define WAIT_UNTIL(cond) WAIT_UNTIL_SECONDS (WAIT_SECONDS, cond)

/* Lets the loop run for ms, to show that something does NOT happen or to let late events in. */
static inline void
test_wait_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, test_wait_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}
