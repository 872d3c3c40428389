/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the gateway session and the client's key store (client-core/gateway). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYM_GATEWAY_ERROR (nym_gateway_error_quark ())

typedef enum
{
  NYM_GATEWAY_ERROR_INVALID_ARGUMENT,  /* a URL, key or packet given by the caller is unusable */
  NYM_GATEWAY_ERROR_NETWORK,           /* the websocket could not be opened or was lost */
  NYM_GATEWAY_ERROR_TIMEOUT,           /* the gateway did not answer in time */
  NYM_GATEWAY_ERROR_PROTOCOL,          /* the gateway sent something that breaks §1 */
  NYM_GATEWAY_ERROR_INCOMPATIBLE,      /* the gateway speaks a protocol version we cannot use */
  NYM_GATEWAY_ERROR_BAD_SIGNATURE,     /* the gateway is not the one the topology names */
  NYM_GATEWAY_ERROR_REFUSED,           /* the gateway answered with an error */
  NYM_GATEWAY_ERROR_OUT_OF_BANDWIDTH,  /* the gateway dropped a packet for lack of bandwidth */
  NYM_GATEWAY_ERROR_NOT_READY,         /* the session is not in a state that allows the call */
  NYM_GATEWAY_ERROR_STORE,             /* the client store could not be read or written */
} NymGatewayError;

GQuark nym_gateway_error_quark (void);

G_END_DECLS
