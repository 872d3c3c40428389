/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exponential (Poisson-process) delays for per-hop mixing and send intervals (spec nym-packet.md §6, §21). */
#include "packet/nym-poisson.h"

#include <math.h>

#include "crypto/nym-keys.h"

/*
 * Inverse-transform sampling: with U uniform in (0, 1], −ln(U)·mean is exponential with that
 * mean. The top 53 bits of random_bits give U exactly representable as a double; U is never 0,
 * so the logarithm is finite (the largest possible sample is about 36.7 × mean).
 * §6: the result is rounded to whole nanoseconds, and a zero mean gives zero.
 */
uint64_t
nym_poisson_from_uniform (uint64_t mean_ns,
                          uint64_t random_bits)
{
  double u;
  double sample;

  if (mean_ns == 0)
    return 0;
  u = ((double) (random_bits >> 11) + 1.0) / 9007199254740992.0; /* 2^53 */
  sample = -log (u) * (double) mean_ns;
  if (sample >= 18446744073709551615.0)
    return G_MAXUINT64;
  return (uint64_t) floor (sample + 0.5);
}

uint64_t
nym_poisson_sample_ns (uint64_t mean_ns)
{
  uint8_t raw[8];
  uint64_t bits = 0;

  nym_random_bytes (raw, sizeof raw);
  for (size_t i = 0; i < sizeof raw; i++)
    bits = (bits << 8) | raw[i];
  return nym_poisson_from_uniform (mean_ns, bits);
}

/* §6: one independent sample per hop. */
void
nym_poisson_route_delays (uint64_t  mean_ns,
                          uint64_t *delays_ns,
                          size_t    hops)
{
  for (size_t i = 0; i < hops; i++)
    delays_ns[i] = nym_poisson_sample_ns (mean_ns);
}
