/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HKDF (RFC 5869) extract-and-expand over HMAC-SHA256 or HMAC-BLAKE3. */
#include "crypto/nym-hkdf.h"

#include <string.h>
#include <gcrypt.h>
#include <sodium.h>

#include "crypto/nym-hmac.h"

/* Both hashes have a 32-byte output, so HashLen is the same for both. */
#define HKDF_HASH_LEN 32

/* One HMAC over up to three concatenated pieces, so that T(i) = HMAC(PRK, T(i-1) || info ||
 * i) can be computed without building the message in a temporary buffer. */
static void
hmac3 (NymHkdfHash    hash,
       const uint8_t *key,
       size_t         key_len,
       const uint8_t *a,
       size_t         a_len,
       const uint8_t *b,
       size_t         b_len,
       const uint8_t *c,
       size_t         c_len,
       uint8_t        out[static HKDF_HASH_LEN])
{
  if (hash == NYM_HKDF_BLAKE3)
    {
      NymHmacBlake3 state;

      nym_hmac_blake3_init (&state, key, key_len);
      if (a_len > 0)
        nym_hmac_blake3_update (&state, a, a_len);
      if (b_len > 0)
        nym_hmac_blake3_update (&state, b, b_len);
      if (c_len > 0)
        nym_hmac_blake3_update (&state, c, c_len);
      nym_hmac_blake3_finish (&state, out);
    }
  else
    {
      crypto_auth_hmacsha256_state state;

      crypto_auth_hmacsha256_init (&state, key, key_len);
      if (a_len > 0)
        crypto_auth_hmacsha256_update (&state, a, a_len);
      if (b_len > 0)
        crypto_auth_hmacsha256_update (&state, b, b_len);
      if (c_len > 0)
        crypto_auth_hmacsha256_update (&state, c, c_len);
      crypto_auth_hmacsha256_final (&state, out);
      sodium_memzero (&state, sizeof state);
    }
}

bool
nym_hkdf (NymHkdfHash    hash,
          const uint8_t *salt,
          size_t         salt_len,
          const uint8_t *ikm,
          size_t         ikm_len,
          const uint8_t *info,
          size_t         info_len,
          uint8_t       *out,
          size_t         out_len)
{
  static const uint8_t zero_salt[HKDF_HASH_LEN] = { 0 };
  uint8_t prk[HKDF_HASH_LEN];
  uint8_t block[HKDF_HASH_LEN];
  size_t block_len = 0;
  size_t done = 0;

  if (hash != NYM_HKDF_SHA256 && hash != NYM_HKDF_BLAKE3)
    return false;
  /* RFC 5869 §2.3: L <= 255 * HashLen, since the block counter is a single octet. */
  if (out_len > 255 * HKDF_HASH_LEN)
    return false;
  if ((ikm == NULL && ikm_len > 0) || (info == NULL && info_len > 0) || (out == NULL && out_len > 0))
    return false;

  /* RFC 5869 §2.2: an absent salt is HashLen zero bytes. As an HMAC key that is the same as
   * an empty key, which is what Nym's "salt none" means (nym-packet.md §1). */
  if (salt == NULL || salt_len == 0)
    {
      salt = zero_salt;
      salt_len = sizeof zero_salt;
    }
  hmac3 (hash, salt, salt_len, ikm, ikm_len, NULL, 0, NULL, 0, prk);

  /* RFC 5869 §2.3: T(0) is empty, T(i) = HMAC(PRK, T(i-1) || info || i). */
  for (uint8_t counter = 1; done < out_len; counter++)
    {
      size_t take;

      hmac3 (hash, prk, sizeof prk, block, block_len, info, info_len, &counter, 1, block);
      block_len = sizeof block;
      take = out_len - done < sizeof block ? out_len - done : sizeof block;
      memcpy (out + done, block, take);
      done += take;
    }

  sodium_memzero (prk, sizeof prk);
  sodium_memzero (block, sizeof block);
  return true;
}

/* One HMAC-SHA256 over the concatenation of up to four pieces: libgcrypt takes the key as
 * the first buffer of the list when GCRY_MD_FLAG_HMAC is given. */
