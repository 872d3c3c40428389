/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AES-128-CTR and AES-256-GCM-SIV on top of libgcrypt 1.10. */
#include "crypto/nym-aes.h"

#include <gcrypt.h>
#include <sodium.h>

#include "nym-core.h"

/* The handle is opened with GCRY_CIPHER_SECURE so that libgcrypt wipes the expanded key
 * schedule when it is closed. */
static gcry_cipher_hd_t
open_cipher (int            algorithm,
             int            mode,
             const uint8_t *key,
             size_t         key_len)
{
  gcry_cipher_hd_t handle = NULL;

  if (!nym_core_init ())
    return NULL;
  if (gcry_cipher_open (&handle, algorithm, mode, GCRY_CIPHER_SECURE) != 0)
    return NULL;
  if (gcry_cipher_setkey (handle, key, key_len) != 0)
    {
      gcry_cipher_close (handle);
      return NULL;
    }
  return handle;
}

/* libgcrypt's CTR mode increments the whole 16-byte counter block as one big-endian
 * number, which is what sphinx's stream cipher and Nym's Ctr64BE agree on for every
 * length in use (nym-packet.md §1: they only differ after 2^64 blocks). */
bool
nym_aes128_ctr_xor (const uint8_t  key[static 16],
                    const uint8_t  iv[static 16],
                    const uint8_t *in,
                    uint8_t       *out,
                    size_t         len)
{
  gcry_cipher_hd_t handle;
  gcry_error_t err;

  if (len == 0)
    return true;
  if (in == NULL || out == NULL)
    return false;

  handle = open_cipher (GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CTR, key, 16);
  if (handle == NULL)
    return false;

  err = gcry_cipher_setctr (handle, iv, 16);
  if (err == 0)
    {
      if (in == out)
        err = gcry_cipher_encrypt (handle, out, len, NULL, 0);
      else
        err = gcry_cipher_encrypt (handle, out, len, in, len);
    }
  gcry_cipher_close (handle);
  return err == 0;
}

/* RFC 8452 AEAD_AES_256_GCM_SIV with a 12-byte nonce and a 16-byte tag appended to the
 * ciphertext, the framing of the gateway session (nym-gateway.md §0). libgcrypt wants the
 * AAD before the data, the whole message in one call, and the tag fetched afterwards. */
bool
nym_aes256_gcm_siv_encrypt (const uint8_t  key[static 32],
                            const uint8_t  nonce[static 12],
                            const uint8_t *aad,
                            size_t         aad_len,
                            const uint8_t *plain,
                            size_t         len,
                            uint8_t       *out)
{
  gcry_cipher_hd_t handle;
  gcry_error_t err;

  if (out == NULL || (plain == NULL && len > 0) || (aad == NULL && aad_len > 0))
    return false;

  handle = open_cipher (GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM_SIV, key, 32);
  if (handle == NULL)
    return false;

  err = gcry_cipher_setiv (handle, nonce, NYM_AES_GCM_SIV_NONCE_LEN);
  if (err == 0 && aad_len > 0)
    err = gcry_cipher_authenticate (handle, aad, aad_len);
  if (err == 0)
    err = gcry_cipher_final (handle);
  if (err == 0)
    err = gcry_cipher_encrypt (handle, out, len, len > 0 ? plain : NULL, len);
  if (err == 0)
    err = gcry_cipher_gettag (handle, out + len, NYM_AES_GCM_SIV_TAG_LEN);
  gcry_cipher_close (handle);

  if (err != 0)
    {
      sodium_memzero (out, len + NYM_AES_GCM_SIV_TAG_LEN);
      return false;
    }
  return true;
}

bool
nym_aes256_gcm_siv_decrypt (const uint8_t  key[static 32],
                            const uint8_t  nonce[static 12],
                            const uint8_t *aad,
                            size_t         aad_len,
                            const uint8_t *ct,
                            size_t         ct_len,
                            uint8_t       *out)
{
  gcry_cipher_hd_t handle;
  gcry_error_t err;
  size_t len;

  /* A ciphertext shorter than the tag cannot be authentic; there is nothing to wipe. */
  if (ct == NULL || ct_len < NYM_AES_GCM_SIV_TAG_LEN || (aad == NULL && aad_len > 0))
    return false;
  len = ct_len - NYM_AES_GCM_SIV_TAG_LEN;
  if (out == NULL && len > 0)
    return false;

  handle = open_cipher (GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM_SIV, key, 32);
  if (handle == NULL)
    {
      if (len > 0)
        sodium_memzero (out, len);
      return false;
    }

  err = gcry_cipher_setiv (handle, nonce, NYM_AES_GCM_SIV_NONCE_LEN);
  if (err == 0 && aad_len > 0)
    err = gcry_cipher_authenticate (handle, aad, aad_len);
  /* GCM-SIV derives the keystream from the tag, so libgcrypt needs it before decrypting;
   * the decrypt call then fails with GPG_ERR_CHECKSUM when the tag does not verify. */
  if (err == 0)
    err = gcry_cipher_set_decryption_tag (handle, ct + len, NYM_AES_GCM_SIV_TAG_LEN);
  if (err == 0)
    err = gcry_cipher_final (handle);
  if (err == 0)
    err = gcry_cipher_decrypt (handle, len > 0 ? out : NULL, len, len > 0 ? ct : NULL, len);
  gcry_cipher_close (handle);

  if (err != 0)
    {
      /* Never hand back unauthenticated plaintext. */
      if (len > 0)
        sodium_memzero (out, len);
      return false;
    }
  return true;
}
