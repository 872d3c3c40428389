/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A mixnet topology (three mix layers and gateways) and route selection over it (spec nym-packet.md §14). */
#include "packet/nym-topology.h"

#include <string.h>

#include "crypto/nym-keys.h"

NymTopology *
nym_topology_new (uint32_t rotation_id)
{
  NymTopology *topology = g_new0 (NymTopology, 1);

  for (unsigned i = 0; i < NYM_TOPOLOGY_LAYERS; i++)
    topology->layers[i] = g_array_new (FALSE, TRUE, sizeof (NymTopologyNode));
  topology->gateways = g_array_new (FALSE, TRUE, sizeof (NymTopologyNode));
  topology->rotation_id = rotation_id;
  return topology;
}

void
nym_topology_free (NymTopology *topology)
{
  if (topology == NULL)
    return;
  for (unsigned i = 0; i < NYM_TOPOLOGY_LAYERS; i++)
    g_clear_pointer (&topology->layers[i], g_array_unref);
  g_clear_pointer (&topology->gateways, g_array_unref);
  g_free (topology);
}

bool
nym_topology_add_mix (NymTopology           *topology,
                      unsigned               layer,
                      const NymTopologyNode *node,
                      GError               **error)
{
  if (layer < 1 || layer > NYM_TOPOLOGY_LAYERS)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE,
                   "Mix layer %u does not exist (layers are 1 to 3)", layer);
      return false;
    }
  g_array_append_val (topology->layers[layer - 1], *node);
  return true;
}

void
nym_topology_add_gateway (NymTopology           *topology,
                          const NymTopologyNode *node)
{
  g_array_append_val (topology->gateways, *node);
}

const NymTopologyNode *
nym_topology_find_gateway (const NymTopology *topology,
                           const uint8_t      identity[static 32])
{
  for (guint i = 0; i < topology->gateways->len; i++)
    {
      const NymTopologyNode *node = &g_array_index (topology->gateways, NymTopologyNode, i);

      if (memcmp (node->identity, identity, 32) == 0)
        return node;
    }
  return NULL;
}

NymKeyRotation
nym_topology_key_rotation (const NymTopology *topology)
{
  return nym_key_rotation_from_id (topology->rotation_id);
}

/* An unbiased index below n from the system CSPRNG (rejection of the biased top range). */
static guint
random_index (guint n)
{
  uint32_t limit = G_MAXUINT32 - (G_MAXUINT32 % n);

  for (;;)
    {
      uint8_t raw[4];
      uint32_t value;

      nym_random_bytes (raw, sizeof raw);
      value = ((uint32_t) raw[0] << 24) | ((uint32_t) raw[1] << 16) | ((uint32_t) raw[2] << 8) | raw[3];
      if (value < limit)
        return value % n;
    }
}

/* Turns topology nodes into sphinx hops: NodeAddressBytes (§16) and the sphinx key. */
void
nym_route_from_nodes (NymRoute              *route,
                      const NymTopologyNode *const *nodes,
                      size_t                 len)
{
  memset (route, 0, sizeof *route);
  for (size_t i = 0; i < len && i < NYM_ROUTE_MAX_HOPS; i++)
    {
      nym_node_address_encode_padded (&nodes[i]->address, route->hops[i].address, NYM_SPHINX_NODE_ADDRESS_LENGTH);
      memcpy (route->hops[i].pub, nodes[i]->sphinx_key, 32);
    }
  route->len = MIN (len, (size_t) NYM_ROUTE_MAX_HOPS);
  if (len > 0)
    route->first_hop = nodes[0]->address;
}

/*
 * §14: one random node of each mix layer, then the egress gateway (the recipient's, or for
 * SURB-ACKs and reply SURBs the creator's own). The sender's entry gateway is not a hop.
 */
bool
nym_topology_random_route (const NymTopology *topology,
                           const uint8_t      egress_gateway[static 32],
                           bool               disable_mix_hops,
                           NymRoute          *route,
                           GError           **error)
{
  const NymTopologyNode *nodes[NYM_ROUTE_MAX_HOPS];
  const NymTopologyNode *gateway = nym_topology_find_gateway (topology, egress_gateway);
  size_t len = 0;

  if (gateway == NULL)
    {
      g_autofree char *hex = g_malloc0 (65);

      for (unsigned i = 0; i < 32; i++)
        g_snprintf (hex + 2 * i, 3, "%02x", egress_gateway[i]);
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE,
                   "The egress gateway %s is not in the topology", hex);
      return false;
    }
  if (!disable_mix_hops)
    for (unsigned layer = 0; layer < NYM_TOPOLOGY_LAYERS; layer++)
      {
        GArray *nodes_of_layer = topology->layers[layer];

        if (nodes_of_layer->len == 0)
          {
            g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE,
                         "Mix layer %u has no nodes", layer + 1);
            return false;
          }
        nodes[len++] = &g_array_index (nodes_of_layer, NymTopologyNode, random_index (nodes_of_layer->len));
      }
  nodes[len++] = gateway;
  nym_route_from_nodes (route, nodes, len);
  return true;
}
