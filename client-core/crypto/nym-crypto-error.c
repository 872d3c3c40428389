/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GError domain of client-core/crypto. */
#include "crypto/nym-crypto-error.h"

G_DEFINE_QUARK (nym-crypto-error-quark, nym_crypto_error)
