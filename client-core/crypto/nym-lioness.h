/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The LIONESS wide-block cipher of Sphinx payloads (nym-packet.md §9). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYM_LIONESS_KEY_SIZE  192
#define NYM_LIONESS_MIN_BLOCK 33

bool nym_lioness_encrypt (const uint8_t key[static 192],
                          uint8_t      *block,
                          size_t        len) G_GNUC_WARN_UNUSED_RESULT;
bool nym_lioness_decrypt (const uint8_t key[static 192],
                          uint8_t      *block,
                          size_t        len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
