/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gateway's side of the registration handshake and of AuthenticateV2 (spec nym-gateway.md §1.4–§1.5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define LOCALNET_GATEWAY_HANDSHAKE_INIT_LEN     80
#define LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN 124
#define LOCALNET_GATEWAY_HANDSHAKE_FINAL_LEN    92
#define LOCALNET_GATEWAY_SHARED_KEY_LEN         32
#define LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN    48
#define LOCALNET_GATEWAY_AUTH_NONCE_LEN         12
/* §1.5: the gateway's default max_request_timestamp_skew. */
#define LOCALNET_GATEWAY_AUTH_MAX_SKEW_SECONDS  120
/* §1.2: the versions a 2026 gateway accepts for AuthenticateV2, and the newest it speaks. */
#define LOCALNET_GATEWAY_PROTOCOL_MIN_AUTH_V2   4
#define LOCALNET_GATEWAY_PROTOCOL_CURRENT       6

/* One registration in progress. It holds the derived shared key, so it lives in
 * sodium_malloc'd memory and is wiped when freed. */
typedef struct
{
  uint8_t client_identity[32];
  uint8_t client_ephemeral[32];
  uint8_t gateway_ephemeral[32];
  uint8_t shared_key[LOCALNET_GATEWAY_SHARED_KEY_LEN];
  uint8_t protocol_version;
} LocalnetGatewayHandshake;

/* A parsed authenticateV2 request (§1.5); nothing in it is secret. */
typedef struct
{
  uint8_t  protocol_version;
  uint8_t  client_identity[32];
  uint8_t  address_ciphertext[LOCALNET_GATEWAY_AUTH_CIPHERTEXT_LEN];
  uint8_t  nonce[LOCALNET_GATEWAY_AUTH_NONCE_LEN];
  uint64_t timestamp;
  uint8_t  signature[64];
} LocalnetGatewayAuthRequest;

LocalnetGatewayHandshake *localnet_gateway_handshake_new       (void);
void                      localnet_gateway_handshake_free      (LocalnetGatewayHandshake *handshake);

uint8_t                   localnet_gateway_protocol_clamp      (uint8_t                   proposed);

bool localnet_gateway_handshake_respond (LocalnetGatewayHandshake *handshake,
                                         const uint8_t             identity_secret[static 64],
                                         uint8_t                   protocol_version,
                                         const uint8_t            *init,
                                         size_t                    init_len,
                                         const uint8_t             ephemeral_secret[static 32],
                                         const uint8_t             nonce[static 12],
                                         uint8_t                   response[static LOCALNET_GATEWAY_HANDSHAKE_RESPONSE_LEN],
                                         GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
bool localnet_gateway_handshake_finish  (const LocalnetGatewayHandshake *handshake,
                                         const uint8_t                  *data,
                                         size_t                          len,
                                         GError                        **error) G_GNUC_WARN_UNUSED_RESULT;

bool localnet_gateway_auth_check_signed (const LocalnetGatewayAuthRequest *request,
                                         uint64_t                          now,
                                         GError                          **error) G_GNUC_WARN_UNUSED_RESULT;
bool localnet_gateway_auth_check_key    (const LocalnetGatewayAuthRequest *request,
                                         const uint8_t                     shared_key[static 32],
                                         uint64_t                          last_timestamp,
                                         GError                          **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LocalnetGatewayHandshake, localnet_gateway_handshake_free)

G_END_DECLS
