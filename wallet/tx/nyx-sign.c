/* SPDX-License-Identifier: GPL-3.0-or-later */
/* secp256k1 ECDSA over SHA-256 as Cosmos signs: RFC 6979 nonces, low-S, 64-byte r||s (spec §3.2). */
#include "tx/nyx-sign.h"

#include <secp256k1.h>
#include <sodium.h>

#include "nyx-wallet.h"

G_DEFINE_QUARK (nyx-sign-error-quark, nyx_sign_error)

/* A context per call keeps the module free of global state; randomising it blinds the signer. */
static secp256k1_context *
signing_context_new (void)
{
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  uint8_t blind[32];

  randombytes_buf (blind, sizeof blind);
  if (!secp256k1_context_randomize (ctx, blind))
    g_warn_if_reached ();
  sodium_memzero (blind, sizeof blind);
  return ctx;
}

bool
nyx_sign_digest (const uint8_t private_key[static 32],
                 const uint8_t digest[static 32],
                 uint8_t       signature[static NYX_SIGNATURE_SIZE],
                 GError      **error)
{
  secp256k1_context *ctx;
  secp256k1_ecdsa_signature sig;
  bool ok;

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_FAILED, "Could not initialise libsodium");
      return false;
    }
  ctx = signing_context_new ();
  if (!secp256k1_ec_seckey_verify (ctx, private_key))
    {
      secp256k1_context_destroy (ctx);
      g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_INVALID_KEY,
                   "The private key is not a valid secp256k1 key");
      return false;
    }
  /* NULL nonce function = RFC 6979 with HMAC-SHA256, the nonce CosmJS and cosmrs use too. */
  ok = secp256k1_ecdsa_sign (ctx, &sig, digest, private_key, NULL, NULL) == 1;
  if (ok)
    {
      /* libsecp256k1 already signs with low S; normalising states the Cosmos rule explicitly. */
      secp256k1_ecdsa_signature_normalize (ctx, &sig, &sig);
      ok = secp256k1_ecdsa_signature_serialize_compact (ctx, signature, &sig) == 1;
    }
  secp256k1_context_destroy (ctx);
  sodium_memzero (&sig, sizeof sig);
  if (!ok)
    g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_FAILED, "libsecp256k1 could not sign the digest");
  return ok;
}

bool
nyx_sign_message (const uint8_t  private_key[static 32],
                  const uint8_t *message,
                  size_t         len,
                  uint8_t        signature[static NYX_SIGNATURE_SIZE],
                  GError       **error)
{
  uint8_t digest[crypto_hash_sha256_BYTES];
  bool ok;

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_FAILED, "Could not initialise libsodium");
      return false;
    }
  crypto_hash_sha256 (digest, message, len);
  ok = nyx_sign_digest (private_key, digest, signature, error);
  sodium_memzero (digest, sizeof digest);
  return ok;
}

bool
nyx_verify_message (const uint8_t  public_key[static 33],
                    const uint8_t *message,
                    size_t         len,
                    const uint8_t  signature[static NYX_SIGNATURE_SIZE])
{
  uint8_t digest[crypto_hash_sha256_BYTES];
  secp256k1_pubkey pubkey;
  secp256k1_ecdsa_signature sig;

  if (!nyx_wallet_init ())
    return false;
  if (!secp256k1_ec_pubkey_parse (secp256k1_context_static, &pubkey, public_key, 33) ||
      !secp256k1_ecdsa_signature_parse_compact (secp256k1_context_static, &sig, signature))
    return false;
  crypto_hash_sha256 (digest, message, len);
  /* secp256k1_ecdsa_verify rejects high-S signatures, as the Cosmos SDK does. */
  return secp256k1_ecdsa_verify (secp256k1_context_static, &sig, digest, &pubkey) == 1;
}

bool
nyx_sign_public_key (const uint8_t private_key[static 32],
                     uint8_t       public_key[static 33],
                     GError      **error)
{
  secp256k1_context *ctx;
  secp256k1_pubkey pubkey;
  size_t len = 33;
  bool ok;

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_FAILED, "Could not initialise libsodium");
      return false;
    }
  ctx = signing_context_new ();
  ok = secp256k1_ec_pubkey_create (ctx, &pubkey, private_key) == 1;
  if (ok)
    secp256k1_ec_pubkey_serialize (ctx, public_key, &len, &pubkey, SECP256K1_EC_COMPRESSED);
  secp256k1_context_destroy (ctx);
  if (!ok)
    g_set_error (error, NYX_SIGN_ERROR, NYX_SIGN_ERROR_INVALID_KEY,
                 "The private key is not a valid secp256k1 key");
  return ok;
}
