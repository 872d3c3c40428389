/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A mixnet topology (three mix layers and gateways) and route selection over it (spec nym-packet.md §14). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-node-address.h"
#include "packet/nym-packet-size.h"
#include "sphinx/nym-sphinx.h"

G_BEGIN_DECLS

#define NYM_TOPOLOGY_LAYERS 3
#define NYM_ROUTE_MAX_HOPS  (NYM_TOPOLOGY_LAYERS + 1)

typedef struct
{
  uint32_t       node_id;
  uint8_t        identity[32];   /* ed25519 identity */
  uint8_t        sphinx_key[32]; /* x25519 sphinx public key for the current rotation */
  NymNodeAddress address;        /* mix_host: first advertised IP and mix port */
} NymTopologyNode;

typedef struct
{
  GArray  *layers[NYM_TOPOLOGY_LAYERS]; /* NymTopologyNode, layer 1..3 at index 0..2 */
  GArray  *gateways;                    /* NymTopologyNode */
  uint32_t rotation_id;
} NymTopology;

typedef struct
{
  NymSphinxNode  hops[NYM_ROUTE_MAX_HOPS];
  size_t         len;
  NymNodeAddress first_hop;
} NymRoute;

NymTopology           *nym_topology_new          (uint32_t               rotation_id);
void                   nym_topology_free         (NymTopology           *topology);
bool                   nym_topology_add_mix      (NymTopology           *topology,
                                                  unsigned               layer,
                                                  const NymTopologyNode *node,
                                                  GError               **error) G_GNUC_WARN_UNUSED_RESULT;
void                   nym_topology_add_gateway  (NymTopology           *topology,
                                                  const NymTopologyNode *node);
const NymTopologyNode *nym_topology_find_gateway (const NymTopology     *topology,
                                                  const uint8_t          identity[static 32]);
NymKeyRotation         nym_topology_key_rotation (const NymTopology     *topology);
void                   nym_route_from_nodes      (NymRoute              *route,
                                                  const NymTopologyNode *const *nodes,
                                                  size_t                 len);
bool                   nym_topology_random_route (const NymTopology     *topology,
                                                  const uint8_t          egress_gateway[static 32],
                                                  bool                   disable_mix_hops,
                                                  NymRoute              *route,
                                                  GError               **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopology, nym_topology_free)

G_END_DECLS
