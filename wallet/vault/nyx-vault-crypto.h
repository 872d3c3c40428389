/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The key derivation and authenticated encryption of nym-wallet's saved-wallet.json (spec/nyx-wallet.md §5.3). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* Argon2id v0x13 parameters that nym-wallet uses (spec/nyx-wallet.md §5.3). */
#define NYX_VAULT_ARGON2_MEMORY_KIB 16384
#define NYX_VAULT_ARGON2_ITERATIONS 3
#define NYX_VAULT_ARGON2_PARALLELISM 1

#define NYX_VAULT_SALT_LENGTH 16
#define NYX_VAULT_IV_LENGTH   12
#define NYX_VAULT_KEY_LENGTH  32
#define NYX_VAULT_TAG_LENGTH  16

bool nyx_vault_derive_key (const uint8_t *password,
                           size_t         password_length,
                           const uint8_t  salt[static NYX_VAULT_SALT_LENGTH],
                           uint8_t        key[static NYX_VAULT_KEY_LENGTH]) G_GNUC_WARN_UNUSED_RESULT;

bool nyx_vault_seal       (const uint8_t  key[static NYX_VAULT_KEY_LENGTH],
                           const uint8_t  iv[static NYX_VAULT_IV_LENGTH],
                           const uint8_t *plaintext,
                           size_t         plaintext_length,
                           uint8_t       *ciphertext,
                           size_t         ciphertext_length) G_GNUC_WARN_UNUSED_RESULT;

bool nyx_vault_unseal     (const uint8_t  key[static NYX_VAULT_KEY_LENGTH],
                           const uint8_t  iv[static NYX_VAULT_IV_LENGTH],
                           const uint8_t *ciphertext,
                           size_t         ciphertext_length,
                           uint8_t       *plaintext,
                           size_t         plaintext_length) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
