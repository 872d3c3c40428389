/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymTopologySnapshot: one consistent view of the network built from nym-api answers (spec nym-gateway.md §3.3, §4.3). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib-object.h>

#include "packet/nym-topology.h"
#include "topology/nym-topology-parse.h"

G_BEGIN_DECLS

/* The client's default minimum performance for mix nodes and gateways (§4.1), in percent. */
#define NYM_TOPOLOGY_DEFAULT_MIN_PERFORMANCE 50

#define NYM_TYPE_TOPOLOGY_SNAPSHOT (nym_topology_snapshot_get_type ())

/* An immutable, reference-counted boxed type: the refresher hands the same snapshot to
 * every listener and keeps the last good one. */
typedef struct _NymTopologySnapshot NymTopologySnapshot;

GType                             nym_topology_snapshot_get_type          (void) G_GNUC_CONST;

/*
 * Builds the snapshot from one fetch (key_rotation is copied; the other inputs are taken
 * over and freed, also on error; described may be NULL): the node table is the union of both lists, layers come
 * from the rewarded set alone, nodes below the minimum performance (percent, compared
 * with floor(100·p)) are left out of the route topology, and the key-rotation id is the
 * lists' metadata rotation_id. Fails when the two lists' metadata disagree, a node id
 * stands for two identities, or the result is not routable.
 */
NymTopologySnapshot              *nym_topology_snapshot_build             (const NymTopologyKeyRotationInfo *key_rotation,
                                                                           NymTopologyRewardedSet     *rewarded,
                                                                           NymTopologySkimmedPage     *mixnodes,
                                                                           NymTopologySkimmedPage     *gateways,
                                                                           NymTopologyDescribedPage   *described,
                                                                           unsigned                    min_mixnode_performance,
                                                                           unsigned                    min_gateway_performance,
                                                                           GError                    **error) G_GNUC_WARN_UNUSED_RESULT;
NymTopologySnapshot              *nym_topology_snapshot_ref               (NymTopologySnapshot *self);
void                              nym_topology_snapshot_unref             (NymTopologySnapshot *self);

/* The route topology (layers and egress gateways) for nym_topology_random_route(). */
const NymTopology                *nym_topology_snapshot_get_topology      (NymTopologySnapshot *self);
const NymTopologyMetadata        *nym_topology_snapshot_get_metadata      (NymTopologySnapshot *self);
const NymTopologyKeyRotationInfo *nym_topology_snapshot_get_key_rotation  (NymTopologySnapshot *self);
const NymTopologyRewardedSet     *nym_topology_snapshot_get_rewarded_set  (NymTopologySnapshot *self);
/* Every node of both lists, unfiltered, in the order the API gave (NymTopologyNodeInfo). */
GPtrArray                        *nym_topology_snapshot_get_nodes         (NymTopologySnapshot *self);
const NymTopologyNodeInfo        *nym_topology_snapshot_find_node         (NymTopologySnapshot *self,
                                                                           uint32_t             node_id);
const NymTopologyNodeInfo        *nym_topology_snapshot_find_identity     (NymTopologySnapshot *self,
                                                                           const uint8_t        identity[static 32]);

/* §4.3: the entry-gateways list with a client websocket, at or above min_performance and,
 * if require_wss, with a wss port. A new array of borrowed nodes. */
GPtrArray                        *nym_topology_snapshot_gateway_candidates (NymTopologySnapshot *self,
                                                                            unsigned             min_performance,
                                                                            bool                 require_wss) G_GNUC_WARN_UNUSED_RESULT;
/* The gateway of the given identity if it is listed (whatever its performance, since the
 * user chose it), or with identity NULL a uniformly random candidate. */
const NymTopologyNodeInfo        *nym_topology_snapshot_select_gateway    (NymTopologySnapshot *self,
                                                                           const uint8_t       *identity,
                                                                           unsigned             min_performance,
                                                                           bool                 require_wss,
                                                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologySnapshot, nym_topology_snapshot_unref)

G_END_DECLS
