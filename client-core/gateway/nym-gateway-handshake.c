/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client's side of the registration handshake and of AuthenticateV2 (spec nym-gateway.md §1.4–§1.5). */
#include "gateway/nym-gateway-handshake.h"

#include <string.h>
#include <sodium.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-keys.h"

NymGatewayHandshake *
nym_gateway_handshake_new (void)
{
  NymGatewayHandshake *handshake;

  /* sodium_malloc needs sodium_init; the call is cheap and idempotent. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  handshake = sodium_malloc (sizeof *handshake);
  g_assert (handshake != NULL);
  sodium_memzero (handshake, sizeof *handshake);
  return handshake;
}

void
nym_gateway_handshake_free (NymGatewayHandshake *handshake)
{
  /* sodium_free wipes the whole allocation: ephemeral secret and shared key. */
  if (handshake != NULL)
    sodium_free (handshake);
}

/* §1.4 steps 1–2: the init message is IDc ‖ X ‖ S. The ephemeral secret and salt come from
 * the caller so the exchange can be replayed against the §9.2 vectors. */
void
nym_gateway_handshake_init (NymGatewayHandshake *handshake,
                            const uint8_t        client_identity[static 32],
                            const uint8_t        ephemeral_secret[static 32],
                            const uint8_t        salt[static NYM_GATEWAY_HANDSHAKE_SALT_LEN],
                            uint8_t              init[static NYM_GATEWAY_HANDSHAKE_INIT_LEN])
{
  memcpy (handshake->client_identity, client_identity, 32);
  memcpy (handshake->ephemeral_secret, ephemeral_secret, 32);
  nym_x25519_base (handshake->ephemeral_public, ephemeral_secret);
  memcpy (handshake->salt, salt, NYM_GATEWAY_HANDSHAKE_SALT_LEN);

  memcpy (init, client_identity, 32);
  memcpy (init + 32, handshake->ephemeral_public, 32);
  memcpy (init + 64, salt, NYM_GATEWAY_HANDSHAKE_SALT_LEN);
}

/* §1.4 steps 5–6: the gateway answered Y ‖ GCM-SIV_K(n1, Sig_IDg(Y ‖ X)) ‖ n1. Derive
 * K = HKDF-HMAC-BLAKE3(S, X25519(x, Y), "", 32), check that the signature is by the gateway
 * the topology names (anyone else could answer on that address), and sign X ‖ Y in turn. */
bool
nym_gateway_handshake_respond (NymGatewayHandshake *handshake,
                               const uint8_t        gateway_identity[static 32],
                               const uint8_t        client_identity_secret[static 64],
                               const uint8_t       *response,
                               size_t               response_len,
                               const uint8_t        nonce[static 12],
                               uint8_t              final[static NYM_GATEWAY_HANDSHAKE_FINAL_LEN],
                               GError             **error)
{
  uint8_t *dh;
  uint8_t signature[64];
  uint8_t signed_data[64];
  bool ok;

  if (response == NULL || response_len != NYM_GATEWAY_HANDSHAKE_RESPONSE_LEN)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's handshake message has %zu bytes; it must have exactly %d",
                   response_len, NYM_GATEWAY_HANDSHAKE_RESPONSE_LEN);
      return false;
    }

  memcpy (handshake->gateway_ephemeral, response, 32);
  dh = sodium_malloc (32);
  g_assert (dh != NULL);
  if (!nym_x25519 (dh, handshake->ephemeral_secret, handshake->gateway_ephemeral))
    {
      sodium_free (dh);
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "The gateway's ephemeral key gives an all-zero X25519 shared secret");
      return false;
    }
  ok = nym_hkdf (NYM_HKDF_BLAKE3, handshake->salt, sizeof handshake->salt, dh, 32, NULL, 0,
                 handshake->shared_key, sizeof handshake->shared_key);
  sodium_free (dh);
  if (!ok)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "Deriving the gateway shared key failed");
      return false;
    }

  if (!nym_aes256_gcm_siv_decrypt (handshake->shared_key, response + 32 + 64 + 16, NULL, 0,
                                   response + 32, 64 + 16, signature))
    {
      sodium_memzero (handshake->shared_key, sizeof handshake->shared_key);
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_BAD_SIGNATURE,
                   "The gateway's handshake signature does not decrypt with the derived key");
      return false;
    }
  /* The gateway signs its own ephemeral key first, then ours. */
  memcpy (signed_data, handshake->gateway_ephemeral, 32);
  memcpy (signed_data + 32, handshake->ephemeral_public, 32);
  if (!nym_ed25519_verify (signature, signed_data, sizeof signed_data, gateway_identity))
    {
      sodium_memzero (handshake->shared_key, sizeof handshake->shared_key);
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_BAD_SIGNATURE,
                   "The gateway's handshake signature does not verify with the identity key "
                   "the topology gives for it: this is not the expected gateway");
      return false;
    }

  memcpy (signed_data, handshake->ephemeral_public, 32);
  memcpy (signed_data + 32, handshake->gateway_ephemeral, 32);
  nym_ed25519_sign (signature, signed_data, sizeof signed_data, client_identity_secret);
  if (!nym_aes256_gcm_siv_encrypt (handshake->shared_key, nonce, NULL, 0,
                                   signature, sizeof signature, final))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "Encrypting the client's handshake signature failed");
      return false;
    }
  memcpy (final + 64 + 16, nonce, 12);
  /* The ephemeral secret has done its job; only the shared key stays. */
  sodium_memzero (handshake->ephemeral_secret, sizeof handshake->ephemeral_secret);
  return true;
}

