/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loop-cover payload ("The cake is a lie!") that cover packets carry and receivers discard (spec nym-packet.md §18, §21). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYM_COVER_TEXT     "The cake is a lie!"
#define NYM_COVER_TEXT_LEN (sizeof NYM_COVER_TEXT - 1)

void nym_cover_payload_fill (uint8_t       *out,
                             size_t         len);
bool nym_cover_payload_is_cover (const uint8_t *data,
                                 size_t         len);

G_END_DECLS
