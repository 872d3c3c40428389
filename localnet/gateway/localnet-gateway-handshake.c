/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gateway's side of the registration handshake and of AuthenticateV2 (spec nym-gateway.md §1.4–§1.5). */
#include "localnet-gateway-handshake.h"

#include <string.h>
#include <sodium.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"
#include "localnet-gateway-error.h"

LocalnetGatewayHandshake *
localnet_gateway_handshake_new (void)
{
  LocalnetGatewayHandshake *handshake;

  /* sodium_malloc aborts before sodium_init; the call is cheap and idempotent. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  handshake = sodium_malloc (sizeof *handshake);
  g_assert (handshake != NULL);
  sodium_memzero (handshake, sizeof *handshake);
  return handshake;
}

void
localnet_gateway_handshake_free (LocalnetGatewayHandshake *handshake)
{
  /* sodium_free wipes the whole allocation, shared key included. */
  if (handshake != NULL)
    sodium_free (handshake);
}

/* §1.2: the gateway accepts the version the client proposes and clamps future ones to
 * the newest it speaks, so a newer client still gets an answer it can parse. */
uint8_t
localnet_gateway_protocol_clamp (uint8_t proposed)
{
  return MIN (proposed, LOCALNET_GATEWAY_PROTOCOL_CURRENT);
}

/* §1.4 steps 3–4: derive K = HKDF-HMAC-BLAKE3(salt, X25519(y, X), "", 32) and answer with
 * Y ‖ GCM-SIV_K(n1, Sig_IDg(Y ‖ X)) ‖ n1. The ephemeral secret and nonce come from the
 * caller so that the exchange can be replayed against fixed vectors. */
bool
localnet_gateway_handshake_respond (LocalnetGatewayHandshake *handshake,
                                    const uint8_t             identity_secret[static 64],
                                    uint8_t                   protocol_version,
                                    const uint8_t            *init,
                                    size_t                    init_len,
                                    const uint8_t             ephemeral_secret[static 32],
                                    const uint8_t             nonce[static 12],
                                    uint8_t                   response[static LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN],
                                    GError                  **error)
{
  uint8_t *dh;
  uint8_t signed_data[64];
  uint8_t signature[64];
  bool ok;

  if (init == NULL || init_len != LOCALNET_GATEWAY_HANDSHAKE_INIT_LEN)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH,
                   "The handshake init message has %zu bytes; it must have exactly %d",
                   init_len, LOCALNET_GATEWAY_HANDSHAKE_INIT_LEN);
      return false;
    }

  dh = sodium_malloc (32);
  g_assert (dh != NULL);
  memcpy (handshake->client_identity, init, 32);
  memcpy (handshake->client_ephemeral, init + 32, 32);
  handshake->protocol_version = localnet_gateway_protocol_clamp (protocol_version);
  nym_x25519_base (handshake->gateway_ephemeral, ephemeral_secret);

  if (!nym_x25519 (dh, ephemeral_secret, handshake->client_ephemeral))
    {
      sodium_free (dh);
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_KEY,
                   "The client's ephemeral key gives an all-zero X25519 shared secret");
      return false;
    }
  ok = nym_hkdf (NYM_HKDF_BLAKE3, init + 64, 16, dh, 32, NULL, 0,
                 handshake->shared_key, sizeof handshake->shared_key);
  sodium_free (dh);
  if (!ok)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_KEY,
                   "Deriving the gateway shared key failed");
      return false;
    }

  /* The gateway signs its own ephemeral key first, then the client's. */
  memcpy (signed_data, handshake->gateway_ephemeral, 32);
  memcpy (signed_data + 32, handshake->client_ephemeral, 32);
  nym_ed25519_sign (signature, signed_data, sizeof signed_data, identity_secret);

  memcpy (response, handshake->gateway_ephemeral, 32);
  if (!nym_aes256_gcm_siv_encrypt (handshake->shared_key, nonce, NULL, 0,
                                   signature, sizeof signature, response + 32))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT,
                   "Encrypting the gateway's handshake signature failed");
      return false;
    }
  memcpy (response + 32 + 64 + 16, nonce, 12);
  return true;
}

