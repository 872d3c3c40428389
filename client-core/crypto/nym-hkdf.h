/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HKDF (RFC 5869) over HMAC-SHA256 or HMAC-BLAKE3. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  NYM_HKDF_SHA256,
  NYM_HKDF_BLAKE3,
} NymHkdfHash;

/* A NULL or empty salt means HashLen zero bytes (RFC 5869 §2.2); the result is false when
 * out_len exceeds 255 * HashLen. */
bool nym_hkdf (NymHkdfHash    hash,
               const uint8_t *salt,
               size_t         salt_len,
               const uint8_t *ikm,
               size_t         ikm_len,
               const uint8_t *info,
               size_t         info_len,
               uint8_t       *out,
               size_t         out_len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
