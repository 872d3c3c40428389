/* SPDX-License-Identifier: GPL-3.0-or-later */
/* secp256k1 ECDSA over SHA-256 as Cosmos signs: RFC 6979 nonces, low-S, 64-byte r||s (spec §3.2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_SIGN_ERROR (nyx_sign_error_quark ())

typedef enum
{
  NYX_SIGN_ERROR_INVALID_KEY,   /* the private key is zero or not below the curve order */
  NYX_SIGN_ERROR_FAILED,        /* libsecp256k1 could not sign (should not happen with a valid key) */
} NyxSignError;

#define NYX_SIGNATURE_SIZE 64

GQuark nyx_sign_error_quark (void);

/* Signs a 32-byte digest; the signature is deterministic (RFC 6979) and normalised to low-S. */
bool   nyx_sign_digest      (const uint8_t private_key[static 32],
                             const uint8_t digest[static 32],
                             uint8_t       signature[static NYX_SIGNATURE_SIZE],
                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Signs SHA-256(@message), as SIGN_MODE_DIRECT signs the SignDoc bytes. */
bool   nyx_sign_message     (const uint8_t  private_key[static 32],
                             const uint8_t *message,
                             size_t         len,
                             uint8_t        signature[static NYX_SIGNATURE_SIZE],
                             GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* True if @signature is a valid low-S signature of SHA-256(@message) by @public_key (33 bytes). */
bool   nyx_verify_message   (const uint8_t  public_key[static 33],
                             const uint8_t *message,
                             size_t         len,
                             const uint8_t  signature[static NYX_SIGNATURE_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
/* The compressed public key of @private_key. */
bool   nyx_sign_public_key  (const uint8_t private_key[static 32],
                             uint8_t       public_key[static 33],
                             GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
