/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A localnet node's long-lived keys (ed25519 identity, x25519 sphinx key), kept in its directory. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define LOCALNET_KEYS_ERROR (localnet_keys_error_quark ())

typedef enum
{
  LOCALNET_KEYS_ERROR_IO,
  LOCALNET_KEYS_ERROR_CORRUPT,
  LOCALNET_KEYS_ERROR_PERMISSIONS,
} LocalnetKeysError;

GQuark localnet_keys_error_quark (void);

/*
 * The public halves are plain fields; the secret halves point into sodium_malloc memory
 * that localnet_keys_free() wipes and releases. On disk a node directory holds
 * `identity.key` (32-byte ed25519 seed), `identity.pub` (32 bytes), `sphinx.key` (32-byte
 * x25519 secret) and `sphinx.pub` (32 bytes), all 0600 and written atomically.
 */
typedef struct
{
  uint8_t  identity_public[32];
  uint8_t  sphinx_public[32];
  uint8_t *identity_secret;   /* 64 bytes: libsodium's ed25519 secret key (seed ‖ public) */
  uint8_t *sphinx_secret;     /* 32 bytes: x25519 scalar */
} LocalnetKeys;

/* Loads the keys of node_dir, or creates and saves fresh ones if the directory has none
 * (creating node_dir with mode 0700 if needed). A half-written or damaged key set is an
 * error, never silently replaced. */
LocalnetKeys *localnet_keys_load_or_create (const char         *node_dir,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void          localnet_keys_free           (LocalnetKeys       *keys);
/* Base58 of the public keys, as nym-api and localnet.json show them (g_free the result). */
char         *localnet_keys_identity_base58 (const LocalnetKeys *keys) G_GNUC_WARN_UNUSED_RESULT;
char         *localnet_keys_sphinx_base58   (const LocalnetKeys *keys) G_GNUC_WARN_UNUSED_RESULT;

/* Atomic write used for every file of the localnet directory: temp file in the same
 * directory, fsync, chmod to mode, rename, fsync of the directory. */
bool          localnet_write_file_atomic   (const char         *path,
                                            const void         *data,
                                            size_t              len,
                                            int                 mode,
                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LocalnetKeys, localnet_keys_free)

G_END_DECLS
