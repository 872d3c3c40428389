/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the SOCKS front end, the network-requester protocol and the exit policy (client-core/socks5). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYM_SOCKS_ERROR (nym_socks_error_quark ())

typedef enum
{
  NYM_SOCKS_ERROR_TRUNCATED,                  /* input shorter than its format needs */
  NYM_SOCKS_ERROR_TOO_LONG,                   /* input longer than its format allows */
  NYM_SOCKS_ERROR_UNSUPPORTED_VERSION,        /* SOCKS version, NR interface or protocol version */
  NYM_SOCKS_ERROR_NO_ACCEPTABLE_METHOD,       /* SOCKS5 client offered no method we support */
  NYM_SOCKS_ERROR_COMMAND_NOT_SUPPORTED,      /* BIND, UDP ASSOCIATE or an unknown command */
  NYM_SOCKS_ERROR_ADDRESS_TYPE_NOT_SUPPORTED, /* SOCKS5 ATYP other than 1, 3, 4 */
  NYM_SOCKS_ERROR_INVALID_ADDRESS,            /* a host, port or return address that cannot be used */
  NYM_SOCKS_ERROR_INVALID_MESSAGE,            /* malformed handshake or NR message */
  NYM_SOCKS_ERROR_UNKNOWN_TAG,                /* unknown request, response, control or query tag */
  NYM_SOCKS_ERROR_SEQUENCE,                   /* ordered buffer: sequence out of the acceptable window */
  NYM_SOCKS_ERROR_BUFFER_FULL,                /* ordered buffer: too many bytes held back */
  NYM_SOCKS_ERROR_INVALID_POLICY,             /* exit policy text that cannot be parsed */
  NYM_SOCKS_ERROR_REJECTED_BY_POLICY,         /* the exit policy does not allow a destination */
  NYM_SOCKS_ERROR_FAILED,
} NymSocksError;

GQuark nym_socks_error_quark (void);

G_END_DECLS
