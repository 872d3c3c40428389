/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Parsers for the nym-api answers a client reads (spec nym-gateway.md §3.2, §6), into plain structs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-node-address.h"
#include "topology/nym-topology-error.h"

G_BEGIN_DECLS

/* The endpoint paths of §3.1 and §6, relative to the nym-api base URL. */
#define NYM_API_PATH_KEY_ROTATION_INFO "v1/epoch/key-rotation-info"
#define NYM_API_PATH_REWARDED_SET      "v1/nym-nodes/rewarded-set"
#define NYM_API_PATH_ACTIVE_MIXNODES   "v2/unstable/nym-nodes/skimmed/mixnodes/active"
#define NYM_API_PATH_ENTRY_GATEWAYS    "v2/unstable/nym-nodes/skimmed/entry-gateways"
#define NYM_API_PATH_EXIT_GATEWAYS     "v2/unstable/nym-nodes/skimmed/exit-gateways"
#define NYM_API_PATH_DESCRIBED         "v2/nym-nodes/described"

/* KeyRotationInfoResponse; the start of the current epoch as Unix seconds. */
typedef struct
{
  uint32_t validity_epochs;
  uint32_t initial_epoch_id;
  uint32_t current_absolute_epoch_id;
  gint64   current_epoch_start;
  uint64_t epoch_duration_secs;
  uint32_t current_key_rotation_id;
  uint32_t current_rotation_starting_epoch;
  uint32_t current_rotation_ending_epoch;
} NymTopologyKeyRotationInfo;

/* The rewarded set of one epoch; every list holds uint32_t node ids. */
typedef struct
{
  uint32_t epoch_id;
  GArray  *entry_gateways;
  GArray  *exit_gateways;
  GArray  *layers[3];
  GArray  *standby;
} NymTopologyRewardedSet;

typedef enum
{
  NYM_TOPOLOGY_STATUS_FULL,       /* status null: a full answer */
  NYM_TOPOLOGY_STATUS_NO_UPDATES, /* "no-updates" */
  NYM_TOPOLOGY_STATUS_FRESH,      /* {"fresh": <interval>} */
} NymTopologyStatus;

/* The `metadata` of a skimmed list answer; refreshed_at as Unix seconds. */
typedef struct
{
  NymTopologyStatus status;
  uint32_t          absolute_epoch_id;
  uint32_t          rotation_id;
  gint64            refreshed_at;
} NymTopologyMetadata;

typedef enum
{
  NYM_TOPOLOGY_ROLE_MIXNODE,
  NYM_TOPOLOGY_ROLE_ENTRY_GATEWAY,
  NYM_TOPOLOGY_ROLE_EXIT_GATEWAY,
  NYM_TOPOLOGY_ROLE_STANDBY,
  NYM_TOPOLOGY_ROLE_INACTIVE,
} NymTopologyRole;

typedef struct
{
  bool mixnode;
  bool entry;
  bool exit_nr;
  bool exit_ipr;
} NymTopologySupportedRoles;

/*
 * One node as a client knows it: a SkimmedNodeV1 (§3.2), completed from
 * v2/nym-nodes/described (§6) when that listed the node too.
 */
typedef struct
{
  uint32_t                  node_id;
  uint8_t                   identity[32];   /* ed25519 */
  uint8_t                   sphinx_key[32]; /* x25519, current rotation */
  char                    **ip_addresses;   /* NULL-terminated, each a valid IP */
  uint16_t                  mix_port;
  bool                      has_mix_address;
  NymNodeAddress            mix_address;    /* first IP and mix_port (§3.3) */
  NymTopologyRole           role;
  unsigned                  layer;          /* 1..3 for role MIXNODE, else 0 */
  NymTopologySupportedRoles supported_roles;
  bool                      has_entry;      /* `entry` was not null */
  char                     *hostname;       /* entry.hostname, or NULL */
  uint16_t                  ws_port;
  uint16_t                  wss_port;       /* 0: no wss */
  double                    performance;    /* 0..1 */
  unsigned                  performance_percent; /* floor(100·performance) */
  /* From v2/nym-nodes/described. */
  bool                      described;
  char                     *network_requester_address;
  bool                      uses_exit_policy;
  char                     *ip_packet_router_address;
  char                     *authenticator_address;
  char                     *location;
} NymTopologyNodeInfo;

