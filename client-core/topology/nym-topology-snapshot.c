/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymTopologySnapshot: one consistent view of the network built from nym-api answers (spec nym-gateway.md §3.3, §4.3). */
#include "topology/nym-topology-snapshot.h"

#include <string.h>
#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"

struct _NymTopologySnapshot
{
  NymTopology               *topology;
  NymTopologyMetadata        metadata;
  NymTopologyKeyRotationInfo key_rotation;
  NymTopologyRewardedSet    *rewarded;
  GPtrArray                 *nodes;          /* owned NymTopologyNodeInfo */
  GPtrArray                 *entry_gateways; /* borrowed from nodes */
  GHashTable                *by_id;          /* node_id → borrowed node */
};

/* An unbiased index below n from the system CSPRNG, so gateway choice is not predictable. */
static guint
random_below (guint n)
{
  const uint32_t limit = G_MAXUINT32 - (G_MAXUINT32 % n);

  for (;;)
    {
      uint32_t value;

      nym_random_bytes ((uint8_t *) &value, sizeof value);
      if (value < limit)
        return value % n;
    }
}

G_DEFINE_BOXED_TYPE (NymTopologySnapshot, nym_topology_snapshot,
                     nym_topology_snapshot_ref, nym_topology_snapshot_unref)

static void
snapshot_clear (NymTopologySnapshot *self)
{
  g_clear_pointer (&self->topology, nym_topology_free);
  g_clear_pointer (&self->rewarded, nym_topology_rewarded_set_free);
  g_clear_pointer (&self->entry_gateways, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
}

NymTopologySnapshot *
nym_topology_snapshot_ref (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

void
nym_topology_snapshot_unref (NymTopologySnapshot *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) snapshot_clear);
}

static const char *
status_name (NymTopologyStatus status)
{
  switch (status)
    {
    case NYM_TOPOLOGY_STATUS_FULL:
      return "null";
    case NYM_TOPOLOGY_STATUS_NO_UPDATES:
      return "no-updates";
    case NYM_TOPOLOGY_STATUS_FRESH:
      return "fresh";
    default:
      return "?";
    }
}

/* §3.2: the mixnode and gateway lists must describe the same epoch, or nothing is used. */
static bool
check_metadata (const NymTopologyMetadata *mix,
                const NymTopologyMetadata *gateway,
                GError                   **error)
{
  if (mix->status != gateway->status)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                   "nym-api: the mixnode list has metadata.status %s but the gateway list %s",
                   status_name (mix->status), status_name (gateway->status));
      return false;
    }
  if (mix->absolute_epoch_id != gateway->absolute_epoch_id)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                   "nym-api: the mixnode list is for epoch %u but the gateway list for epoch %u",
                   mix->absolute_epoch_id, gateway->absolute_epoch_id);
      return false;
    }
  if (mix->rotation_id != gateway->rotation_id)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                   "nym-api: the mixnode list is for key rotation %u but the gateway list for rotation %u",
                   mix->rotation_id, gateway->rotation_id);
      return false;
    }
  return true;
}

/* Adds a node to the table; the same node in both lists is kept once, but one id naming
 * two identities means the answers contradict each other. */
static bool
add_to_table (NymTopologySnapshot  *self,
              NymTopologyNodeInfo  *node,
              NymTopologyNodeInfo **kept,
              GError              **error)
{
  NymTopologyNodeInfo *existing = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (node->node_id));

  if (existing != NULL)
    {
      if (memcmp (existing->identity, node->identity, 32) != 0)
        {
          g_autofree char *first = nym_base58_encode (existing->identity, 32);
          g_autofree char *second = nym_base58_encode (node->identity, 32);

          g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                       "nym-api: node id %u is listed as %s and as %s", node->node_id, first, second);
          nym_topology_node_info_free (node);
          return false;
        }
      nym_topology_node_info_free (node);
      *kept = existing;
      return true;
    }
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_id, GUINT_TO_POINTER (node->node_id), node);
  *kept = node;
  return true;
}

static void
to_route_node (const NymTopologyNodeInfo *info,
               NymTopologyNode           *node)
{
  memset (node, 0, sizeof *node);
  node->node_id = info->node_id;
  memcpy (node->identity, info->identity, 32);
  memcpy (node->sphinx_key, info->sphinx_key, 32);
  node->address = info->mix_address;
}

