/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The client's side of the registration handshake and of AuthenticateV2 (spec nym-gateway.md §1.4–§1.5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "gateway/nym-gateway-error.h"

G_BEGIN_DECLS

#define NYM_GATEWAY_HANDSHAKE_INIT_LEN      80
#define NYM_GATEWAY_HANDSHAKE_RESPONSE_LEN  124
#define NYM_GATEWAY_HANDSHAKE_FINAL_LEN     92
#define NYM_GATEWAY_HANDSHAKE_SALT_LEN      16
#define NYM_GATEWAY_SHARED_KEY_LEN          32
#define NYM_GATEWAY_AUTH_CIPHERTEXT_LEN     48
#define NYM_GATEWAY_AUTH_NONCE_LEN          12
/* §1.2: AuthenticateV2 needs version 4; 6 is the newest this client speaks. */
#define NYM_GATEWAY_PROTOCOL_MIN            4
#define NYM_GATEWAY_PROTOCOL_CURRENT        6
/* §1.2: ForwardSphinxV2 (binary kind 2, with the key-rotation byte) from version 5 on. */
#define NYM_GATEWAY_PROTOCOL_FORWARD_V2     5

/* One registration in progress. It ends up holding the derived shared key, so it lives in
 * sodium_malloc'd memory and is wiped when freed. */
typedef struct
{
  uint8_t client_identity[32];
  uint8_t ephemeral_secret[32];
  uint8_t ephemeral_public[32];
  uint8_t gateway_ephemeral[32];
  uint8_t salt[NYM_GATEWAY_HANDSHAKE_SALT_LEN];
  uint8_t shared_key[NYM_GATEWAY_SHARED_KEY_LEN];
} NymGatewayHandshake;

/* The fields of an authenticateV2 request (§1.5); nothing in it is secret. */
typedef struct
{
  uint8_t  protocol_version;
  uint8_t  client_identity[32];
  uint8_t  address_ciphertext[NYM_GATEWAY_AUTH_CIPHERTEXT_LEN];
  uint8_t  nonce[NYM_GATEWAY_AUTH_NONCE_LEN];
  uint64_t timestamp;
  uint8_t  signature[64];
} NymGatewayAuthRequest;

NymGatewayHandshake *nym_gateway_handshake_new  (void);
void                 nym_gateway_handshake_free (NymGatewayHandshake *handshake);

void nym_gateway_handshake_init    (NymGatewayHandshake *handshake,
                                    const uint8_t        client_identity[static 32],
                                    const uint8_t        ephemeral_secret[static 32],
                                    const uint8_t        salt[static NYM_GATEWAY_HANDSHAKE_SALT_LEN],
                                    uint8_t              init[static NYM_GATEWAY_HANDSHAKE_INIT_LEN]);
bool nym_gateway_handshake_respond (NymGatewayHandshake *handshake,
                                    const uint8_t        gateway_identity[static 32],
                                    const uint8_t        client_identity_secret[static 64],
                                    const uint8_t       *response,
                                    size_t               response_len,
                                    const uint8_t        nonce[static 12],
                                    uint8_t              final[static NYM_GATEWAY_HANDSHAKE_FINAL_LEN],
                                    GError             **error) G_GNUC_WARN_UNUSED_RESULT;

bool  nym_gateway_auth_request_build (NymGatewayAuthRequest       *request,
                                      uint8_t                      protocol_version,
                                      const uint8_t                client_identity[static 32],
                                      const uint8_t                client_identity_secret[static 64],
                                      const uint8_t                shared_key[static 32],
                                      const uint8_t                nonce[static 12],
                                      uint64_t                     timestamp,
                                      GError                     **error) G_GNUC_WARN_UNUSED_RESULT;
char *nym_gateway_auth_request_to_json (const NymGatewayAuthRequest *request) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymGatewayHandshake, nym_gateway_handshake_free)

G_END_DECLS
