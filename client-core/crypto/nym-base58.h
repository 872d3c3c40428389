/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Base58 with the Bitcoin alphabet, as Nym uses for its public keys and addresses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "crypto/nym-crypto-error.h"

G_BEGIN_DECLS

char *nym_base58_encode (const uint8_t *data,
                         size_t         len) G_GNUC_WARN_UNUSED_RESULT;
bool  nym_base58_decode (const char    *text,
                         uint8_t       *out,
                         size_t         out_cap,
                         size_t        *out_len,
                         GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
