/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-connection reassembly of NR socket data by sequence number, for either direction (spec nym-gateway.md §5.2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "socks5/nym-socks-error.h"

G_BEGIN_DECLS

/* How far ahead of the next expected sequence number a message may be, as in Nym's
 * OrderedMessageBuffer (MAX_REASONABLE_OFFSET): a larger gap is refused, not buffered. */
#define NYM_NR_ORDERED_BUFFER_MAX_OFFSET 1000

/* Default cap on the bytes held back behind a gap. */
#define NYM_NR_ORDERED_BUFFER_DEFAULT_MAX_BYTES (16u * 1024u * 1024u)

typedef enum
{
  NYM_NR_WRITE_STORED,    /* kept; read what has become contiguous */
  NYM_NR_WRITE_DUPLICATE, /* already held or already read: dropped, nothing changed */
  NYM_NR_WRITE_REFUSED,   /* out of the window, after the end, or over the byte cap: error set */
} NymNrWriteResult;

typedef struct _NymNrOrderedBuffer NymNrOrderedBuffer;

NymNrOrderedBuffer *nym_nr_ordered_buffer_new            (size_t              max_bytes);
void                nym_nr_ordered_buffer_free           (NymNrOrderedBuffer *buffer);
NymNrWriteResult    nym_nr_ordered_buffer_write          (NymNrOrderedBuffer *buffer,
                                                          uint64_t            sequence,
                                                          const uint8_t      *data,
                                                          size_t              len,
                                                          bool                closed,
                                                          GError            **error) G_GNUC_WARN_UNUSED_RESULT;
NymNrWriteResult    nym_nr_ordered_buffer_write_bytes    (NymNrOrderedBuffer *buffer,
                                                          uint64_t            sequence,
                                                          GBytes             *data,
                                                          bool                closed,
                                                          GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes             *nym_nr_ordered_buffer_read           (NymNrOrderedBuffer *buffer,
                                                          uint64_t           *last_sequence,
                                                          bool               *closed) G_GNUC_WARN_UNUSED_RESULT;
uint64_t            nym_nr_ordered_buffer_next_sequence  (const NymNrOrderedBuffer *buffer);
size_t              nym_nr_ordered_buffer_n_pending      (const NymNrOrderedBuffer *buffer);
size_t              nym_nr_ordered_buffer_pending_bytes  (const NymNrOrderedBuffer *buffer);
bool                nym_nr_ordered_buffer_has_gap        (const NymNrOrderedBuffer *buffer);
bool                nym_nr_ordered_buffer_is_finished    (const NymNrOrderedBuffer *buffer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymNrOrderedBuffer, nym_nr_ordered_buffer_free)

G_END_DECLS
