/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-process zero-delay localnet (nym-api, three mix layers, one gateway) that the client benchmarks measure against. */
#pragma once

#include <string.h>
#include <glib.h>

#include "gateway/localnet-gateway.h"
#include "localnet-network.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"

typedef struct
{
  LocalnetNetwork *network;
  LocalnetNymApi  *api;
  LocalnetMixnode *mixnodes[3];
  LocalnetGateway *gateway;       /* "gateway-1", both entry and exit */
} BenchLocalnet;

/* Starts every node on a free loopback port with zero delays and describes it in dir; aborts on failure. */
static inline void
bench_localnet_start (BenchLocalnet *self,
                      const char    *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gateway_dir = NULL;
  LocalnetNodeInfo info = { 0 };

  self->network = localnet_network_new (dir, &error);
  g_assert_no_error (error);
  localnet_network_set_zero_delay (self->network, TRUE);
  self->api = localnet_nym_api_new (self->network);
  g_assert_true (localnet_nym_api_listen (self->api, 0, &error));
  for (guint layer = 1; layer <= 3; layer++)
    {
      g_autofree char *name = g_strdup_printf ("mix-%u-1", layer);
      g_autofree char *node_dir = localnet_network_node_dir (self->network, name, &error);
      g_autoptr(LocalnetNodeInfo) node = NULL;

      g_assert_no_error (error);
      self->mixnodes[layer - 1] = localnet_mixnode_new (name, node_dir, layer);
      localnet_mixnode_set_zero_delay (self->mixnodes[layer - 1], TRUE);
      g_assert_true (localnet_mixnode_start (self->mixnodes[layer - 1], 0, &error));
      node = localnet_mixnode_dup_info (self->mixnodes[layer - 1]);
      g_assert_cmpuint (localnet_network_add_node (self->network, node, &error), !=, 0);
    }
  gateway_dir = localnet_network_node_dir (self->network, "gateway-1", &error);
  g_assert_no_error (error);
  self->gateway = localnet_gateway_new (gateway_dir, 0, 0);
  g_assert_true (localnet_gateway_start (self->gateway, &error));
  info.name = (char *) "gateway-1";
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (self->gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (self->gateway), 32);
  info.mix_port = localnet_gateway_get_mix_port (self->gateway);
  info.ws_port = localnet_gateway_get_ws_port (self->gateway);
  info.entry = true;
  info.exit = true;
  g_assert_cmpuint (localnet_network_add_node (self->network, &info, &error), !=, 0);
}

static inline void
bench_localnet_stop (BenchLocalnet *self)
{
  localnet_gateway_stop (self->gateway);
  g_clear_object (&self->gateway);
  for (guint i = 0; i < G_N_ELEMENTS (self->mixnodes); i++)
    {
      localnet_mixnode_stop (self->mixnodes[i]);
      g_clear_object (&self->mixnodes[i]);
    }
  localnet_nym_api_stop (self->api);
  g_clear_object (&self->api);
  g_clear_object (&self->network);
}
