/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymApiClient: the nym-api HTTP client that fetches the network topology (spec nym-gateway.md §3.1, §4.3, §6). */
#pragma once

#include <stdbool.h>
#include <gio/gio.h>

#include "topology/nym-topology-error.h"
#include "topology/nym-topology-parse.h"
#include "topology/nym-topology-snapshot.h"

G_BEGIN_DECLS

/* How a client's gateway is chosen (§4.3). */
typedef enum
{
  NYM_GATEWAY_SELECTION_RANDOM,         /* uniform among candidates at or above the minimum performance */
  NYM_GATEWAY_SELECTION_LOWEST_LATENCY, /* the fastest TCP connect among a few random candidates */
  NYM_GATEWAY_SELECTION_IDENTITY,       /* the gateway of a given identity */
} NymGatewaySelection;

/* How many random candidates the latency selection measures. */
#define NYM_API_CLIENT_LATENCY_PROBES 5

#define NYM_TYPE_API_CLIENT (nym_api_client_get_type ())
G_DECLARE_FINAL_TYPE (NymApiClient, nym_api_client, NYM, API_CLIENT, GObject)

/*
 * urls: one or more nym-api base URLs (http or https, e.g. "https://validator.nymtech.net/api/").
 * Requests go to the URL that last worked; on a transport error, an HTTP error, a timeout or
 * an answer that does not parse, the next URL is tried, until each was tried once (UX.md
 * point 7). All work is asynchronous on the thread-default main context of the caller.
 *
 * Properties: "urls" (construct-only), "current-url" (read-only), "timeout" (seconds per
 * request, default 30), "page-size" (per_page sent with list requests; 0 sends none and lets
 * the server choose, as the real client does), "min-mixnode-performance" and
 * "min-gateway-performance" (percent, default 50), "require-wss" (gateway selection only
 * considers gateways with a secure websocket, as the real client's forceTls).
 */
NymApiClient        *nym_api_client_new                         (const char *const   *urls,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
const char          *nym_api_client_get_current_url             (NymApiClient        *self);
void                 nym_api_client_set_timeout                 (NymApiClient        *self,
                                                                 guint                seconds);
void                 nym_api_client_set_page_size               (NymApiClient        *self,
                                                                 guint                page_size);
void                 nym_api_client_set_min_performance         (NymApiClient        *self,
                                                                 guint                mixnode_percent,
                                                                 guint                gateway_percent);
void                 nym_api_client_set_require_wss             (NymApiClient        *self,
                                                                 gboolean             require_wss);

void                 nym_api_client_get_key_rotation_info_async (NymApiClient        *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
bool                 nym_api_client_get_key_rotation_info_finish (NymApiClient       *self,
                                                                 GAsyncResult        *result,
                                                                 NymTopologyKeyRotationInfo *out,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void                 nym_api_client_get_rewarded_set_async      (NymApiClient        *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
NymTopologyRewardedSet *nym_api_client_get_rewarded_set_finish  (NymApiClient        *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every page of a skimmed list; path is one of the NYM_API_PATH_* list paths. The pages
 * are concatenated into one, checked to agree on metadata and total, without repeats. */
void                 nym_api_client_get_skimmed_async           (NymApiClient        *self,
                                                                 const char          *path,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
NymTopologySkimmedPage *nym_api_client_get_skimmed_finish       (NymApiClient        *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;
/* Every page of v2/nym-nodes/described. */
void                 nym_api_client_get_described_async         (NymApiClient        *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
NymTopologyDescribedPage *nym_api_client_get_described_finish   (NymApiClient        *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* key-rotation-info, rewarded-set, active mixnodes, entry gateways and described nodes,
 * all from one URL (so that they describe the same moment), built into a snapshot with
 * the client's minimum performances; the next URL is tried if any step fails. */
void                 nym_api_client_fetch_topology_async        (NymApiClient        *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
NymTopologySnapshot *nym_api_client_fetch_topology_finish       (NymApiClient        *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* §4.3 on a snapshot: identity (base58) is used only with NYM_GATEWAY_SELECTION_IDENTITY.
 * The latency mode times a TCP connect to the websocket (or, with require-wss, wss) port of up to
 * NYM_API_CLIENT_LATENCY_PROBES random candidates on the main loop and returns the
 * fastest that answered. Returns a copy of the node. */
void                 nym_api_client_select_gateway_async        (NymApiClient        *self,
                                                                 NymTopologySnapshot *snapshot,
                                                                 NymGatewaySelection  mode,
                                                                 const char          *identity,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
NymTopologyNodeInfo *nym_api_client_select_gateway_finish       (NymApiClient        *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
