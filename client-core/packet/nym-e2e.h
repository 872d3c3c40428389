/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End-to-end fragment encryption: ephemeral x25519 + HKDF-BLAKE3 + AES-128-CTR, and reply-key encryption (spec nym-packet.md §18). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"

G_BEGIN_DECLS

#define NYM_E2E_KEY_LEN    16
#define NYM_E2E_PREFIX_LEN 32

/*
 * Secure scratch memory (sodium_malloc) for the per-fragment secrets. Encrypting many fragments
 * with one scratch avoids a guarded allocation per fragment; it is wiped after every use.
 */
typedef struct _NymE2eScratch NymE2eScratch;

NymE2eScratch *nym_e2e_scratch_new  (void);
void           nym_e2e_scratch_free (NymE2eScratch *scratch);
bool nym_e2e_encrypt_fragment_in (NymE2eScratch *scratch,
                                  const uint8_t  recipient_key[static 32],
                                  const uint8_t *ephemeral_secret,
                                  const uint8_t *fragment,
                                  size_t         len,
                                  uint8_t       *out,
                                  GError       **error) G_GNUC_WARN_UNUSED_RESULT;

bool nym_e2e_key_from_shared_secret (const uint8_t shared_secret[static 32],
                                    uint8_t       key[static 16]) G_GNUC_WARN_UNUSED_RESULT;
bool nym_e2e_derive_key       (const uint8_t  private_key[static 32],
                               const uint8_t  public_key[static 32],
                               uint8_t        key[static 16],
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_e2e_encrypt_fragment (const uint8_t  recipient_key[static 32],
                               const uint8_t *ephemeral_secret,
                               const uint8_t *fragment,
                               size_t         len,
                               uint8_t       *out,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_e2e_decrypt_fragment (const uint8_t  own_private_key[static 32],
                               const uint8_t *payload,
                               size_t         len,
                               uint8_t       *out,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_e2e_encrypt_reply    (const uint8_t  surb_key[static 16],
                               const uint8_t *fragment,
                               size_t         len,
                               uint8_t       *out,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_e2e_decrypt_reply    (const uint8_t  surb_key[static 16],
                               const uint8_t *payload,
                               size_t         len,
                               uint8_t       *out,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymE2eScratch, nym_e2e_scratch_free)

G_END_DECLS
