/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End-to-end fragment encryption: ephemeral x25519 + HKDF-BLAKE3 + AES-128-CTR, and reply-key encryption (spec nym-packet.md §18). */
#include "packet/nym-e2e.h"

#include <sodium.h>
#include <string.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "packet/nym-reply-surb.h"

static const uint8_t zero_iv[16] = { 0 };

/*
 * Secrets of one call (ephemeral scalar, DH output, AES key) live together in one
 * sodium_malloc block that is wiped and freed before returning.
 */
struct _NymE2eScratch
{
  uint8_t ephemeral[32];
  uint8_t shared[32];
  uint8_t key[NYM_E2E_KEY_LEN];
};

typedef NymE2eScratch Secrets;

static Secrets *
secrets_new (void)
{
  Secrets *secrets = sodium_malloc (sizeof (Secrets));

  if (secrets == NULL)
    g_error ("sodium_malloc failed: out of secure memory");
  return secrets;
}

static void
secrets_free (Secrets *secrets)
{
  if (secrets == NULL)
    return;
  sodium_memzero (secrets, sizeof *secrets);
  sodium_free (secrets);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Secrets, secrets_free)

NymE2eScratch *
nym_e2e_scratch_new (void)
{
  return secrets_new ();
}

void
nym_e2e_scratch_free (NymE2eScratch *scratch)
{
  secrets_free (scratch);
}

/* §1, §18: k = HKDF over HMAC-BLAKE3 (no salt, no info) of X25519(private, public), 16 bytes. */
static bool
derive_into (const uint8_t  private_key[static 32],
             const uint8_t  public_key[static 32],
             Secrets       *secrets,
             GError       **error)
{
  if (!nym_x25519 (secrets->shared, private_key, public_key))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED,
                   "The x25519 exchange gave the all-zero point (a low-order public key)");
      return false;
    }
  if (!nym_hkdf (NYM_HKDF_BLAKE3, NULL, 0, secrets->shared, 32, NULL, 0, secrets->key, NYM_E2E_KEY_LEN))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "HKDF-BLAKE3 failed");
      return false;
    }
  return true;
}

/* §18: the AES key from an x25519 output the caller already has. */
bool
nym_e2e_key_from_shared_secret (const uint8_t shared_secret[static 32],
                                uint8_t       key[static 16])
{
  return nym_hkdf (NYM_HKDF_BLAKE3, NULL, 0, shared_secret, 32, NULL, 0, key, NYM_E2E_KEY_LEN);
}

bool
nym_e2e_derive_key (const uint8_t private_key[static 32],
                    const uint8_t public_key[static 32],
                    uint8_t       key[static 16],
                    GError      **error)
{
  g_autoptr(Secrets) secrets = secrets_new ();

  if (!derive_into (private_key, public_key, secrets, error))
    return false;
  memcpy (key, secrets->key, NYM_E2E_KEY_LEN);
  return true;
}

/*
 * out (len + 32 bytes) = ephemeral public key ‖ AES-128-CTR(k, IV 0, fragment). A fresh
 * ephemeral key is drawn per fragment unless ephemeral_secret is given (to rebuild a capture).
 */
bool
nym_e2e_encrypt_fragment_in (NymE2eScratch *scratch,
                             const uint8_t  recipient_key[static 32],
                             const uint8_t *ephemeral_secret,
                             const uint8_t *fragment,
                             size_t         len,
                             uint8_t       *out,
                             GError       **error)
{
  bool ok = false;

  if (ephemeral_secret != NULL)
    memcpy (scratch->ephemeral, ephemeral_secret, 32);
  else
    nym_random_bytes (scratch->ephemeral, 32);
  nym_x25519_base (out, scratch->ephemeral);
  if (!derive_into (scratch->ephemeral, recipient_key, scratch, error))
    goto out;
  if (!nym_aes128_ctr_xor (scratch->key, zero_iv, fragment, out + NYM_E2E_PREFIX_LEN, len))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      goto out;
    }
  ok = true;

out:
  sodium_memzero (scratch, sizeof *scratch);
  return ok;
}

bool
nym_e2e_encrypt_fragment (const uint8_t  recipient_key[static 32],
                          const uint8_t *ephemeral_secret,
                          const uint8_t *fragment,
                          size_t         len,
                          uint8_t       *out,
                          GError       **error)
{
  g_autoptr(Secrets) secrets = secrets_new ();

  return nym_e2e_encrypt_fragment_in (secrets, recipient_key, ephemeral_secret, fragment, len, out, error);
}

/* out receives len − 32 bytes: the fragment under the key agreed with the leading public key. */
bool
nym_e2e_decrypt_fragment (const uint8_t  own_private_key[static 32],
                          const uint8_t *payload,
                          size_t         len,
                          uint8_t       *out,
                          GError       **error)
{
  g_autoptr(Secrets) secrets = NULL;

  if (len < NYM_E2E_PREFIX_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "An encrypted fragment needs a 32-byte ephemeral key, got %zu bytes", len);
      return false;
    }
  secrets = secrets_new ();
  if (!derive_into (own_private_key, payload, secrets, error))
    return false;
  if (!nym_aes128_ctr_xor (secrets->key, zero_iv, payload + NYM_E2E_PREFIX_LEN, out,
                           len - NYM_E2E_PREFIX_LEN))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      return false;
    }
  return true;
}

/* §18 reply row: BLAKE3(surb_key) ‖ AES-128-CTR(surb_key, IV 0, fragment). */
bool
nym_e2e_encrypt_reply (const uint8_t  surb_key[static 16],
                       const uint8_t *fragment,
                       size_t         len,
                       uint8_t       *out,
                       GError       **error)
{
  nym_reply_surb_key_digest (surb_key, out);
  if (!nym_aes128_ctr_xor (surb_key, zero_iv, fragment, out + NYM_E2E_PREFIX_LEN, len))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      return false;
    }
  return true;
}

/* Checks the digest prefix against the key, so a wrong key is reported rather than garbage. */
bool
nym_e2e_decrypt_reply (const uint8_t  surb_key[static 16],
                       const uint8_t *payload,
                       size_t         len,
                       uint8_t       *out,
                       GError       **error)
{
  uint8_t digest[32];

  if (len < NYM_E2E_PREFIX_LEN)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "An encrypted reply needs a 32-byte key digest, got %zu bytes", len);
      return false;
    }
  nym_reply_surb_key_digest (surb_key, digest);
  if (sodium_memcmp (digest, payload, 32) != 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED,
                   "The reply's key digest does not match this reply SURB key");
      return false;
    }
  if (!nym_aes128_ctr_xor (surb_key, zero_iv, payload + NYM_E2E_PREFIX_LEN, out, len - NYM_E2E_PREFIX_LEN))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_FAILED, "AES-128-CTR failed");
      return false;
    }
  return true;
}
