/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the gateway session and the client's key store (client-core/gateway). */
#include "gateway/nym-gateway-error.h"

G_DEFINE_QUARK (nym-gateway-error-quark, nym_gateway_error)
