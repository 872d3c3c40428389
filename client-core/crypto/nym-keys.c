/* SPDX-License-Identifier: GPL-3.0-or-later */
/* x25519, ed25519 and random bytes as thin, checked wrappers over libsodium. */
#include "crypto/nym-keys.h"

#include <sodium.h>

#include "nym-core.h"

/* libsodium must be initialised before its first use; nym_core_init() is idempotent, and
 * a failure there means there is no usable random source, which nothing can recover from. */
static void
ensure_sodium (void)
{
  if (!nym_core_init ())
    g_error ("libsodium could not be initialised; no cryptographic random source is available");
}

bool
nym_x25519 (uint8_t        out[static 32],
            const uint8_t  scalar[static 32],
            const uint8_t  point[static 32])
{
  ensure_sodium ();
  /* libsodium clamps the scalar (RFC 7748 §5) and returns -1 when the result is the
   * all-zero point, i.e. when the peer sent a low-order point; such a key must not be used. */
  if (crypto_scalarmult_curve25519 (out, scalar, point) != 0)
    {
      sodium_memzero (out, 32);
      return false;
    }
  return true;
}

void
nym_x25519_base (uint8_t        out[static 32],
                 const uint8_t  scalar[static 32])
{
  ensure_sodium ();
  crypto_scalarmult_curve25519_base (out, scalar);
}

/* The private key is kept unclamped, as x25519-dalek's StaticSecret stores it; clamping
 * happens on every use, so both forms give the same public key. */
void
nym_x25519_keypair (uint8_t pub[static 32],
                    uint8_t priv[static 32])
{
  ensure_sodium ();
  randombytes_buf (priv, 32);
  crypto_scalarmult_curve25519_base (pub, priv);
}

void
nym_ed25519_keypair_from_seed (uint8_t        pub[static 32],
                               uint8_t        sk[static 64],
                               const uint8_t  seed[static 32])
{
  ensure_sodium ();
  crypto_sign_ed25519_seed_keypair (pub, sk, seed);
}

void
nym_ed25519_sign (uint8_t        sig[static 64],
                  const uint8_t *msg,
                  size_t         len,
                  const uint8_t  sk[static 64])
{
  ensure_sodium ();
  crypto_sign_ed25519_detached (sig, NULL, msg, len, sk);
}

bool
nym_ed25519_verify (const uint8_t  sig[static 64],
                    const uint8_t *msg,
                    size_t         len,
                    const uint8_t  pub[static 32])
{
  ensure_sodium ();
  return crypto_sign_ed25519_verify_detached (sig, msg, len, pub) == 0;
}

void
nym_random_bytes (uint8_t *out,
                  size_t   len)
{
  ensure_sodium ();
  if (len > 0)
    randombytes_buf (out, len);
}
