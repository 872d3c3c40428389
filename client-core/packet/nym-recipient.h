/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A Nym client address (Recipient): identity, encryption key and gateway, binary and text forms (spec nym-packet.md §16). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"

G_BEGIN_DECLS

#define NYM_RECIPIENT_LEN 96

typedef struct
{
  uint8_t identity[32];       /* client ed25519 public key; also the sphinx destination */
  uint8_t encryption_key[32]; /* client x25519 public key for end-to-end encryption */
  uint8_t gateway[32];        /* ed25519 identity of the client's gateway */
} NymRecipient;

void  nym_recipient_to_bytes   (const NymRecipient *recipient,
                                uint8_t             out[static 96]);
void  nym_recipient_from_bytes (NymRecipient       *recipient,
                                const uint8_t       bytes[static 96]);
bool  nym_recipient_parse      (const char         *text,
                                NymRecipient       *out,
                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;
char *nym_recipient_to_string  (const NymRecipient *recipient) G_GNUC_WARN_UNUSED_RESULT;
bool  nym_recipient_equal      (const NymRecipient *a,
                                const NymRecipient *b);

G_END_DECLS
