/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exponential (Poisson-process) delays for per-hop mixing and send intervals (spec nym-packet.md §6, §21). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

uint64_t nym_poisson_from_uniform (uint64_t mean_ns,
                                   uint64_t random_bits);
uint64_t nym_poisson_sample_ns    (uint64_t mean_ns);
void     nym_poisson_route_delays (uint64_t mean_ns,
                                   uint64_t *delays_ns,
                                   size_t    hops);

G_END_DECLS
