/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The loop-cover payload ("The cake is a lie!") that cover packets carry and receivers discard (spec nym-packet.md §18, §21). */
#include "packet/nym-cover.h"

#include <string.h>

/*
 * §18: the text ‖ 0x01 ‖ zeros, filling a fragment slot exactly, so a cover packet has the
 * same length as a data packet. Slots shorter than the text are filled with its prefix.
 */
void
nym_cover_payload_fill (uint8_t *out,
                        size_t   len)
{
  size_t text = MIN (len, NYM_COVER_TEXT_LEN);

  memset (out, 0, len);
  memcpy (out, NYM_COVER_TEXT, text);
  if (len > NYM_COVER_TEXT_LEN)
    out[NYM_COVER_TEXT_LEN] = 0x01;
}

/* The receiver only checks the prefix (cover/src/lib.rs is_cover). */
bool
nym_cover_payload_is_cover (const uint8_t *data,
                            size_t         len)
{
  return len >= NYM_COVER_TEXT_LEN && memcmp (data, NYM_COVER_TEXT, NYM_COVER_TEXT_LEN) == 0;
}
