/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LIONESS over ChaCha20 and keyed BLAKE2b-256, the payload cipher of Sphinx (nym-packet.md §9). */
#include "crypto/nym-lioness.h"

#include <string.h>
#include <sodium.h>

/* The 192-byte key is K1 (32, stream) || K2 (64, hash) || K3 (32, stream) || K4 (64, hash),
 * and the block is split into L (the first 32 bytes) and R (the rest), nym-packet.md §9. */
#define STREAM_KEY_LEN 32
#define HASH_KEY_LEN   64
#define HASH_LEN       32
#define K1_OFFSET      0
#define K2_OFFSET      (K1_OFFSET + STREAM_KEY_LEN)
#define K3_OFFSET      (K2_OFFSET + HASH_KEY_LEN)
#define K4_OFFSET      (K3_OFFSET + STREAM_KEY_LEN)

G_STATIC_ASSERT (K4_OFFSET + HASH_KEY_LEN == NYM_LIONESS_KEY_SIZE);
G_STATIC_ASSERT (NYM_LIONESS_MIN_BLOCK == STREAM_KEY_LEN + 1);

/* R ^= ChaCha20(L ^ K). lioness-0.1.2 keys rust-crypto's ChaCha20 with a 12-byte zero
 * nonce and block counter 0, which is the IETF variant (RFC 8439) with an all-zero nonce. */
static void
stream_round (const uint8_t *left,
              const uint8_t  round_key[static STREAM_KEY_LEN],
              uint8_t       *right,
              size_t         right_len)
{
  static const uint8_t zero_nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };
  uint8_t key[STREAM_KEY_LEN];

  for (size_t i = 0; i < STREAM_KEY_LEN; i++)
    key[i] = left[i] ^ round_key[i];
  crypto_stream_chacha20_ietf_xor (right, right, right_len, zero_nonce, key);
  sodium_memzero (key, sizeof key);
}

/* L ^= BLAKE2b(key = K, digest size 32, data = R). */
static void
hash_round (uint8_t       *left,
            const uint8_t  round_key[static HASH_KEY_LEN],
            const uint8_t *right,
            size_t         right_len)
{
  uint8_t digest[HASH_LEN];

  crypto_generichash_blake2b (digest, sizeof digest, right, right_len, round_key, HASH_KEY_LEN);
  for (size_t i = 0; i < HASH_LEN; i++)
    left[i] ^= digest[i];
  sodium_memzero (digest, sizeof digest);
}

bool
nym_lioness_encrypt (const uint8_t key[static 192],
                     uint8_t      *block,
                     size_t        len)
{
  uint8_t *right;
  size_t right_len;

  if (block == NULL || len < NYM_LIONESS_MIN_BLOCK)
    return false;
  right = block + STREAM_KEY_LEN;
  right_len = len - STREAM_KEY_LEN;

  stream_round (block, key + K1_OFFSET, right, right_len);
  hash_round (block, key + K2_OFFSET, right, right_len);
  stream_round (block, key + K3_OFFSET, right, right_len);
  hash_round (block, key + K4_OFFSET, right, right_len);
  return true;
}

bool
nym_lioness_decrypt (const uint8_t key[static 192],
                     uint8_t      *block,
                     size_t        len)
{
  uint8_t *right;
  size_t right_len;

  if (block == NULL || len < NYM_LIONESS_MIN_BLOCK)
    return false;
  right = block + STREAM_KEY_LEN;
  right_len = len - STREAM_KEY_LEN;

  /* The four rounds of encryption, undone in reverse order. */
  hash_round (block, key + K4_OFFSET, right, right_len);
  stream_round (block, key + K3_OFFSET, right, right_len);
  hash_round (block, key + K2_OFFSET, right, right_len);
  stream_round (block, key + K1_OFFSET, right, right_len);
  return true;
}
