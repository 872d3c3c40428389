/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The mixnet client's own keys and its registration at a gateway, held in wiped memory (spec nym-gateway.md §4.2). */
#include "gateway/nym-client-keys.h"

#include <string.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"

static void *
secure_alloc (size_t size)
{
  void *memory;

  /* sodium_malloc needs sodium_init; the call is cheap and idempotent. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  memory = sodium_malloc (size);
  g_assert (memory != NULL);
  sodium_memzero (memory, size);
  return memory;
}

NymClientKeys *
nym_client_keys_new_from_secrets (const uint8_t identity_seed[static 32],
                                  const uint8_t encryption_secret[static 32],
                                  const uint8_t ack_key[static 16])
{
  NymClientKeys *keys = secure_alloc (sizeof *keys);

  nym_ed25519_keypair_from_seed (keys->identity_public, keys->identity_secret, identity_seed);
  memcpy (keys->encryption_secret, encryption_secret, 32);
  nym_x25519_base (keys->encryption_public, encryption_secret);
  memcpy (keys->ack_key, ack_key, 16);
  return keys;
}

NymClientKeys *
nym_client_keys_new_random (void)
{
  uint8_t *secrets = secure_alloc (32 + 32 + 16);
  NymClientKeys *keys;

  nym_random_bytes (secrets, 32 + 32 + 16);
  keys = nym_client_keys_new_from_secrets (secrets, secrets + 32, secrets + 64);
  sodium_free (secrets);
  return keys;
}

NymClientKeys *
nym_client_keys_copy (const NymClientKeys *keys)
{
  NymClientKeys *copy = secure_alloc (sizeof *copy);

  memcpy (copy, keys, sizeof *copy);
  return copy;
}

void
nym_client_keys_free (NymClientKeys *keys)
{
  if (keys != NULL)
    sodium_free (keys);
}

/* The Recipient string bs58(identity).bs58(encryption)@bs58(gateway) (spec §0). */
char *
nym_client_keys_dup_address (const NymClientKeys *keys,
                             const uint8_t        gateway_identity[static 32])
{
  g_autofree char *identity = nym_base58_encode (keys->identity_public, 32);
  g_autofree char *encryption = nym_base58_encode (keys->encryption_public, 32);
  g_autofree char *gateway = nym_base58_encode (gateway_identity, 32);

  return g_strdup_printf ("%s.%s@%s", identity, encryption, gateway);
}

NymGatewayRegistration *
nym_gateway_registration_new (const uint8_t gateway_identity[static 32],
                              const uint8_t shared_key[static 32],
                              const char   *url,
                              gint64        registered_at)
{
  NymGatewayRegistration *registration = secure_alloc (sizeof *registration);

  memcpy (registration->gateway_identity, gateway_identity, 32);
  memcpy (registration->shared_key, shared_key, 32);
  registration->url = g_strdup (url);
  registration->registered_at = registered_at;
  return registration;
}

NymGatewayRegistration *
nym_gateway_registration_copy (const NymGatewayRegistration *registration)
{
  NymGatewayRegistration *copy = nym_gateway_registration_new (registration->gateway_identity,
                                                               registration->shared_key,
                                                               registration->url,
                                                               registration->registered_at);

  copy->last_authenticated = registration->last_authenticated;
  return copy;
}

void
nym_gateway_registration_free (NymGatewayRegistration *registration)
{
  if (registration == NULL)
    return;
  g_free (registration->url);
  sodium_free (registration);
}