/* One page (or the concatenation of all pages) of a skimmed node list. */
typedef struct
{
  NymTopologyMetadata metadata;
  uint32_t            total;
  uint32_t            page;
  uint32_t            size;
  GPtrArray          *nodes; /* NymTopologyNodeInfo */
} NymTopologySkimmedPage;

/* One node of v2/nym-nodes/described (NymNodeDescriptionV2), the part a client uses. */
typedef struct
{
  uint32_t                  node_id;
  uint8_t                   identity[32];
  char                    **ip_addresses;
  char                     *hostname;
  NymTopologySupportedRoles declared_roles;
  char                     *location;
  uint16_t                  ws_port;
  uint16_t                  wss_port; /* 0: none */
  char                     *network_requester_address;
  bool                      uses_exit_policy;
  char                     *ip_packet_router_address;
  char                     *authenticator_address;
} NymTopologyDescribedNode;

typedef struct
{
  uint32_t   total;
  uint32_t   page;
  uint32_t   size;
  GPtrArray *nodes; /* NymTopologyDescribedNode */
} NymTopologyDescribedPage;

NymTopologyNodeInfo      *nym_topology_node_info_copy            (const NymTopologyNodeInfo *node) G_GNUC_WARN_UNUSED_RESULT;
void                      nym_topology_node_info_free            (NymTopologyNodeInfo       *node);
void                      nym_topology_node_info_add_description (NymTopologyNodeInfo       *node,
                                                                  const NymTopologyDescribedNode *described);
void                      nym_topology_described_node_free       (NymTopologyDescribedNode  *node);
void                      nym_topology_rewarded_set_free         (NymTopologyRewardedSet    *set);
NymTopologySkimmedPage   *nym_topology_skimmed_page_new          (void) G_GNUC_WARN_UNUSED_RESULT;
void                      nym_topology_skimmed_page_free         (NymTopologySkimmedPage    *page);
NymTopologyDescribedPage *nym_topology_described_page_new        (void) G_GNUC_WARN_UNUSED_RESULT;
void                      nym_topology_described_page_free       (NymTopologyDescribedPage  *page);

/* A Decimal performance string "0".."1" (or a JSON number) to its value and floor(100·p),
 * computed from the digits so that "0.5" is exactly 50. */
bool                      nym_topology_parse_performance         (const char                *text,
                                                                  double                    *value,
                                                                  unsigned                  *percent) G_GNUC_WARN_UNUSED_RESULT;

/* Each parser names `endpoint` and the field's path in every error, e.g.
 * "nym-api v1/nym-nodes/rewarded-set: field “layer1[2]” is not an integer". */
bool                      nym_topology_parse_key_rotation_info   (const char                *endpoint,
                                                                  const char                *data,
                                                                  size_t                     len,
                                                                  NymTopologyKeyRotationInfo *out,
                                                                  GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
NymTopologyRewardedSet   *nym_topology_parse_rewarded_set        (const char                *endpoint,
                                                                  const char                *data,
                                                                  size_t                     len,
                                                                  GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
NymTopologySkimmedPage   *nym_topology_parse_skimmed_page        (const char                *endpoint,
                                                                  const char                *data,
                                                                  size_t                     len,
                                                                  GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
NymTopologyDescribedPage *nym_topology_parse_described_page      (const char                *endpoint,
                                                                  const char                *data,
                                                                  size_t                     len,
                                                                  GError                   **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologyNodeInfo, nym_topology_node_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologyDescribedNode, nym_topology_described_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologyRewardedSet, nym_topology_rewarded_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologySkimmedPage, nym_topology_skimmed_page_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymTopologyDescribedPage, nym_topology_described_page_free)

G_END_DECLS