static bool
build_route_topology (NymTopologySnapshot *self,
                      unsigned             min_mixnode_performance,
                      unsigned             min_gateway_performance,
                      GError             **error)
{
  self->topology = nym_topology_new (self->metadata.rotation_id);

  /* §3.3: layer membership comes only from the rewarded set. */
  for (unsigned layer = 1; layer <= NYM_TOPOLOGY_LAYERS; layer++)
    {
      GArray *ids = self->rewarded->layers[layer - 1];

      for (guint i = 0; i < ids->len; i++)
        {
          const NymTopologyNodeInfo *info = g_hash_table_lookup (self->by_id,
                                                                 GUINT_TO_POINTER (g_array_index (ids, uint32_t, i)));
          NymTopologyNode node;

          if (info == NULL || !info->has_mix_address || info->performance_percent < min_mixnode_performance)
            continue;
          to_route_node (info, &node);
          if (!nym_topology_add_mix (self->topology, layer, &node, error))
            return false;
        }
      if (self->topology->layers[layer - 1]->len == 0)
        {
          g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NOT_ROUTABLE,
                       "nym-api: mix layer %u has no usable node (%u listed in the rewarded set, "
                       "minimum performance %u%%)", layer, ids->len, min_mixnode_performance);
          return false;
        }
    }

  /* Any listed gateway may be an egress (ignore_egress_epoch_role, forced in WASM). */
  for (guint i = 0; i < self->entry_gateways->len; i++)
    {
      const NymTopologyNodeInfo *info = g_ptr_array_index (self->entry_gateways, i);
      NymTopologyNode node;

      if (!info->has_mix_address || info->performance_percent < min_gateway_performance)
        continue;
      to_route_node (info, &node);
      nym_topology_add_gateway (self->topology, &node);
    }
  if (self->rewarded->entry_gateways->len + self->rewarded->exit_gateways->len == 0)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NOT_ROUTABLE,
                   "nym-api: the rewarded set of epoch %u has no entry or exit gateway",
                   self->rewarded->epoch_id);
      return false;
    }
  if (self->topology->gateways->len == 0)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NOT_ROUTABLE,
                   "nym-api: no gateway reaches the minimum performance of %u%% (%u listed)",
                   min_gateway_performance, self->entry_gateways->len);
      return false;
    }
  return true;
}

NymTopologySnapshot *
nym_topology_snapshot_build (const NymTopologyKeyRotationInfo *key_rotation,
                             NymTopologyRewardedSet     *rewarded,
                             NymTopologySkimmedPage     *mixnodes,
                             NymTopologySkimmedPage     *gateways,
                             NymTopologyDescribedPage   *described,
                             unsigned                    min_mixnode_performance,
                             unsigned                    min_gateway_performance,
                             GError                    **error)
{
  g_autoptr(NymTopologyRewardedSet) owned_rewarded = rewarded;
  g_autoptr(NymTopologySkimmedPage) owned_mixnodes = mixnodes;
  g_autoptr(NymTopologySkimmedPage) owned_gateways = gateways;
  g_autoptr(NymTopologyDescribedPage) owned_described = described;
  g_autoptr(NymTopologySnapshot) self = NULL;

  g_return_val_if_fail (key_rotation != NULL && rewarded != NULL && mixnodes != NULL && gateways != NULL, NULL);

  if (!check_metadata (&mixnodes->metadata, &gateways->metadata, error))
    return NULL;

  self = g_atomic_rc_box_new0 (NymTopologySnapshot);
  self->metadata = mixnodes->metadata;
  self->key_rotation = *key_rotation;
  self->rewarded = g_steal_pointer (&owned_rewarded);
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) nym_topology_node_info_free);
  self->entry_gateways = g_ptr_array_new ();
  self->by_id = g_hash_table_new (g_direct_hash, g_direct_equal);

  /* Take the nodes out of the pages without copying them. */
  g_ptr_array_set_free_func (mixnodes->nodes, NULL);
  while (mixnodes->nodes->len > 0)
    {
      NymTopologyNodeInfo *kept;

      if (!add_to_table (self, g_ptr_array_steal_index (mixnodes->nodes, 0), &kept, error))
        return NULL;
    }
  g_ptr_array_set_free_func (gateways->nodes, NULL);
  while (gateways->nodes->len > 0)
    {
      NymTopologyNodeInfo *kept;

      if (!add_to_table (self, g_ptr_array_steal_index (gateways->nodes, 0), &kept, error))
        return NULL;
      g_ptr_array_add (self->entry_gateways, kept);
    }
  g_ptr_array_set_free_func (mixnodes->nodes, (GDestroyNotify) nym_topology_node_info_free);
  g_ptr_array_set_free_func (gateways->nodes, (GDestroyNotify) nym_topology_node_info_free);

  /* §6: the described data is keyed by node id; an entry whose identity differs is about
   * another (re-bonded) node and is not attached. */
  if (described != NULL)
    for (guint i = 0; i < described->nodes->len; i++)
      {
        const NymTopologyDescribedNode *entry = g_ptr_array_index (described->nodes, i);
        NymTopologyNodeInfo *node = g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (entry->node_id));

        if (node != NULL && memcmp (node->identity, entry->identity, 32) == 0)
          nym_topology_node_info_add_description (node, entry);
      }

  if (!build_route_topology (self, min_mixnode_performance, min_gateway_performance, error))
    return NULL;
  return g_steal_pointer (&self);
}