/* §1.4 step 7: the client's last message is GCM-SIV_K(n2, Sig_IDc(X ‖ Y)) ‖ n2. */
bool
localnet_gateway_handshake_finish (const LocalnetGatewayHandshake *handshake,
                                   const uint8_t                  *data,
                                   size_t                          len,
                                   GError                        **error)
{
  uint8_t signature[64];
  uint8_t signed_data[64];

  if (data == NULL || len != LOCALNET_GATEWAY_HANDSHAKE_FINAL_LEN)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_LENGTH,
                   "The client's handshake signature message has %zu bytes; it must have exactly %d",
                   len, LOCALNET_GATEWAY_HANDSHAKE_FINAL_LEN);
      return false;
    }
  if (!nym_aes256_gcm_siv_decrypt (handshake->shared_key, data + 80, NULL, 0,
                                   data, 80, signature))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT,
                   "The client's handshake signature does not decrypt with the derived key");
      return false;
    }
  memcpy (signed_data, handshake->client_ephemeral, 32);
  memcpy (signed_data + 32, handshake->gateway_ephemeral, 32);
  if (!nym_ed25519_verify (signature, signed_data, sizeof signed_data,
                           handshake->client_identity))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_SIGNATURE,
                   "The client's handshake signature does not verify with its identity key");
      return false;
    }
  return true;
}

/* §1.5, the checks that need no stored state, in the gateway's order: version, clock skew,
 * then the signature over version ‖ identity ‖ ciphertext ‖ nonce ‖ timestamp (BE). */
bool
localnet_gateway_auth_check_signed (const LocalnetGatewayAuthRequest *request,
                                    uint64_t                          now,
                                    GError                          **error)
{
  uint8_t signed_data[1 + 32 + LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN + LOCALNET_GATEWAY_AUTH_NONCE_LEN + 8];
  uint64_t skew;
  size_t off = 0;

  if (request->protocol_version < LOCALNET_GATEWAY_PROTOCOL_MIN_AUTH_V2 ||
      request->protocol_version > LOCALNET_GATEWAY_PROTOCOL_CURRENT)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_INCOMPATIBLE,
                   "incompatible protocol: authenticateV2 with version %u (this gateway accepts %d to %d)",
                   request->protocol_version, LOCALNET_GATEWAY_PROTOCOL_MIN_AUTH_V2,
                   LOCALNET_GATEWAY_PROTOCOL_CURRENT);
      return false;
    }
  skew = request->timestamp > now ? request->timestamp - now : now - request->timestamp;
  if (skew > LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STALE_TIMESTAMP,
                   "The request timestamp %" G_GUINT64_FORMAT " is %" G_GUINT64_FORMAT
                   " s away from the gateway's clock (at most %d s allowed)",
                   request->timestamp, skew, LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS);
      return false;
    }

  signed_data[off++] = request->protocol_version;
  memcpy (signed_data + off, request->client_identity, 32);
  off += 32;
  memcpy (signed_data + off, request->address_ciphertext, LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN);
  off += LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN;
  memcpy (signed_data + off, request->nonce, LOCALNET_GATEWAY_AUTH_NONCE_LEN);
  off += LOCALNET_GATEWAY_AUTH_NONCE_LEN;
  for (int i = 7; i >= 0; i--)
    signed_data[off++] = (uint8_t) (request->timestamp >> (8 * i));
  g_assert (off == sizeof signed_data);

  if (!nym_ed25519_verify (request->signature, signed_data, sizeof signed_data,
                           request->client_identity))
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_SIGNATURE,
                   "The authenticateV2 signature does not verify with the client identity");
      return false;
    }
  return true;
}

/* §1.5, the checks against the stored registration: SIV is deterministic, so the gateway
 * re-encrypts the identity with the given nonce and compares in constant time; then the
 * timestamp must be strictly newer than the last accepted one, which stops replays. */
bool
localnet_gateway_auth_check_key (const LocalnetGatewayAuthRequest *request,
                                 const uint8_t                     shared_key[static 32],
                                 uint64_t                          last_timestamp,
                                 GError                          **error)
{
  uint8_t expected[LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN];

  if (!nym_aes256_gcm_siv_encrypt (shared_key, request->nonce, NULL, 0,
                                   request->client_identity, 32, expected) ||
      sodium_memcmp (expected, request->address_ciphertext, sizeof expected) != 0)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_BAD_CIPHERTEXT,
                   "The address ciphertext does not match the client's stored shared key");
      return false;
    }
  if (request->timestamp <= last_timestamp)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_REPLAY,
                   "The request timestamp %" G_GUINT64_FORMAT " is not newer than the last "
                   "accepted one (%" G_GUINT64_FORMAT "): replayed or stale request",
                   request->timestamp, last_timestamp);
      return false;
    }
  return true;
}
