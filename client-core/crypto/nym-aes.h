/* SPDX-License-Identifier: GPL-3.0-or-later */
/* AES-128-CTR and AES-256-GCM-SIV (RFC 8452) wrappers over libgcrypt. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYM_AES_GCM_SIV_TAG_LEN   16
#define NYM_AES_GCM_SIV_NONCE_LEN 12

/* The counter is the whole 16-byte block, big-endian, starting at iv; in may equal out. */
bool nym_aes128_ctr_xor         (const uint8_t  key[static 16],
                                 const uint8_t  iv[static 16],
                                 const uint8_t *in,
                                 uint8_t       *out,
                                 size_t         len) G_GNUC_WARN_UNUSED_RESULT;
/* out receives len + 16 bytes: the ciphertext followed by the tag. */
bool nym_aes256_gcm_siv_encrypt (const uint8_t  key[static 32],
                                 const uint8_t  nonce[static 12],
                                 const uint8_t *aad,
                                 size_t         aad_len,
                                 const uint8_t *plain,
                                 size_t         len,
                                 uint8_t       *out) G_GNUC_WARN_UNUSED_RESULT;
/* ct_len includes the 16-byte tag; out receives ct_len - 16 bytes, and is wiped when the
 * tag does not verify. */
bool nym_aes256_gcm_siv_decrypt (const uint8_t  key[static 32],
                                 const uint8_t  nonce[static 12],
                                 const uint8_t *aad,
                                 size_t         aad_len,
                                 const uint8_t *ct,
                                 size_t         ct_len,
                                 uint8_t       *out) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
