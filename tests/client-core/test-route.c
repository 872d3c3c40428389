/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests topology bookkeeping and route selection: three random mix layers and the egress gateway (spec nym-packet.md §14). */
#include "packet/nym-topology.h"
#include "packet-test-util.h"

typedef struct
{
  TestNetwork network;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_network_init (&fixture->network, 3);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_network_clear (&fixture->network);
}

static const NymTopologyNode *
find_by_address (const NymTopology *topology,
                 const uint8_t      address[static 32],
                 int               *layer)
{
  for (int l = 0; l < NYM_TOPOLOGY_LAYERS + 1; l++)
    {
      GArray *nodes = l < NYM_TOPOLOGY_LAYERS ? topology->layers[l] : topology->gateways;

      for (guint i = 0; i < nodes->len; i++)
        {
          const NymTopologyNode *node = &g_array_index (nodes, NymTopologyNode, i);
          uint8_t bytes[32];

          nym_node_address_encode_padded (&node->address, bytes, 32);
          if (memcmp (bytes, address, 32) == 0)
            {
              *layer = l;
              return node;
            }
        }
    }
  return NULL;
}

static void
test_route_shape (Fixture       *fixture,
                  gconstpointer  data)
{
  NymTopology *topology = fixture->network.topology;
  const NymTopologyNode *egress = &g_array_index (topology->gateways, NymTopologyNode, 1);
  gboolean seen[3][3] = { { FALSE } };

  for (int round = 0; round < 300; round++)
    {
      g_autoptr(GError) error = NULL;
      NymRoute route;

      g_assert_true (nym_topology_random_route (topology, egress->identity, false, &route, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (route.len, ==, 4);
      for (size_t hop = 0; hop < route.len; hop++)
        {
          int layer = -1;
          const NymTopologyNode *node = find_by_address (topology, route.hops[hop].address, &layer);

          g_assert_nonnull (node);
          g_assert_cmpint (layer, ==, (int) hop);
          g_assert_cmpmem (route.hops[hop].pub, 32, node->sphinx_key, 32);
          if (hop < 3)
            seen[hop][node - &g_array_index (topology->layers[hop], NymTopologyNode, 0)] = TRUE;
          else
            g_assert_true (node == egress);
          if (hop == 0)
            g_assert_true (nym_node_address_equal (&route.first_hop, &node->address));
        }
    }
  /* Every node of every layer is used (each is missed with probability (2/3)^300). */
  for (int l = 0; l < 3; l++)
    for (int i = 0; i < 3; i++)
      g_assert_true (seen[l][i]);
}

static void
test_disable_mix_hops (Fixture       *fixture,
                       gconstpointer  data)
{
  NymTopology *topology = fixture->network.topology;
  const NymTopologyNode *egress = &g_array_index (topology->gateways, NymTopologyNode, 0);
  g_autoptr(GError) error = NULL;
  NymRoute route;

  g_assert_true (nym_topology_random_route (topology, egress->identity, true, &route, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (route.len, ==, 1);
  g_assert_cmpmem (route.hops[0].pub, 32, egress->sphinx_key, 32);
  g_assert_true (nym_node_address_equal (&route.first_hop, &egress->address));
}

static void
test_no_route (Fixture       *fixture,
               gconstpointer  data)
{
  NymTopology *topology = fixture->network.topology;
  g_autoptr(NymTopology) empty = nym_topology_new (0);
  const NymTopologyNode *egress = &g_array_index (topology->gateways, NymTopologyNode, 0);
  g_autoptr(GError) error = NULL;
  uint8_t unknown[32] = { 1, 2, 3 };
  NymTopologyNode node = *egress;
  NymRoute route;

  g_assert_false (nym_topology_random_route (topology, unknown, false, &route, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE);
  g_clear_error (&error);
  nym_topology_add_gateway (empty, &node);
  g_assert_false (nym_topology_random_route (empty, egress->identity, false, &route, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE);
  g_clear_error (&error);
  g_assert_false (nym_topology_add_mix (empty, 4, &node, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE);
  g_clear_error (&error);
  g_assert_false (nym_topology_add_mix (empty, 0, &node, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE);
}

static void
test_rotation (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(NymTopology) odd = nym_topology_new (25);
  g_autoptr(NymTopology) even = nym_topology_new (26);
  g_autoptr(NymTopology) unknown = nym_topology_new (0);

  g_assert_cmpint (nym_topology_key_rotation (odd), ==, NYM_KEY_ROTATION_ODD);
  g_assert_cmpint (nym_topology_key_rotation (even), ==, NYM_KEY_ROTATION_EVEN);
  g_assert_cmpint (nym_topology_key_rotation (unknown), ==, NYM_KEY_ROTATION_UNKNOWN);
  g_assert_nonnull (nym_topology_find_gateway (fixture->network.topology, fixture->network.client.gateway));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add ("/route/shape", Fixture, NULL, fixture_set_up, test_route_shape, fixture_tear_down);
  g_test_add ("/route/disable-mix-hops", Fixture, NULL, fixture_set_up, test_disable_mix_hops, fixture_tear_down);
  g_test_add ("/route/no-route", Fixture, NULL, fixture_set_up, test_no_route, fixture_tear_down);
  g_test_add ("/route/rotation", Fixture, NULL, fixture_set_up, test_rotation, fixture_tear_down);
  return g_test_run ();
}
