/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HMAC (RFC 2104) over BLAKE3 and SHA-256, both with a 64-byte block. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

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
