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

/* The same function as nym_hkdf (NYM_HKDF_SHA256, ...), byte for byte, computed with
 * libgcrypt's SHA-256, which uses the CPU's SHA extensions or AVX2 where present (about 8x
 * faster than the portable path). Sphinx derives two HKDF outputs per packet and hop, which
 * makes this the hottest function of a mix node. */
bool nym_hkdf_sha256_accelerated (const uint8_t *salt,
                                  size_t         salt_len,
                                  const uint8_t *ikm,
                                  size_t         ikm_len,
                                  const uint8_t *info,
                                  size_t         info_len,
                                  uint8_t       *out,
                                  size_t         out_len) G_GNUC_WARN_UNUSED_RESULT;
/* HMAC-SHA256 (RFC 2104) with libgcrypt's SHA-256; false only if libgcrypt fails. */
bool nym_hmac_sha256_accelerated (const uint8_t *key,
                                  size_t         key_len,
                                  const uint8_t *data,
                                  size_t         len,
                                  uint8_t        out[static 32]) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