/* §1.5: addressCiphertext = GCM-SIV_K(nonce, IDc); the signature covers
 * version ‖ IDc ‖ ciphertext ‖ nonce ‖ timestamp (u64 big-endian), 101 bytes. */
bool
nym_gateway_auth_request_build (NymGatewayAuthRequest *request,
                                uint8_t                protocol_version,
                                const uint8_t          client_identity[static 32],
                                const uint8_t          client_identity_secret[static 64],
                                const uint8_t          shared_key[static 32],
                                const uint8_t          nonce[static 12],
                                uint64_t               timestamp,
                                GError               **error)
{
  uint8_t signed_data[1 + 32 + NYM_GATEWAY_AUTH_CIPHERTEXT_LEN + NYM_GATEWAY_AUTH_NONCE_LEN + 8];
  size_t off = 0;

  if (protocol_version < NYM_GATEWAY_PROTOCOL_MIN || protocol_version > NYM_GATEWAY_PROTOCOL_CURRENT)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_INCOMPATIBLE,
                   "AuthenticateV2 cannot use protocol version %u (only %d to %d)",
                   protocol_version, NYM_GATEWAY_PROTOCOL_MIN, NYM_GATEWAY_PROTOCOL_CURRENT);
      return false;
    }
  request->protocol_version = protocol_version;
  memcpy (request->client_identity, client_identity, 32);
  memcpy (request->nonce, nonce, NYM_GATEWAY_AUTH_NONCE_LEN);
  request->timestamp = timestamp;
  if (!nym_aes256_gcm_siv_encrypt (shared_key, nonce, NULL, 0, client_identity, 32,
                                   request->address_ciphertext))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_PROTOCOL,
                   "Encrypting the client address for authenticateV2 failed");
      return false;
    }

  signed_data[off++] = protocol_version;
  memcpy (signed_data + off, client_identity, 32);
  off += 32;
  memcpy (signed_data + off, request->address_ciphertext, NYM_GATEWAY_AUTH_CIPHERTEXT_LEN);
  off += NYM_GATEWAY_AUTH_CIPHERTEXT_LEN;
  memcpy (signed_data + off, nonce, NYM_GATEWAY_AUTH_NONCE_LEN);
  off += NYM_GATEWAY_AUTH_NONCE_LEN;
  for (int i = 7; i >= 0; i--)
    signed_data[off++] = (uint8_t) (timestamp >> (8 * i));
  g_assert (off == sizeof signed_data);
  nym_ed25519_sign (request->signature, signed_data, sizeof signed_data, client_identity_secret);
  return true;
}

static void
append_byte_array (GString       *json,
                   const uint8_t *bytes,
                   size_t         len)
{
  g_string_append_c (json, '[');
  for (size_t i = 0; i < len; i++)
    g_string_append_printf (json, i == 0 ? "%u" : ",%u", bytes[i]);
  g_string_append_c (json, ']');
}

/* §1.3, §1.5: AuthenticateV2 is the one request with camelCase fields; keys and the signature
 * are arrays of integers, the ciphertext and nonce standard base64 with padding. */
char *
nym_gateway_auth_request_to_json (const NymGatewayAuthRequest *request)
{
  GString *json = g_string_new ("{\"type\":\"authenticateV2\"");
  g_autofree char *ciphertext = g_base64_encode (request->address_ciphertext,
                                                 sizeof request->address_ciphertext);
  g_autofree char *nonce = g_base64_encode (request->nonce, sizeof request->nonce);

  g_string_append_printf (json, ",\"protocolVersion\":%u,\"clientIdentity\":", request->protocol_version);
  append_byte_array (json, request->client_identity, sizeof request->client_identity);
  g_string_append_printf (json, ",\"addressCiphertext\":\"%s\",\"nonce\":\"%s\",\"requestUnixTimestamp\":%"
                          G_GUINT64_FORMAT ",\"requestSignature\":", ciphertext, nonce, request->timestamp);
  append_byte_array (json, request->signature, sizeof request->signature);
  g_string_append_c (json, '}');
  return g_string_free (json, FALSE);
}
