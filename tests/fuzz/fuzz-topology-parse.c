/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the nym-api answer parsers never fault, fail only with a NYM_TOPOLOGY_ERROR, and
 * what they accept keeps the invariants the snapshot relies on. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "topology/nym-topology-parse.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (GError *error)
{
  if (error == NULL || error->domain != NYM_TOPOLOGY_ERROR || error->message == NULL)
    abort ();
}

static void
check_node (const NymTopologyNodeInfo *node)
{
  if (node->ip_addresses == NULL || node->performance_percent > 100
      || !(node->performance >= 0.0 && node->performance <= 1.0))
    abort ();
  if (node->role == NYM_TOPOLOGY_ROLE_MIXNODE ? (node->layer < 1 || node->layer > 3) : node->layer != 0)
    abort ();
  if (node->has_mix_address && (node->ip_addresses[0] == NULL || node->mix_address.port != node->mix_port))
    abort ();
  if (!node->has_entry && (node->ws_port != 0 || node->hostname != NULL))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  {
    g_autoptr(GError) error = NULL;
    NymTopologyKeyRotationInfo info;

    memset (&info, 0xa5, sizeof info);
    if (!nym_topology_parse_key_rotation_info ("fuzz", text, size, &info, &error))
      {
        uint8_t untouched[sizeof info];

        check_error (error);
        memset (untouched, 0xa5, sizeof untouched);
        if (memcmp (&info, untouched, sizeof info) != 0)
          abort ();
      }
    else if (info.validity_epochs == 0)
      abort ();
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NymTopologyRewardedSet) set = nym_topology_parse_rewarded_set ("fuzz", text, size, &error);

    if (set == NULL)
      check_error (error);
    else if (set->entry_gateways == NULL || set->exit_gateways == NULL || set->standby == NULL
             || set->layers[0] == NULL || set->layers[1] == NULL || set->layers[2] == NULL)
      abort ();
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NymTopologySkimmedPage) page = nym_topology_parse_skimmed_page ("fuzz", text, size, &error);

    if (page == NULL)
      check_error (error);
    else
      for (guint i = 0; i < page->nodes->len; i++)
        check_node (g_ptr_array_index (page->nodes, i));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NymTopologyDescribedPage) page = nym_topology_parse_described_page ("fuzz", text, size, &error);

    if (page == NULL)
      check_error (error);
    else
      for (guint i = 0; i < page->nodes->len; i++)
        {
          const NymTopologyDescribedNode *node = g_ptr_array_index (page->nodes, i);

          if (node->ip_addresses == NULL || (node->uses_exit_policy && node->network_requester_address == NULL))
            abort ();
        }
  }
  return 0;
}
