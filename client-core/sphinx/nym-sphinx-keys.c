/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx per-hop key derivation: expanded shared secrets, payload keys, α blinding (nym-packet.md §4–§5). */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-keys.h"

/* §2: the HKDF info string of sphinx-packet's expand_shared_secret, without a NUL. */
static const char expand_info[] =
  "Dwste mou enan moxlo arketa makru kai ena upomoxlio gia na ton topothetisw kai tha kinisw thn gh.";
G_STATIC_ASSERT (sizeof (expand_info) - 1 == 97);

/* §1: salt and info of the version 259 payload-key HKDF. */
static const char payload_key_salt[] = "sphinx-payload-key-V01-CS01-HKDF:SHA256-SALT";
static const char payload_key_info[] = "sphinx-payload-key-V01-CS01-HKDF:SHA256-INFO";

/* 8⁻¹ and 2²⁵⁴, both modulo the group order ℓ = 2²⁵² + 27742317777372353535851937790883648493,
 * little-endian. The test suite checks both against libsodium's scalar arithmetic. */
static const uint8_t inverse_of_eight[32] = {
  0x79, 0x2f, 0xdc, 0xe2, 0x29, 0xe5, 0x06, 0x61, 0xd0, 0xda, 0x1c, 0x7d, 0xb3, 0x9d, 0xd3, 0x07,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
};
static const uint8_t two_pow_254_mod_l[32] = {
  0x39, 0x84, 0x1e, 0xe9, 0xb0, 0xd6, 0xc8, 0xf7, 0x7c, 0x29, 0x19, 0x17, 0x64, 0x12, 0x63, 0xc1,
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
};

bool
nym_sphinx_expand_shared_secret (const uint8_t shared_secret[static 32],
                                 uint8_t       expanded[static NYM_SPHINX_EXPANDED_SECRET_SIZE])
{
  return nym_hkdf_sha256_accelerated (NULL, 0, shared_secret, 32,
                                      (const uint8_t *) expand_info, sizeof (expand_info) - 1,
                                      expanded, NYM_SPHINX_EXPANDED_SECRET_SIZE);
}

bool
nym_sphinx_derive_payload_key (const uint8_t seed[static NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE],
                               uint8_t       key[static NYM_SPHINX_PAYLOAD_KEY_SIZE])
{
  return nym_hkdf_sha256_accelerated ((const uint8_t *) payload_key_salt, sizeof (payload_key_salt) - 1,
                                      seed, NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE,
                                      (const uint8_t *) payload_key_info, sizeof (payload_key_info) - 1,
                                      key, NYM_SPHINX_PAYLOAD_KEY_SIZE);
}

bool
nym_sphinx_payload_key_for_version (uint16_t      version,
                                    const uint8_t expanded[static NYM_SPHINX_EXPANDED_SECRET_SIZE],
                                    uint8_t       key[static NYM_SPHINX_PAYLOAD_KEY_SIZE])
{
  if (nym_sphinx_version_uses_legacy_payload_keys (version))
    {
      memcpy (key, expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, NYM_SPHINX_PAYLOAD_KEY_SIZE);
      return true;
    }
  return nym_sphinx_derive_payload_key (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, key);
}

/* RFC 7748 decodeScalar25519: the scalar every X25519 call really multiplies by. */
static void
clamp_scalar (uint8_t scalar[static 32])
{
  scalar[0] &= 248;
  scalar[31] &= 127;
  scalar[31] |= 64;
}

static void
clamped_scalar_mod_l (uint8_t       out[static 32],
                      const uint8_t secret[static 32])
{
  uint8_t wide[64] = { 0 };

  memcpy (wide, secret, 32);
  clamp_scalar (wide);
  crypto_core_ed25519_scalar_reduce (out, wide);
  sodium_memzero (wide, sizeof wide);
}

/* Looks for a scalar k of the clamped form 2²⁵⁴ + 8m (m < 2²⁵¹) with k ≡ ±t (mod ℓ). Such a k
 * passes through X25519's clamping unchanged, and because it is a multiple of 8 that agrees
 * with the true product of clamped scalars modulo 8ℓ (up to sign, which the u-coordinate
 * does not see), X25519(k, P) equals the chain of X25519 calls it replaces for every point P
 * on the curve. About three in four products have such a representative. */
