/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the SOCKS front end, the network-requester protocol and the exit policy (client-core/socks5). */
#include "socks5/nym-socks-error.h"

G_DEFINE_QUARK (nym-socks-error-quark, nym_socks_error)
