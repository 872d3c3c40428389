/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mixnet client's own keys and its registration at a gateway, held in wiped memory (spec nym-gateway.md §4.2). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* §4.2: an Ed25519 identity (its public key is the client's address at the gateway), an
 * X25519 encryption key (the second part of the Recipient) and the 16-byte AES-128-CTR key
 * that opens our own acks. Lives in sodium_malloc'd memory, wiped when freed. */
typedef struct
{
  uint8_t identity_public[32];
  uint8_t identity_secret[64];   /* libsodium layout: seed ‖ public key */
  uint8_t encryption_public[32];
  uint8_t encryption_secret[32];
  uint8_t ack_key[16];
} NymClientKeys;

/* What the client keeps per gateway after registering (§1.12 step 1, §4.2). The shared key
 * is secret; the struct lives in sodium_malloc'd memory and url is a separate string. */
typedef struct
{
  uint8_t  gateway_identity[32];
  uint8_t  shared_key[32];
  gint64   registered_at;        /* Unix seconds */
  guint64  last_authenticated;   /* the timestamp of the last accepted AuthenticateV2 */
  char    *url;
} NymGatewayRegistration;

NymClientKeys          *nym_client_keys_new_random       (void) G_GNUC_WARN_UNUSED_RESULT;
NymClientKeys          *nym_client_keys_new_from_secrets (const uint8_t identity_seed[static 32],
                                                          const uint8_t encryption_secret[static 32],
                                                          const uint8_t ack_key[static 16]) G_GNUC_WARN_UNUSED_RESULT;
NymClientKeys          *nym_client_keys_copy             (const NymClientKeys *keys) G_GNUC_WARN_UNUSED_RESULT;
void                    nym_client_keys_free             (NymClientKeys       *keys);
char                   *nym_client_keys_dup_address      (const NymClientKeys *keys,
                                                          const uint8_t        gateway_identity[static 32]) G_GNUC_WARN_UNUSED_RESULT;

NymGatewayRegistration *nym_gateway_registration_new     (const uint8_t gateway_identity[static 32],
                                                          const uint8_t shared_key[static 32],
                                                          const char   *url,
                                                          gint64        registered_at) G_GNUC_WARN_UNUSED_RESULT;
NymGatewayRegistration *nym_gateway_registration_copy    (const NymGatewayRegistration *registration) G_GNUC_WARN_UNUSED_RESULT;
void                    nym_gateway_registration_free    (NymGatewayRegistration       *registration);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymClientKeys, nym_client_keys_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymGatewayRegistration, nym_gateway_registration_free)

G_END_DECLS
