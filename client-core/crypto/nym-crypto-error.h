/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain shared by the crypto primitives of client-core/crypto. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYM_CRYPTO_ERROR (nym_crypto_error_quark ())

typedef enum
{
  NYM_CRYPTO_ERROR_INVALID_BASE58,
  NYM_CRYPTO_ERROR_TOO_LONG,
  NYM_CRYPTO_ERROR_INVALID_INPUT,
  NYM_CRYPTO_ERROR_FAILED,
} NymCryptoError;

GQuark nym_crypto_error_quark (void);

G_END_DECLS
