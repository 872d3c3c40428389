/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests exponential delay sampling for hop delays and send intervals (spec nym-packet.md §6, §21). */
#include <math.h>

#include "packet/nym-poisson.h"
#include "packet-test-util.h"

/* Inverse transform: U = 1 gives 0, U = 1/2 gives ln 2 · mean, the smallest U about 36.7 · mean. */
static void
test_from_uniform (void)
{
  uint64_t mean = 15000000;
  uint64_t half = (uint64_t) 1 << 63; /* top bits 1000…: U = (2^52 + 1) / 2^53 ≈ 0.5 */

  g_assert_cmpuint (nym_poisson_from_uniform (mean, G_MAXUINT64), ==, 0);
  g_assert_cmpuint (nym_poisson_from_uniform (0, 12345), ==, 0);
  g_assert_cmpuint (nym_poisson_from_uniform (mean, half - 2048),
                    ==, (uint64_t) floor (-log (0.5) * (double) mean + 0.5));
  g_assert_cmpuint (nym_poisson_from_uniform (mean, 0),
                    ==, (uint64_t) floor (53.0 * log (2.0) * (double) mean + 0.5));
  /* Monotone: smaller U, longer delay. */
  g_assert_cmpuint (nym_poisson_from_uniform (mean, 1000000), >, nym_poisson_from_uniform (mean, half));
}

/* The sample mean of 20 000 draws is within 5 % (about 7 standard errors) of the mean. */
static void
test_mean (void)
{
  static const uint64_t means[] = { 15000000, 200000000, 1000 };

  for (size_t m = 0; m < G_N_ELEMENTS (means); m++)
    {
      double sum = 0;
      uint64_t zero_count = 0;

      for (int i = 0; i < 20000; i++)
        {
          uint64_t sample = nym_poisson_sample_ns (means[m]);

          sum += (double) sample;
          zero_count += sample == 0;
        }
      g_assert_cmpfloat (fabs (sum / 20000 - (double) means[m]), <, 0.05 * (double) means[m]);
      g_assert_cmpuint (zero_count, <, 100);
    }
}

static void
test_route_delays (void)
{
  uint64_t delays[5] = { 1, 1, 1, 1, 1 };
  uint64_t zero[4] = { 9, 9, 9, 9 };

  nym_poisson_route_delays (15000000, delays, 4);
  g_assert_cmpuint (delays[4], ==, 1);
  g_assert_true (delays[0] != delays[1] || delays[1] != delays[2] || delays[2] != delays[3]);
  nym_poisson_route_delays (0, zero, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpuint (zero[i], ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/poisson/from-uniform", test_from_uniform);
  g_test_add_func ("/poisson/mean", test_mean);
  g_test_add_func ("/poisson/route-delays", test_route_delays);
  return g_test_run ();
}
