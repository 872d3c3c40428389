/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The LOCALNET_GATEWAY_ERROR domain: everything the local gateway can refuse or fail at. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LOCALNET_GATEWAY_ERROR (localnet_gateway_error_quark ())

typedef enum
{
  LOCALNET_GATEWAY_ERROR_BAD_LENGTH,       /* a handshake or request field has the wrong size */
  LOCALNET_GATEWAY_ERROR_BAD_SIGNATURE,    /* an Ed25519 signature did not verify */
  LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT,   /* AES-256-GCM-SIV refused a tag or a ciphertext differed */
  LOCALNET_GATEWAY_ERROR_BAD_KEY,          /* an X25519 exchange gave the all-zero point */
  LOCALNET_GATEWAY_ERROR_BAD_REQUEST,      /* malformed JSON or an unknown/misplaced request */
  LOCALNET_GATEWAY_ERROR_INCOMPATIBLE,     /* a protocol version this gateway does not speak */
  LOCALNET_GATEWAY_ERROR_STALE_TIMESTAMP,  /* AuthenticateV2 outside the allowed clock skew */
  LOCALNET_GATEWAY_ERROR_REPLAY,           /* AuthenticateV2 not newer than the last accepted one */
  LOCALNET_GATEWAY_ERROR_NOT_REGISTERED,   /* no shared key is stored for that client */
  LOCALNET_GATEWAY_ERROR_STORE,            /* the SQLite store failed */
  LOCALNET_GATEWAY_ERROR_NETWORK,          /* a listener could not be set up */
} LocalnetGatewayError;

GQuark localnet_gateway_error_quark (void);

G_END_DECLS