static bool
hmac_sha256_buffers (const uint8_t *key,
                     size_t         key_len,
                     const uint8_t *pieces[],
                     const size_t   lengths[],
                     size_t         n_pieces,
                     uint8_t        out[static HKDF_HASH_LEN])
{
  gcry_buffer_t buffers[5];
  size_t n = 0;

  memset (buffers, 0, sizeof buffers);
  buffers[n].data = (void *) key;
  buffers[n].len = key_len;
  buffers[n].size = key_len;
  n++;
  for (size_t i = 0; i < n_pieces && n < G_N_ELEMENTS (buffers); i++)
    {
      if (lengths[i] == 0)
        continue;
      buffers[n].data = (void *) pieces[i];
      buffers[n].len = lengths[i];
      buffers[n].size = lengths[i];
      n++;
    }
  return gcry_md_hash_buffers (GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC, out, buffers, (int) n) == 0;
}

bool
nym_hmac_sha256_accelerated (const uint8_t *key,
                             size_t         key_len,
                             const uint8_t *data,
                             size_t         len,
                             uint8_t        out[static 32])
{
  static const uint8_t empty_key[1] = { 0 };
  const uint8_t *pieces[] = { data };
  const size_t lengths[] = { len };

  /* An empty HMAC key is the same as a key of zero bytes padded to the block, but libgcrypt
   * rejects a zero-length key buffer, so one zero byte stands in for it. */
  if (key_len == 0)
    {
      key = empty_key;
      key_len = sizeof empty_key;
    }
  return hmac_sha256_buffers (key, key_len, pieces, lengths, 1, out);
}

bool
nym_hkdf_sha256_accelerated (const uint8_t *salt,
                             size_t         salt_len,
                             const uint8_t *ikm,
                             size_t         ikm_len,
                             const uint8_t *info,
                             size_t         info_len,
                             uint8_t       *out,
                             size_t         out_len)
{
  static const uint8_t zero_salt[HKDF_HASH_LEN] = { 0 };
  gcry_md_hd_t handle = NULL;
  uint8_t message[HKDF_HASH_LEN + 160];
  uint8_t prk[HKDF_HASH_LEN];
  uint8_t block[HKDF_HASH_LEN];
  size_t block_len = 0;
  size_t done = 0;
  bool ok = false;

  if (out_len > 255 * HKDF_HASH_LEN)
    return false;
  if ((ikm == NULL && ikm_len > 0) || (info == NULL && info_len > 0) || (out == NULL && out_len > 0))
    return false;
  if (salt == NULL || salt_len == 0)
    {
      salt = zero_salt;
      salt_len = sizeof zero_salt;
    }

  /* One HMAC handle for the whole derivation: after gcry_md_setkey, gcry_md_reset restores
   * the keyed inner state, so every T(i) costs only its own data blocks. The handle lives
   * in libgcrypt's secure memory because it holds the PRK. */
  if (gcry_md_open (&handle, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC | GCRY_MD_FLAG_SECURE) != 0)
    return false;
  if (gcry_md_setkey (handle, salt, salt_len) != 0)
    goto out;
  if (ikm_len > 0)
    gcry_md_write (handle, ikm, ikm_len);
  memcpy (prk, gcry_md_read (handle, GCRY_MD_SHA256), sizeof prk);
  if (gcry_md_setkey (handle, prk, sizeof prk) != 0)
    goto out;

  /* RFC 5869 §2.3: T(0) is empty, T(i) = HMAC(PRK, T(i-1) || info || i). Short infos (all
   * of Nym's) are laid out once as T || info || i in one buffer, so that each block is a
   * single write; longer ones are written piece by piece. */
  for (uint8_t counter = 1; done < out_len; counter++)
    {
      size_t take;

      gcry_md_reset (handle);
      if (info_len <= sizeof message - HKDF_HASH_LEN - 1)
        {
          memcpy (message + HKDF_HASH_LEN - block_len, block, block_len);
          if (counter == 1 && info_len > 0)
            memcpy (message + HKDF_HASH_LEN, info, info_len);
          message[HKDF_HASH_LEN + info_len] = counter;
          gcry_md_write (handle, message + HKDF_HASH_LEN - block_len, block_len + info_len + 1);
        }
      else
        {
          if (block_len > 0)
            gcry_md_write (handle, block, block_len);
          gcry_md_write (handle, info, info_len);
          gcry_md_write (handle, &counter, 1);
        }
      memcpy (block, gcry_md_read (handle, GCRY_MD_SHA256), sizeof block);
      block_len = sizeof block;
      take = out_len - done < sizeof block ? out_len - done : sizeof block;
      memcpy (out + done, block, take);
      done += take;
    }
  ok = true;

out:
  gcry_md_close (handle);
  sodium_memzero (prk, sizeof prk);
  sodium_memzero (block, sizeof block);
  sodium_memzero (message, sizeof message);
  if (!ok && out != NULL)
    sodium_memzero (out, out_len);
  return ok;
}
