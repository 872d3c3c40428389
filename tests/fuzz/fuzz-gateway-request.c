/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the gateway's parsing of client text frames and the checks that follow it never
 * fault, and every error it reports can be sent back as a well-formed `error` reply. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "crypto/nym-keys.h"
#include "gateway/localnet-gateway-handshake.h"
#include "gateway/localnet-gateway-messages.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The error reply must carry the message unchanged, whatever bytes it contains. */
static void
check_error_reply (const char *message)
{
  g_autofree char *reply = localnet_gateway_reply_error (message);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (!json_parser_load_from_data (parser, reply, -1, NULL))
    abort ();
  object = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member (object, "type"), "error") != 0 ||
      g_strcmp0 (json_object_get_string_member (object, "message"), message) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const uint8_t seed[32] = { 0x22 };
  static const uint8_t ephemeral[32] = { 0x44 };
  static const uint8_t nonce[12] = { 0xa0 };
  static const uint8_t key[32] = { 0x5a };
  uint8_t identity_public[32], identity_secret[64], response[LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN];
  LocalnetGatewayRequest request;
  g_autoptr(GError) error = NULL;

  if (!localnet_gateway_request_parse ((const char *) data, size, &request, &error))
    {
      if (error == NULL || error->message == NULL)
        abort ();
      if (g_utf8_validate (error->message, -1, NULL))
        check_error_reply (error->message);
      localnet_gateway_request_clear (&request);
      return 0;
    }

  switch (request.kind)
    {
    case LOCALNET_GATEWAY_REQUEST_HANDSHAKE_PAYLOAD:
      {
        g_autoptr(LocalnetGatewayHandshake) handshake = localnet_gateway_handshake_new ();
        gsize len;
        const uint8_t *payload = g_bytes_get_data (request.data, &len);

        nym_ed25519_keypair_from_seed (identity_public, identity_secret, seed);
        /* The same bytes as an init message and as a final one: both must refuse or succeed cleanly. */
        if (localnet_gateway_handshake_respond (handshake, identity_secret, request.protocol_version,
                                                payload, len, ephemeral, nonce, response, NULL))
          {
            if (handshake->protocol_version > LOCALNET_GATEWAY_PROTOCOL_CURRENT)
              abort ();
            /* The same bytes cannot also be a valid final message unless they have its size. */
            if (localnet_gateway_handshake_finish (handshake, payload, len, NULL) &&
                len != LOCALNET_GATEWAY_HANDSHAKE_FINAL_LEN)
              abort ();
          }
      }
      break;

    case LOCALNET_GATEWAY_REQUEST_AUTHENTICATE_V2:
      /* The signature binds the timestamp: a request that verifies stops verifying when the
       * timestamp moves, and nothing passes the replay check against the largest timestamp. */
      if (localnet_gateway_auth_check_signed (&request.auth, request.auth.timestamp, NULL))
        {
          LocalnetGatewayAuthRequest moved = request.auth;

          moved.timestamp++;
          if (localnet_gateway_auth_check_signed (&moved, moved.timestamp, NULL))
            abort ();
        }
      if (localnet_gateway_auth_check_key (&request.auth, key, G_MAXUINT64, NULL))
        abort ();
      break;

    default:
      if (request.type == NULL)
        abort ();
      break;
    }
  localnet_gateway_request_clear (&request);
  return 0;
}
