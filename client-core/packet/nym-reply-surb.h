/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reply SURBs (key ‖ SURB), their V1/V2 list encodings and anonymous sender tags (spec nym-packet.md §11, §17, §20). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"

G_BEGIN_DECLS

#define NYM_REPLY_SURB_KEY_LEN      16
#define NYM_SENDER_TAG_LEN          16
#define NYM_SURB_PAYLOAD_KEY_LEN    192
#define NYM_SURB_PAYLOAD_SEED_LEN   16
#define NYM_SURB_MAX_HOPS           5
/* §11: sphinx header ‖ 32-byte first-hop NodeAddressBytes, before the per-hop key material. */
#define NYM_SURB_BASE_LEN           (NYM_SPHINX_HEADER_SIZE + 32)
#define NYM_REPLY_SURB_V1_LEN       (NYM_REPLY_SURB_KEY_LEN + NYM_SURB_BASE_LEN + 4 * NYM_SURB_PAYLOAD_KEY_LEN)

typedef struct
{
  uint8_t        key[NYM_REPLY_SURB_KEY_LEN]; /* AES-128 key the replier encrypts with */
  uint8_t        header[NYM_SPHINX_HEADER_SIZE];
  uint8_t        first_hop[32];               /* NodeAddressBytes of the first hop */
  unsigned       hops;
  bool           uses_seeds;                  /* 16-byte seeds (v259) or 192-byte keys (v258) */
  uint8_t        material[NYM_SURB_MAX_HOPS * NYM_SURB_PAYLOAD_KEY_LEN];
  NymKeyRotation rotation;                    /* from the V2 list header; UNKNOWN for V1 */
} NymReplySurb;

typedef enum
{
  NYM_SURB_LIST_V1,
  NYM_SURB_LIST_V2,
} NymSurbListVersion;

void        nym_reply_surb_clear        (gpointer            surb);
size_t      nym_reply_surb_len          (const NymReplySurb *surb);
void        nym_reply_surb_to_bytes     (const NymReplySurb *surb,
                                         GByteArray         *out);
bool        nym_reply_surb_from_bytes   (const uint8_t      *bytes,
                                         size_t              len,
                                         NymReplySurb       *out,
                                         GError            **error) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_reply_surb_first_hop    (const NymReplySurb *surb,
                                         NymNodeAddress     *out,
                                         GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void        nym_reply_surb_key_digest   (const uint8_t       key[static 16],
                                         uint8_t             digest[static 32]);
char       *nym_reply_surb_to_base58    (const NymReplySurb *surb) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_reply_surb_from_base58  (const char         *text,
                                         NymReplySurb       *out,
                                         GError            **error) G_GNUC_WARN_UNUSED_RESULT;

bool        nym_surb_list_encode        (NymSurbListVersion   version,
                                         const NymReplySurb  *surbs,
                                         size_t               count,
                                         NymKeyRotation       rotation,
                                         GByteArray          *out,
                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_surb_list_decode        (NymSurbListVersion   version,
                                         const uint8_t       *bytes,
                                         size_t               len,
                                         GArray              *surbs,
                                         size_t              *consumed,
                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;

char       *nym_sender_tag_to_base58    (const uint8_t tag[static 16]) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_sender_tag_from_base58  (const char   *text,
                                         uint8_t       tag[static 16],
                                         GError      **error) G_GNUC_WARN_UNUSED_RESULT;
void        nym_sender_tag_new_random   (uint8_t       tag[static 16]);

G_END_DECLS
