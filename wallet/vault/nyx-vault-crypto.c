/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The key derivation and authenticated encryption of nym-wallet's saved-wallet.json (spec/nyx-wallet.md §5.3). */
#include "vault/nyx-vault-crypto.h"

#include <gcrypt.h>
#include <sodium.h>

/*
 * nym-wallet derives the AES key with Argon2id v0x13, m = 16384 KiB, t = 3, p = 1, a 16-byte
 * salt and a 32-byte output, over the password's UTF-8 bytes with no secret and no associated
 * data. libsodium's crypto_pwhash() with ALG_ARGON2ID13 is exactly that: its lane count is
 * fixed at 1, its memlimit is in bytes, and its salt is always crypto_pwhash_SALTBYTES (16)
 * long. The test suite checks the result against the spec's key vector and against
 * libgcrypt's independent Argon2 implementation.
 */
G_STATIC_ASSERT (crypto_pwhash_SALTBYTES == NYX_VAULT_SALT_LENGTH);

bool
nyx_vault_derive_key (const uint8_t *password,
                      size_t         password_length,
                      const uint8_t  salt[static NYX_VAULT_SALT_LENGTH],
                      uint8_t        key[static NYX_VAULT_KEY_LENGTH])
{
  static const char empty[1] = { 0 };

  if (sodium_init () < 0)
    return false;
  if (password == NULL && password_length != 0)
    return false;

  return crypto_pwhash (key, NYX_VAULT_KEY_LENGTH,
                        password_length > 0 ? (const char *) password : empty, password_length,
                        salt,
                        NYX_VAULT_ARGON2_ITERATIONS,
                        (size_t) NYX_VAULT_ARGON2_MEMORY_KIB * 1024,
                        crypto_pwhash_ALG_ARGON2ID13) == 0;
}

/*
 * AES-256-GCM with a 12-byte nonce and no associated data; the 16-byte tag follows the
 * encrypted bytes, as RustCrypto's aes-gcm lays it out. libgcrypt is used because libsodium
 * only offers AES-GCM on CPUs with AES-NI.
 */
static bool
open_cipher (gcry_cipher_hd_t *handle,
             const uint8_t     key[static NYX_VAULT_KEY_LENGTH],
             const uint8_t     iv[static NYX_VAULT_IV_LENGTH])
{
  if (gcry_cipher_open (handle, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return false;
  if (gcry_cipher_setkey (*handle, key, NYX_VAULT_KEY_LENGTH) != 0
      || gcry_cipher_setiv (*handle, iv, NYX_VAULT_IV_LENGTH) != 0)
    {
      gcry_cipher_close (*handle);
      return false;
    }
  return true;
}

bool
nyx_vault_seal (const uint8_t  key[static NYX_VAULT_KEY_LENGTH],
                const uint8_t  iv[static NYX_VAULT_IV_LENGTH],
                const uint8_t *plaintext,
                size_t         plaintext_length,
                uint8_t       *ciphertext,
                size_t         ciphertext_length)
{
  gcry_cipher_hd_t handle;
  bool ok;

  if (ciphertext_length != plaintext_length + NYX_VAULT_TAG_LENGTH)
    return false;
  if (!open_cipher (&handle, key, iv))
    return false;

  ok = gcry_cipher_final (handle) == 0
       && gcry_cipher_encrypt (handle, ciphertext, plaintext_length, plaintext, plaintext_length) == 0
       && gcry_cipher_gettag (handle, ciphertext + plaintext_length, NYX_VAULT_TAG_LENGTH) == 0;
  gcry_cipher_close (handle);
  if (!ok)
    sodium_memzero (ciphertext, ciphertext_length);
  return ok;
}

/*
 * Decrypts into @plaintext and checks the tag. On a wrong key or any altered byte the
 * plaintext buffer is wiped, so that no unauthenticated bytes are ever left for a caller.
 */
bool
nyx_vault_unseal (const uint8_t  key[static NYX_VAULT_KEY_LENGTH],
                  const uint8_t  iv[static NYX_VAULT_IV_LENGTH],
                  const uint8_t *ciphertext,
                  size_t         ciphertext_length,
                  uint8_t       *plaintext,
                  size_t         plaintext_length)
{
  gcry_cipher_hd_t handle;
  size_t body_length;
  bool ok;

  if (ciphertext_length < NYX_VAULT_TAG_LENGTH)
    return false;
  body_length = ciphertext_length - NYX_VAULT_TAG_LENGTH;
  if (plaintext_length != body_length)
    return false;
  if (!open_cipher (&handle, key, iv))
    return false;

  ok = gcry_cipher_final (handle) == 0
       && gcry_cipher_decrypt (handle, plaintext, body_length, ciphertext, body_length) == 0
       && gcry_cipher_checktag (handle, ciphertext + body_length, NYX_VAULT_TAG_LENGTH) == 0;
  gcry_cipher_close (handle);
  if (!ok && plaintext_length > 0)
    sodium_memzero (plaintext, plaintext_length);
  return ok;
}
