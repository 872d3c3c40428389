/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetForwarder: one reused TCP link per next hop that sends framed sphinx packets (nym-packet.md §15.1). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"

G_BEGIN_DECLS

/*
 * Every packet handed to the forwarder is queued for its next hop and written with the
 * version-8 node frame (§15.1) on a TCP connection that is opened on first use and kept
 * for later packets to the same hop (reconnected after a failure). Each hop's queue is
 * bounded by "queue-limit": localnet_forwarder_send() returns false once the queue has
 * reached the limit, and a reader that feeds it should then stop reading until
 * localnet_forwarder_wait_async() for that hop completes (back-pressure). Packets are
 * still accepted above the limit up to twice the limit (a delayed packet cannot wait),
 * beyond that they are dropped and counted.
 *
 * Properties (read-only counters): "sent", "dropped-queue-full", "dropped-connect-failed".
 */
#define LOCALNET_TYPE_FORWARDER (localnet_forwarder_get_type ())
G_DECLARE_FINAL_TYPE (LocalnetForwarder, localnet_forwarder, LOCALNET, FORWARDER, GObject)

LocalnetForwarder *localnet_forwarder_new         (guint                 queue_limit);
/* Queues packet (a whole sphinx packet of nym_packet_size_total(size) bytes). Returns
 * true while the hop's queue still has room after this packet. */
bool               localnet_forwarder_send        (LocalnetForwarder    *self,
                                                   const NymNodeAddress *next_hop,
                                                   NymPacketSize         size,
                                                   NymPacketType         type,
                                                   NymKeyRotation        rotation,
                                                   GBytes               *packet);
bool               localnet_forwarder_is_full     (LocalnetForwarder    *self,
                                                   const NymNodeAddress *next_hop);
/* Completes once the hop's queue is below its limit (at once if it already is). */
void               localnet_forwarder_wait_async  (LocalnetForwarder    *self,
                                                   const NymNodeAddress *next_hop,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
bool               localnet_forwarder_wait_finish (LocalnetForwarder    *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
guint64            localnet_forwarder_get_sent    (LocalnetForwarder    *self);
/* Closes every link; queued packets are dropped. */
void               localnet_forwarder_close       (LocalnetForwarder    *self);

G_END_DECLS
