/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetMixnode: a Nym mix node on 127.0.0.1 (framed sphinx packets in, unwrapped, delayed, forwarded). */
#pragma once

#include <stdbool.h>
#include <gio/gio.h>

#include "localnet-network.h"

G_BEGIN_DECLS

/* §2.2 of nym-gateway.md: mix nodes honour the per-hop delay, capped at 10 s. */
#define LOCALNET_MIXNODE_MAX_DELAY_NS G_GUINT64_CONSTANT (10000000000)

/*
 * Reads node frames (versions 7 and 8, nym-packet.md §15.1) from any number of TCP
 * connections, unwraps each sphinx packet with the node's sphinx key (§10), drops replays
 * (a 2 MiB Bloom filter of replay tags per key rotation), holds each packet for the delay its header
 * names (capped, or not at all with "zero-delay") and sends it to the next hop with a
 * LocalnetForwarder (version-8 frames on one reused connection per hop). A reader stops
 * reading while the next-hop queue it feeds is full.
 *
 * Unwrapping, almost all of a node's work, runs on a process-wide pool of worker threads
 * ("threaded-unwrap", default true; false unwraps on the loop, for comparison); counters,
 * replay tags and sockets stay on the node's main context.
 *
 * Properties: "name", "node-dir", "layer" (construct-only), "zero-delay", "port",
 * and the counters "received", "forwarded", "dropped-malformed", "dropped-unsupported",
 * "dropped-unwrap", "dropped-replay", "dropped-final-hop", "dropped-queue-full",
 * "reader-pauses" (times a connection stopped being read because its next hop was
 * full), "delayed" (packets being held right now).
 */
#define LOCALNET_TYPE_MIXNODE (localnet_mixnode_get_type ())
G_DECLARE_FINAL_TYPE (LocalnetMixnode, localnet_mixnode, LOCALNET, MIXNODE, GObject)

LocalnetMixnode *localnet_mixnode_new            (const char       *name,
                                                  const char       *node_dir,
                                                  guint             layer);
/* Loads (or creates) the keys in node_dir and listens on 127.0.0.1:port (0: the kernel
 * picks a port). */
bool             localnet_mixnode_start          (LocalnetMixnode  *self,
                                                  guint16           port,
                                                  GError          **error) G_GNUC_WARN_UNUSED_RESULT;
void             localnet_mixnode_stop           (LocalnetMixnode  *self);
guint16          localnet_mixnode_get_port       (LocalnetMixnode  *self);
/* The node as the network publishes it (after start); free with localnet_node_info_free. */
LocalnetNodeInfo *localnet_mixnode_dup_info      (LocalnetMixnode  *self) G_GNUC_WARN_UNUSED_RESULT;
void             localnet_mixnode_set_zero_delay (LocalnetMixnode  *self,
                                                  gboolean          zero_delay);
/* One line with every counter, for the log at exit. */
char            *localnet_mixnode_dup_summary    (LocalnetMixnode  *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
