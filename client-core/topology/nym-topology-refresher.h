/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymTopologyRefresher: keeps the client's topology fresh by fetching it periodically (spec nym-gateway.md §3.1, §4.1). */
#pragma once

#include <gio/gio.h>

#include "topology/nym-api-client.h"
#include "topology/nym-topology-snapshot.h"

G_BEGIN_DECLS

/* §4.1: the client refreshes its topology every 5 minutes. */
#define NYM_TOPOLOGY_REFRESH_INTERVAL_MS (5 * 60 * 1000)

#define NYM_TYPE_TOPOLOGY_REFRESHER (nym_topology_refresher_get_type ())
G_DECLARE_FINAL_TYPE (NymTopologyRefresher, nym_topology_refresher, NYM, TOPOLOGY_REFRESHER, GObject)

/*
 * Fetches the topology with a NymApiClient every "interval" milliseconds, on the
 * thread-default main context of the thread that created it. A failed fetch keeps the last
 * good snapshot and only sets "last-error"; a good one replaces the snapshot, clears
 * "last-error" and emits "changed" (NymTopologySnapshot *).
 *
 * Properties: "client" (construct-only), "interval" (ms, default 5 min), "snapshot"
 * (read-only, NULL until the first success), "last-error" (read-only message or NULL),
 * "refreshing" (read-only). Signal "refresh-failed" (GError *) after every failure.
 */
NymTopologyRefresher *nym_topology_refresher_new            (NymApiClient         *client);
/* Fetches now, then every interval, until stop() or finalize. */
void                  nym_topology_refresher_start          (NymTopologyRefresher *self);
void                  nym_topology_refresher_stop           (NymTopologyRefresher *self);
/* Fetches now unless a fetch is under way; the timer keeps its rhythm. */
void                  nym_topology_refresher_refresh        (NymTopologyRefresher *self);
void                  nym_topology_refresher_set_interval   (NymTopologyRefresher *self,
                                                             guint                 interval_ms);
guint                 nym_topology_refresher_get_interval   (NymTopologyRefresher *self);
/* The last good snapshot (borrowed), or NULL. */
NymTopologySnapshot  *nym_topology_refresher_get_snapshot   (NymTopologyRefresher *self);
const char           *nym_topology_refresher_get_last_error (NymTopologyRefresher *self);
gboolean              nym_topology_refresher_get_refreshing (NymTopologyRefresher *self);

G_END_DECLS
