/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the Nym packet layer (client-core/packet). */
#include "packet/nym-packet-error.h"

G_DEFINE_QUARK (nym-packet-error-quark, nym_packet_error)
