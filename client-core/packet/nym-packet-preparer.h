/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Turns fragments into sphinx packets ready for the gateway: regular, reply, loop cover, and reply SURBs (spec nym-packet.md §18–§21). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-fragment.h"
#include "packet/nym-recipient.h"
#include "packet/nym-reply-surb.h"
#include "packet/nym-topology.h"

G_BEGIN_DECLS

/* §13 client defaults. */
#define NYM_DEFAULT_AVERAGE_PACKET_DELAY_NS   (15 * G_GUINT64_CONSTANT (1000000))
#define NYM_DEFAULT_AVERAGE_ACK_DELAY_NS      (15 * G_GUINT64_CONSTANT (1000000))
#define NYM_DEFAULT_LOOP_COVER_DELAY_NS       (200 * G_GUINT64_CONSTANT (1000000))

/* Everything a sender needs besides the fragment; all pointers are borrowed. */
typedef struct
{
  const NymTopology *topology;
  NymRecipient       self;            /* own address: SURB-ACK and cover destination */
  const uint8_t     *ack_key;         /* 16 bytes */
  NymPacketSize      size;            /* packet size of data and replies */
  uint16_t           version;         /* sphinx version of data packets, SURB-ACKs, reply SURBs */
  uint64_t           average_packet_delay_ns;
  uint64_t           average_ack_delay_ns;
  bool               disable_mix_hops;
  /* Optional: a block from nym_packet_scratch_new() that every packet prepared with this
   * preparer reuses for its per-packet secrets (one thread at a time); NULL: each packet
   * allocates and frees its own secure memory, several system calls per packet. */
  uint8_t           *scratch;
} NymPacketPreparer;

typedef struct
{
  NymNodeAddress first_hop;      /* where the entry gateway sends the packet */
  NymKeyRotation rotation;
  uint8_t        fragment_id[5]; /* what the ack for this packet will carry */
  uint64_t       forward_delay_ns;
  uint64_t       ack_delay_ns;
  GBytes        *packet;         /* the whole sphinx packet */
} NymPreparedPacket;

/* Secure memory (sodium_malloc) for NymPacketPreparer.scratch; wiped after each packet. */
uint8_t *nym_packet_scratch_new  (void) G_GNUC_WARN_UNUSED_RESULT;
void     nym_packet_scratch_free (uint8_t *scratch);

void nym_packet_preparer_init_defaults (NymPacketPreparer       *preparer,
                                        const NymTopology       *topology,
                                        const NymRecipient      *self,
                                        const uint8_t            ack_key[static 16]);
bool nym_prepare_regular_packet   (const NymPacketPreparer *preparer,
                                   const NymRecipient      *recipient,
                                   const NymFragment       *fragment,
                                   NymPreparedPacket       *out,
                                   GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_prepare_reply_packet     (const NymPacketPreparer *preparer,
                                   const NymReplySurb      *surb,
                                   const NymFragment       *fragment,
                                   NymPreparedPacket       *out,
                                   GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_reply_surb_seal          (const NymReplySurb      *surb,
                                   const uint8_t           *plaintext,
                                   size_t                   len,
                                   NymPacketSize            size,
                                   uint8_t                 *packet,
                                   NymNodeAddress          *first_hop,
                                   GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_prepare_loop_cover_packet (const NymPacketPreparer *preparer,
                                    uint16_t                 version,
                                    uint64_t                 per_hop_mean_ns,
                                    NymPreparedPacket       *out,
                                    GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
bool nym_prepare_reply_surb       (const NymPacketPreparer *preparer,
                                   NymReplySurb            *out,
                                   GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
void nym_prepared_packet_clear    (NymPreparedPacket       *packet);

G_END_DECLS
