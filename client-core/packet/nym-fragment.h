/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fragments: headers, fragment identifiers and splitting a padded message into linked sets (spec nym-packet.md §17). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"

G_BEGIN_DECLS

#define NYM_FRAGMENT_HEADER_UNLINKED_LEN 7
#define NYM_FRAGMENT_HEADER_LINKED_LEN   10
#define NYM_FRAGMENT_MAX_PER_SET         255
#define NYM_FRAGMENT_ID_LEN_BYTES        5

typedef struct
{
  int32_t set_id;          /* 1 .. 2^31−1 */
  uint8_t total;           /* fragments in the set, 1..255 */
  uint8_t current;         /* 1-based position */
  int32_t previous_set_id; /* 0 when there is no link to a previous set */
  int32_t next_set_id;     /* 0 when there is no link to a next set */
} NymFragmentHeader;

typedef struct
{
  NymFragmentHeader header;
  GBytes           *bytes; /* header ‖ payload, as carried in one packet */
} NymFragment;

bool        nym_fragment_header_check  (const NymFragmentHeader *header,
                                        GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
size_t      nym_fragment_header_len    (const NymFragmentHeader *header);
size_t      nym_fragment_header_encode (const NymFragmentHeader *header,
                                        uint8_t                  out[static 10]);
bool        nym_fragment_header_decode (const uint8_t           *bytes,
                                        size_t                   len,
                                        NymFragmentHeader       *out,
                                        size_t                  *header_len,
                                        GError                 **error) G_GNUC_WARN_UNUSED_RESULT;

void        nym_fragment_id_encode     (int32_t                  set_id,
                                        uint8_t                  position,
                                        uint8_t                  out[static 5]);
bool        nym_fragment_id_decode     (const uint8_t            bytes[static 5],
                                        int32_t                 *set_id,
                                        uint8_t                 *position,
                                        GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool        nym_fragment_id_is_cover   (const uint8_t            bytes[static 5]);

int32_t     nym_fragment_new_set_id    (void);
size_t      nym_fragment_set_count     (size_t                   len,
                                        size_t                   capacity);
size_t      nym_fragment_count         (size_t                   len,
                                        size_t                   capacity,
                                        size_t                  *space_left);
GPtrArray  *nym_fragment_split         (const uint8_t           *message,
                                        size_t                   len,
                                        size_t                   capacity,
                                        const int32_t           *set_ids,
                                        size_t                   n_set_ids,
                                        GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
NymFragment *nym_fragment_new          (const NymFragmentHeader *header,
                                        const uint8_t           *payload,
                                        size_t                   payload_len);
NymFragment *nym_fragment_parse        (const uint8_t           *bytes,
                                        size_t                   len,
                                        GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
const uint8_t *nym_fragment_payload    (const NymFragment       *fragment,
                                        size_t                  *len);
void        nym_fragment_free          (NymFragment             *fragment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymFragment, nym_fragment_free)

G_END_DECLS
