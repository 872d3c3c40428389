/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reassembly of received fragments into messages, across linked sets, in any order (spec nym-packet.md §17). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-fragment.h"

G_BEGIN_DECLS

/* §17: incomplete messages are dropped after 30 minutes without a new fragment. */
#define NYM_REASSEMBLY_TIMEOUT_US (30 * 60 * G_USEC_PER_SEC)

typedef struct _NymReassembler NymReassembler;

typedef enum
{
  NYM_REASSEMBLY_INVALID,   /* the fragment was rejected; error is set */
  NYM_REASSEMBLY_PENDING,   /* stored; the message is not complete yet */
  NYM_REASSEMBLY_DUPLICATE, /* this fragment was already stored, or its message was already
                             * handed out (a late retransmission); nothing changed */
  NYM_REASSEMBLY_COMPLETE,  /* the message is complete and was handed out */
} NymReassemblyStatus;

NymReassembler     *nym_reassembler_new          (void);
void                nym_reassembler_free         (NymReassembler *reassembler);
NymReassemblyStatus nym_reassembler_insert       (NymReassembler *reassembler,
                                                  const uint8_t  *fragment,
                                                  size_t          len,
                                                  int64_t         now_us,
                                                  GByteArray    **message,
                                                  GError        **error) G_GNUC_WARN_UNUSED_RESULT;
unsigned            nym_reassembler_expire       (NymReassembler *reassembler,
                                                  int64_t         now_us,
                                                  int64_t         max_idle_us);
unsigned            nym_reassembler_pending_sets (NymReassembler *reassembler);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymReassembler, nym_reassembler_free)

G_END_DECLS
