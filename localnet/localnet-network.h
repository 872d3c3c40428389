/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetNetwork: the localnet directory, the table of running nodes and localnet.json. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "localnet-keys.h"

G_BEGIN_DECLS

#define LOCALNET_NETWORK_ERROR (localnet_network_error_quark ())

typedef enum
{
  LOCALNET_NETWORK_ERROR_IO,
  LOCALNET_NETWORK_ERROR_CORRUPT,
  LOCALNET_NETWORK_ERROR_INVALID,
} LocalnetNetworkError;

GQuark localnet_network_error_quark (void);

/* What a node does in the network; nym-api's `role` is derived from it (spec
 * nym-gateway.md §3.2): "Mixnode" with a layer, "EntryGateway", "ExitGateway". */
typedef enum
{
  LOCALNET_NODE_MIXNODE,
  LOCALNET_NODE_GATEWAY,
} LocalnetNodeKind;

/*
 * One running node as the network publishes it. A node fills this in once its listeners
 * are bound (so the ports are the real ones) and hands it to localnet_network_add_node(),
 * which copies it. Strings may be NULL where they do not apply.
 */
typedef struct
{
  char            *name;          /* subdirectory of the localnet dir, e.g. "mix-1-1", "gateway-1" */
  guint32          node_id;       /* assigned by the network (stable across restarts); 0 on input */
  LocalnetNodeKind kind;
  guint            layer;         /* 1..3 for mix nodes, 0 for gateways */
  uint8_t          identity[32];  /* ed25519 public key */
  uint8_t          sphinx_key[32];/* x25519 public key */
  guint16          mix_port;      /* TCP port on 127.0.0.1 for framed sphinx packets */
  /* Gateways only. */
  guint16          ws_port;       /* client websocket port on 127.0.0.1 */
  /* Every gateway is declared entry-capable (listed by skimmed/entry-gateways, so a
   * client whose gateway it is finds it). entry: its epoch role is EntryGateway (the
   * rewarded set's entry_gateways). exit: it runs the exit services (addresses below);
   * its role is ExitGateway unless it is also the entry. */
  bool             entry;
  bool             exit;
  char            *network_requester_address; /* Recipient string of the exit's NR, or NULL */
  char            *ip_packet_router_address;  /* Recipient string of the exit's IPR, or NULL */
  char            *authenticator_address;     /* Recipient string, or NULL */
} LocalnetNodeInfo;

LocalnetNodeInfo *localnet_node_info_copy (const LocalnetNodeInfo *info) G_GNUC_WARN_UNUSED_RESULT;
void              localnet_node_info_free (LocalnetNodeInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LocalnetNodeInfo, localnet_node_info_free)

/* The epoch numbers every nym-api answer and every node use (spec nym-gateway.md §3.2):
 * rotation id = (epoch − initial) / validity; the frame's key-rotation byte follows from
 * it (odd → 1, even → 2). */
#define LOCALNET_EPOCH_ID             25
#define LOCALNET_KEY_ROTATION_VALIDITY 24
#define LOCALNET_KEY_ROTATION_ID      1

#define LOCALNET_TYPE_NETWORK (localnet_network_get_type ())
G_DECLARE_FINAL_TYPE (LocalnetNetwork, localnet_network, LOCALNET, NETWORK, GObject)

/*
 * Opens (creating with mode 0700) the localnet directory; dir NULL means the default
 * $XDG_DATA_HOME/nymph/localnet. If the directory already has a localnet.json (written
 * by another nymph-localnet process running single roles), its nodes and nym-api URL are
 * loaded, so that a process running one role adds itself to the rest.
 *
 * Properties: "dir" (construct-only), "json-path", "nym-api-url" (read-only), "zero-delay",
 * "n-nodes". Signal "changed" is emitted after every change to the node table.
 */
LocalnetNetwork        *localnet_network_new              (const char       *dir,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;
const char             *localnet_network_get_dir          (LocalnetNetwork  *self);
const char             *localnet_network_get_json_path    (LocalnetNetwork  *self);

/* <dir>/<name>, created 0700: where a node keeps its keys (localnet_keys_load_or_create). */
char                   *localnet_network_node_dir         (LocalnetNetwork  *self,
                                                           const char       *name,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;

/* Adds or replaces (same name) a node and returns its node_id, keeping the id a node of
 * that name had before. Writes localnet.json. */
guint32                 localnet_network_add_node         (LocalnetNetwork  *self,
                                                           const LocalnetNodeInfo *info,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;
bool                    localnet_network_remove_node      (LocalnetNetwork  *self,
                                                           const char       *name,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;
/* The node table in node_id order; borrowed, valid until the next change. */
GPtrArray              *localnet_network_get_nodes        (LocalnetNetwork  *self);
const LocalnetNodeInfo *localnet_network_find_node        (LocalnetNetwork  *self,
                                                           const char       *name);

/* Sets the URL and writes localnet.json (merging what other processes wrote). */
bool                    localnet_network_set_nym_api_url  (LocalnetNetwork  *self,
                                                           const char       *url,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;
const char             *localnet_network_get_nym_api_url  (LocalnetNetwork  *self);
void                    localnet_network_set_zero_delay   (LocalnetNetwork  *self,
                                                           gboolean          zero_delay);
gboolean                localnet_network_get_zero_delay   (LocalnetNetwork  *self);

/* Forgets every node (nymph-localnet run starts from an empty table; the next write
 * replaces what an earlier run left in localnet.json). */
void                    localnet_network_clear            (LocalnetNetwork  *self);
/* Re-reads localnet.json if another process changed it (single-role runs). */
bool                    localnet_network_reload           (LocalnetNetwork  *self,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes localnet.json atomically (also done by add/remove/set_nym_api_url). */
bool                    localnet_network_write_json       (LocalnetNetwork  *self,
                                                           GError          **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
