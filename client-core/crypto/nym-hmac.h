/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HMAC (RFC 2104) over BLAKE3 and SHA-256, both with a 64-byte block. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "crypto/nym-blake3.h"

G_BEGIN_DECLS

/* An incremental HMAC-BLAKE3; finish wipes it. It holds key material, so it must not be copied. */
typedef struct
{
  NymBlake3 inner;
  NymBlake3 outer;
} NymHmacBlake3;

void nym_hmac_blake3_init   (NymHmacBlake3 *self,
                             const uint8_t *key,
                             size_t         key_len);
void nym_hmac_blake3_update (NymHmacBlake3 *self,
                             const uint8_t *data,
                             size_t         len);
void nym_hmac_blake3_finish (NymHmacBlake3 *self,
                             uint8_t        out[static 32]);

void nym_hmac_blake3 (const uint8_t *key,
                      size_t         key_len,
                      const uint8_t *data,
                      size_t         len,
                      uint8_t        out[static 32]);
void nym_hmac_sha256 (const uint8_t *key,
                      size_t         key_len,
                      const uint8_t *data,
                      size_t         len,
                      uint8_t        out[static 32]);

G_END_DECLS
