/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NymMessage envelope (Plain, Repliable, Reply) and its padding to whole fragments (spec nym-packet.md §17). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-recipient.h"
#include "packet/nym-reply-surb.h"

G_BEGIN_DECLS

typedef enum
{
  NYM_MESSAGE_PLAIN     = 0,
  NYM_MESSAGE_REPLIABLE = 1,
  NYM_MESSAGE_REPLY     = 2,
} NymMessageType;

typedef enum
{
  NYM_REPLIABLE_DATA_V1             = 0,
  NYM_REPLIABLE_ADDITIONAL_SURBS_V1 = 1,
  NYM_REPLIABLE_HEARTBEAT_V1        = 2,
  NYM_REPLIABLE_DATA_V2             = 3,
  NYM_REPLIABLE_ADDITIONAL_SURBS_V2 = 4,
  NYM_REPLIABLE_HEARTBEAT_V2        = 5,
} NymRepliableContent;

typedef enum
{
  NYM_REPLY_DATA         = 0,
  NYM_REPLY_SURB_REQUEST = 1,
} NymReplyContent;

typedef struct
{
  NymMessageType type;
  /* Repliable only. */
  uint8_t        sender_tag[NYM_SENDER_TAG_LEN];
  /* A NymRepliableContent for Repliable, a NymReplyContent for Reply. */
  uint8_t        content_tag;
  /* Repliable only: NymReplySurb values; rotation of the V2 list header. */
  GArray        *reply_surbs;
  NymKeyRotation surb_rotation;
  /* Reply SurbRequest only. */
  NymRecipient   surb_request_recipient;
  uint32_t       surb_request_amount;
  /* Plain data, Repliable Data(V1/V2) message, Reply Data; NULL otherwise. */
  GBytes        *data;
} NymMessage;

NymMessage *nym_message_new_plain        (const uint8_t       *data,
                                          size_t               len);
NymMessage *nym_message_new_repliable    (const uint8_t        sender_tag[static 16],
                                          NymRepliableContent  content,
                                          const NymReplySurb  *surbs,
                                          size_t               surb_count,
                                          NymKeyRotation       rotation,
                                          const uint8_t       *data,
                                          size_t               len);
NymMessage *nym_message_new_reply_data   (const uint8_t       *data,
                                          size_t               len);
NymMessage *nym_message_new_surb_request (const NymRecipient  *recipient,
                                          uint32_t             amount);
void        nym_message_free             (NymMessage          *message);
GByteArray *nym_message_to_bytes         (const NymMessage    *message,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
NymMessage *nym_message_parse            (const uint8_t       *bytes,
                                          size_t               len,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;

size_t      nym_message_padded_len       (size_t               len,
                                          size_t               fragment_capacity);
GByteArray *nym_message_pad              (const uint8_t       *bytes,
                                          size_t               len,
                                          size_t               fragment_capacity);
bool        nym_message_unpadded_len     (const uint8_t       *padded,
                                          size_t               len,
                                          size_t              *out_len,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymMessage, nym_message_free)

G_END_DECLS
