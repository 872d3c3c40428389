/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests that libnymcore's crypto back ends initialise, and do so idempotently. */
#include <gcrypt.h>
#include <sodium.h>

#include "nym-core.h"

static void
test_core_init_twice (void)
{
  g_assert_true (nym_core_init ());
  g_assert_true (nym_core_init ());
  g_assert_true (gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P));
  /* sodium_init() returns 1 once it has already been initialised. */
  g_assert_cmpint (sodium_init (), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/init-twice", test_core_init_twice);
  return g_test_run ();
}
