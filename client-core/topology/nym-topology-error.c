/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the topology client (client-core/topology). */
#include "topology/nym-topology-error.h"

G_DEFINE_QUARK (nym-topology-error-quark, nym_topology_error)
