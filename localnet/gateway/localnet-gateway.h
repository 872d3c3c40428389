/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetGateway: a Nym entry and exit gateway on 127.0.0.1 that the real Nym client can use (spec nym-gateway.md §1–§2, §7). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib-object.h>

G_BEGIN_DECLS

/* §1.10: what a gateway that does not enforce zk-nyms grants per claim (64 GiB). */
#define LOCALNET_GATEWAY_FREE_BANDWIDTH G_GINT64_CONSTANT (68719476736)

/*
 * The gateway keeps its keys (LocalnetKeys files) and gateway.sqlite (0600: client shared keys,
 * bandwidth, inbox) in its directory, listens on 127.0.0.1 for client websockets (ws-port) and
 * for framed sphinx packets from mix nodes (mix-port); port 0 picks a free one, and the getters
 * report the bound ports once started. Everything runs on the thread-default main context of
 * the thread that calls localnet_gateway_start().
 *
 * Counters (read-only properties, notified on change): "clients" = authenticated websocket
 * sessions now open; "packets-in" = sphinx packets received from clients and on the mix port;
 * "packets-out" = packets forwarded to a next hop (SURB-ACKs included) and pushed to clients;
 * "acks-forwarded" = SURB-ACKs sent on from final hops; "retransmissions" = packets received a
 * second time with identical bytes (or, at the final hop, the same replay tag); "registrations" =
 * completed §1.4 handshakes; "authentications" = successful §1.5 authentications from stored
 * keys; "client-packets" = sphinx packets received from clients over websockets (a subset of
 * packets-in); "stored-messages" = messages put in the inbox because their client was offline;
 * "bandwidth-claims" = claimFreeTestnetBandwidth requests granted (§1.10).
 *
 * A client's retransmission is a new sphinx packet (fresh route and keys), so the gateway
 * cannot recognise it by its bytes; with cover traffic off, client-packets still counts
 * it: it grows after every message arrived only if the client resends something.
 */
#define LOCALNET_TYPE_GATEWAY (localnet_gateway_get_type ())

G_DECLARE_FINAL_TYPE (LocalnetGateway, localnet_gateway, LOCALNET, GATEWAY, GObject)

LocalnetGateway *localnet_gateway_new                   (const char      *directory,
                                                         guint16          ws_port,
                                                         guint16          mix_port);
bool             localnet_gateway_start                 (LocalnetGateway *self,
                                                         GError         **error) G_GNUC_WARN_UNUSED_RESULT;
void             localnet_gateway_stop                  (LocalnetGateway *self);
bool             localnet_gateway_is_running            (LocalnetGateway *self);

const char      *localnet_gateway_get_directory         (LocalnetGateway *self);
const char      *localnet_gateway_get_identity          (LocalnetGateway *self);
const uint8_t   *localnet_gateway_get_identity_key      (LocalnetGateway *self);
const char      *localnet_gateway_get_sphinx_key        (LocalnetGateway *self);
const uint8_t   *localnet_gateway_get_sphinx_public_key (LocalnetGateway *self);
guint16          localnet_gateway_get_ws_port           (LocalnetGateway *self);
guint16          localnet_gateway_get_mix_port          (LocalnetGateway *self);
char            *localnet_gateway_dup_ws_url            (LocalnetGateway *self);
char            *localnet_gateway_dup_mix_address       (LocalnetGateway *self);
void             localnet_gateway_set_free_bandwidth    (LocalnetGateway *self,
                                                         gint64           bytes);

guint            localnet_gateway_get_clients           (LocalnetGateway *self);
guint64          localnet_gateway_get_packets_in        (LocalnetGateway *self);
guint64          localnet_gateway_get_packets_out       (LocalnetGateway *self);
guint64          localnet_gateway_get_acks_forwarded    (LocalnetGateway *self);
guint64          localnet_gateway_get_retransmissions   (LocalnetGateway *self);
guint64          localnet_gateway_get_registrations     (LocalnetGateway *self);
guint64          localnet_gateway_get_authentications   (LocalnetGateway *self);
guint64          localnet_gateway_get_client_packets    (LocalnetGateway *self);
guint64          localnet_gateway_get_stored_messages   (LocalnetGateway *self);
guint64          localnet_gateway_get_bandwidth_claims  (LocalnetGateway *self);
/* Every counter as `clients=N registrations=N …`, the line nymph-localnet prints when it stops. */
char            *localnet_gateway_dup_summary           (LocalnetGateway *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