static bool
clamped_representative (const uint8_t t[static 32],
                        uint8_t       k[static 32])
{
  uint8_t candidate[32];
  uint8_t m[32];
  bool found = false;

  for (int sign = 0; sign < 2 && !found; sign++)
    {
      if (sign == 0)
        memcpy (candidate, t, 32);
      else
        crypto_core_ed25519_scalar_negate (candidate, t);
      crypto_core_ed25519_scalar_sub (m, candidate, two_pow_254_mod_l);
      crypto_core_ed25519_scalar_mul (m, m, inverse_of_eight);
      if ((m[31] & 0xf8) == 0)
        {
          uint8_t carry = 0;

          for (size_t i = 0; i < 32; i++)
            {
              k[i] = (uint8_t) ((m[i] << 3) | carry);
              carry = m[i] >> 5;
            }
          k[31] |= 64;
          found = true;
        }
    }
  sodium_memzero (candidate, sizeof candidate);
  sodium_memzero (m, sizeof m);
  return found;
}

/* §5. The shared secret of hop i is s_i = X25519(b_{i-1}, … X25519(b_0, X25519(x, P_i))), with
 * b_j the blinding factor of hop j. Computed literally that costs i + 1 scalar
 * multiplications for hop i (11 for four hops); instead the clamped scalars are multiplied
 * modulo ℓ and applied in one X25519 whenever the product has a clamped representative, and
 * otherwise the chain resumes from the longest prefix that has one. The result is the same
 * group element, so it is byte-for-byte what the hops derive. Which path is taken depends on
 * the per-packet secret, so its timing reveals about a bit per hop of a fresh ephemeral
 * scalar that is used only once; this is accepted for a 2.5× faster sender. */
bool
nym_sphinx_derive_hop_secrets (const NymSphinxNode *route,
                               size_t               route_len,
                               const uint8_t        initial_secret[static 32],
                               uint8_t              alpha0[static 32],
                               uint8_t              expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE],
                               GError             **error)
{
  uint8_t products[NYM_SPHINX_MAX_PATH_LENGTH][32];
  uint8_t clamped_initial[32];
  uint8_t blinding[32];
  uint8_t scalar[32];
  uint8_t shared[32];
  uint8_t next[32];
  bool ok = false;

  if (route_len < 1 || route_len > NYM_SPHINX_MAX_PATH_LENGTH)
    {
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE,
                   "A Sphinx route has 1 to %d hops, not %zu",
                   NYM_SPHINX_MAX_PATH_LENGTH, route_len);
      return false;
    }

  memcpy (clamped_initial, initial_secret, 32);
  clamp_scalar (clamped_initial);
  clamped_scalar_mod_l (products[0], initial_secret);
  nym_x25519_base (alpha0, initial_secret);

  for (size_t i = 0; i < route_len; i++)
    {
      size_t start = i;

      while (start > 0 && !clamped_representative (products[start], scalar))
        start--;
      if (start == 0)
        memcpy (scalar, clamped_initial, 32);

      if (!nym_x25519 (shared, scalar, route[i].pub))
        goto bad_key;
      for (size_t j = start; j < i; j++)
        {
          if (!nym_x25519 (next, expanded[j] + NYM_SPHINX_BLINDING_FACTOR_OFFSET, shared))
            goto bad_key;
          memcpy (shared, next, 32);
        }

      if (!nym_sphinx_expand_shared_secret (shared, expanded[i]))
        {
          g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_CRYPTO_FAILED,
                       "HKDF-SHA256 failed while expanding the shared secret of hop %zu", i);
          goto out;
        }

      if (i + 1 < route_len)
        {
          clamped_scalar_mod_l (blinding, expanded[i] + NYM_SPHINX_BLINDING_FACTOR_OFFSET);
          crypto_core_ed25519_scalar_mul (products[i + 1], products[i], blinding);
        }
      continue;

    bad_key:
      g_set_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_KEY,
                   "The x25519 key of hop %zu gives an all-zero shared secret", i);
      goto out;
    }
  ok = true;

out:
  sodium_memzero (products, sizeof products);
  sodium_memzero (clamped_initial, sizeof clamped_initial);
  sodium_memzero (blinding, sizeof blinding);
  sodium_memzero (scalar, sizeof scalar);
  sodium_memzero (shared, sizeof shared);
  sodium_memzero (next, sizeof next);
  return ok;
}
