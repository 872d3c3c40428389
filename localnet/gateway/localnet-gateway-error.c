/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The LOCALNET_GATEWAY_ERROR domain: everything the local gateway can refuse or fail at. */
#include "localnet-gateway-error.h"

G_DEFINE_QUARK (localnet-gateway-error-quark, localnet_gateway_error)