const NymTopology *
nym_topology_snapshot_get_topology (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->topology;
}

const NymTopologyMetadata *
nym_topology_snapshot_get_metadata (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->metadata;
}

const NymTopologyKeyRotationInfo *
nym_topology_snapshot_get_key_rotation (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->key_rotation;
}

const NymTopologyRewardedSet *
nym_topology_snapshot_get_rewarded_set (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->rewarded;
}

GPtrArray *
nym_topology_snapshot_get_nodes (NymTopologySnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->nodes;
}

const NymTopologyNodeInfo *
nym_topology_snapshot_find_node (NymTopologySnapshot *self,
                                 uint32_t             node_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->by_id, GUINT_TO_POINTER (node_id));
}

const NymTopologyNodeInfo *
nym_topology_snapshot_find_identity (NymTopologySnapshot *self,
                                     const uint8_t        identity[static 32])
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const NymTopologyNodeInfo *node = g_ptr_array_index (self->nodes, i);

      if (memcmp (node->identity, identity, 32) == 0)
        return node;
    }
  return NULL;
}

GPtrArray *
nym_topology_snapshot_gateway_candidates (NymTopologySnapshot *self,
                                          unsigned             min_performance,
                                          bool                 require_wss)
{
  GPtrArray *candidates = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, candidates);
  for (guint i = 0; i < self->entry_gateways->len; i++)
    {
      NymTopologyNodeInfo *node = g_ptr_array_index (self->entry_gateways, i);

      if (!node->has_entry || node->ip_addresses[0] == NULL)
        continue;
      if (node->performance_percent < min_performance)
        continue;
      if (require_wss && node->wss_port == 0)
        continue;
      g_ptr_array_add (candidates, node);
    }
  return candidates;
}

const NymTopologyNodeInfo *
nym_topology_snapshot_select_gateway (NymTopologySnapshot *self,
                                      const uint8_t       *identity,
                                      unsigned             min_performance,
                                      bool                 require_wss,
                                      GError             **error)
{
  g_autoptr(GPtrArray) candidates = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (identity != NULL)
    {
      g_autofree char *text = nym_base58_encode (identity, 32);

      for (guint i = 0; i < self->entry_gateways->len; i++)
        {
          const NymTopologyNodeInfo *node = g_ptr_array_index (self->entry_gateways, i);

          if (memcmp (node->identity, identity, 32) != 0)
            continue;
          if (!node->has_entry)
            {
              g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                           "Gateway %s announces no client websocket", text);
              return NULL;
            }
          if (require_wss && node->wss_port == 0)
            {
              g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                           "Gateway %s offers no secure websocket (wss)", text);
              return NULL;
            }
          return node;
        }
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                   "Gateway %s is not in the entry-gateways list", text);
      return NULL;
    }

  candidates = nym_topology_snapshot_gateway_candidates (self, min_performance, require_wss);
  if (candidates->len == 0)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                   "None of the %u listed gateways has a performance of at least %u%%%s",
                   self->entry_gateways->len, min_performance, require_wss ? " and a wss port" : "");
      return NULL;
    }
  return g_ptr_array_index (candidates, random_below (candidates->len));
}
