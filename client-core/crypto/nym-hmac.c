/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HMAC (RFC 2104) with BLAKE3 (own implementation) and with SHA-256 (libsodium). */
#include "crypto/nym-hmac.h"

#include <string.h>
#include <sodium.h>

/* HMAC's block size B for BLAKE3. The blake3 crate declares a 64-byte block for its
 * `Digest` impl, and Nym's HKDF-HMAC-BLAKE3 keys were confirmed against the real client
 * with this value (nym-packet.md §1, nym-gateway.md §0). */
#define HMAC_BLAKE3_BLOCK 64

void
nym_hmac_blake3_init (NymHmacBlake3 *self,
                      const uint8_t *key,
                      size_t         key_len)
{
  uint8_t block_key[HMAC_BLAKE3_BLOCK] = { 0 };
  uint8_t pad[HMAC_BLAKE3_BLOCK];

  /* RFC 2104 §2: keys longer than B are first hashed, shorter ones are zero-padded. */
  if (key_len > HMAC_BLAKE3_BLOCK)
    nym_blake3 (key, key_len, block_key);
  else if (key_len > 0)
    memcpy (block_key, key, key_len);

  for (size_t i = 0; i < sizeof pad; i++)
    pad[i] = block_key[i] ^ 0x36;
  nym_blake3_init (&self->inner);
  nym_blake3_update (&self->inner, pad, sizeof pad);

  for (size_t i = 0; i < sizeof pad; i++)
    pad[i] = block_key[i] ^ 0x5c;
  nym_blake3_init (&self->outer);
  nym_blake3_update (&self->outer, pad, sizeof pad);

  sodium_memzero (block_key, sizeof block_key);
  sodium_memzero (pad, sizeof pad);
}

void
nym_hmac_blake3_update (NymHmacBlake3 *self,
                        const uint8_t *data,
                        size_t         len)
{
  nym_blake3_update (&self->inner, data, len);
}

void
nym_hmac_blake3_finish (NymHmacBlake3 *self,
                        uint8_t        out[static 32])
{
  uint8_t inner_digest[NYM_BLAKE3_OUT_LEN];

  nym_blake3_finalize (&self->inner, inner_digest, sizeof inner_digest);
  nym_blake3_update (&self->outer, inner_digest, sizeof inner_digest);
  nym_blake3_finalize (&self->outer, out, NYM_BLAKE3_OUT_LEN);

  sodium_memzero (inner_digest, sizeof inner_digest);
  sodium_memzero (self, sizeof *self);
}

void
nym_hmac_blake3 (const uint8_t *key,
                 size_t         key_len,
                 const uint8_t *data,
                 size_t         len,
                 uint8_t        out[static 32])
{
  NymHmacBlake3 hmac;

  nym_hmac_blake3_init (&hmac, key, key_len);
  nym_hmac_blake3_update (&hmac, data, len);
  nym_hmac_blake3_finish (&hmac, out);
}

void
nym_hmac_sha256 (const uint8_t *key,
                 size_t         key_len,
                 const uint8_t *data,
                 size_t         len,
                 uint8_t        out[static 32])
{
  crypto_auth_hmacsha256_state state;

  /* libsodium's HMAC-SHA256 accepts keys of any length and hashes long ones as RFC 2104 asks. */
  crypto_auth_hmacsha256_init (&state, key, key_len);
  crypto_auth_hmacsha256_update (&state, data, len);
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}
