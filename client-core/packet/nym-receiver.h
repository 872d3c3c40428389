/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opens what the gateway delivers: acks, regular fragments, replies and cover (spec nym-packet.md §18–§19, nym-gateway.md §1.9). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"

G_BEGIN_DECLS

typedef enum
{
  NYM_RECEIVED_ACK,
  NYM_RECEIVED_FRAGMENT,
  NYM_RECEIVED_REPLY_FRAGMENT,
  NYM_RECEIVED_COVER,
} NymReceivedKind;

typedef struct
{
  NymReceivedKind kind;
  uint8_t         fragment_id[5]; /* ACK only */
  GByteArray     *fragment;       /* FRAGMENT and REPLY_FRAGMENT: the decrypted fragment */
} NymReceived;

/* Returns the 16-byte reply SURB key whose BLAKE3 digest is digest, or NULL. */
typedef const uint8_t *(*NymReplyKeyLookup) (const uint8_t digest[32],
                                             gpointer      user_data);

bool nym_received_open  (const uint8_t      own_private_key[static 32],
                         const uint8_t      ack_key[static 16],
                         NymReplyKeyLookup  lookup,
                         gpointer           user_data,
                         const uint8_t     *delivered,
                         size_t             len,
                         NymReceived       *out,
                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
void nym_received_clear (NymReceived       *received);

G_END_DECLS
