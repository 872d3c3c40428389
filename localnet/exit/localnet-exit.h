/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetExit: the network requester (exit) of the localnet, a mixnet client of a localnet gateway that opens TCP connections for SOCKS5 clients (spec nym-gateway.md §5). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <gio/gio.h>

#include "localnet-network.h"
#include "runtime/nym-client-runtime.h"
#include "socks5/nym-nr-exit-policy.h"

G_BEGIN_DECLS

#define LOCALNET_EXIT_ERROR (localnet_exit_error_quark ())

typedef enum
{
  LOCALNET_EXIT_ERROR_POLICY_FILE,
  LOCALNET_EXIT_ERROR_INVALID,
  LOCALNET_EXIT_ERROR_STATE,
} LocalnetExitError;

GQuark localnet_exit_error_quark (void);

/* The waits of the real network requester (common/socks5/proxy-helpers): a connection the
 * client has not sent anything on for five minutes is closed, an idle one gets an empty
 * NetworkData every minute, and after one side closed the other gets three seconds. The
 * connect timeout is ours (the real one waits as long as the system does). */
#define LOCALNET_EXIT_DEFAULT_CONNECT_TIMEOUT_MS (30 * 1000)
#define LOCALNET_EXIT_DEFAULT_IDLE_TIMEOUT_MS    (5 * 60 * 1000)
#define LOCALNET_EXIT_DEFAULT_KEEPALIVE_MS       (60 * 1000)
#define LOCALNET_EXIT_DEFAULT_CLOSE_GRACE_MS     (3 * 1000)

/* Messages handed to the runtime thread that it has not taken into its send queue yet;
 * above this the exit stops reading remote sockets even before the queue shows them. With
 * 64 instead, a 10 MB download let the queue grow past 3000 fragments, whose late acks
 * made the runtime send thousands of fragments again (bench/localnet-exit.c). */
#define LOCALNET_EXIT_MAX_UNQUEUED_MESSAGES 8

/* The localnet folder of the exit that serves gateway gateway_name: "exit-<gateway_name>". */
#define LOCALNET_EXIT_DIR_PREFIX "exit-"

/*
 * A network requester as nym-node runs it embedded in an exit gateway, here as its own
 * mixnet client (the real NymClientRuntime, on its own thread) registered at a localnet
 * gateway. It lives on the main context that is thread-default when it is created, like
 * every localnet node, and answers each request it receives (both encodings, §5.2):
 *
 *  - Connect: the host is resolved with GResolver, every resolved address must pass the
 *    exit policy (and be global unless "allow-local"), then the first address that
 *    accepts a TCP connection is used. Data read from it goes back as NetworkData with
 *    sequence numbers from 0 (remote_closed on EOF), to the Connect's return address, or
 *    through the sender's reply SURBs when the Connect came anonymously.
 *  - Send: reordered by sequence number and written in order; local_closed half-closes
 *    the remote socket. Sends that arrive before their Connect wait for it.
 *  - Query (OpenProxy, Description, ExitPolicy) and the control requests (Health,
 *    BinaryInfo, SupportedRequestVersions) are answered through reply SURBs, the only
 *    way back they have.
 *
 * While the runtime's send queue is above NYM_CLIENT_RUNTIME_HIGH_WATER fragments, no
 * remote socket is read until it falls to NYM_CLIENT_RUNTIME_LOW_WATER.
 *
 * Properties: "data-dir" (construct-only), "allow-local", "zero-delay", "open-proxy",
 * "ready", "address" (Recipient text once ready), "error-message", and the counters
 * "requests", "connections" (open now), "connections-opened", "connections-refused"
 * (policy, resolution or connect failures), "bytes-to-remote", "bytes-from-remote",
 * "pauses" (times reading stopped for back-pressure), "max-queued" (most fragments seen
 * in the runtime's send queue).
 */
#define LOCALNET_TYPE_EXIT (localnet_exit_get_type ())
G_DECLARE_FINAL_TYPE (LocalnetExit, localnet_exit, LOCALNET, EXIT, GObject)

LocalnetExit *localnet_exit_new                (const char             *data_dir);
/* policy NULL makes an open proxy (every address, every port); otherwise a copy is kept. */
void          localnet_exit_set_policy         (LocalnetExit           *self,
                                                const NymNrExitPolicy  *policy);
/* Reads a torrc-style allow-list ("accept 127.0.0.1:8080", "reject *:*", …). */
bool          localnet_exit_load_policy_file   (LocalnetExit           *self,
                                                const char             *path,
                                                GError                **error) G_GNUC_WARN_UNUSED_RESULT;
void          localnet_exit_set_allow_local    (LocalnetExit           *self,
                                                gboolean                allow_local);
void          localnet_exit_set_zero_delay     (LocalnetExit           *self,
                                                gboolean                zero_delay);
/* Milliseconds; 0 keeps the current value. */
void          localnet_exit_set_timeouts       (LocalnetExit           *self,
                                                guint                   connect_ms,
                                                guint                   idle_ms,
                                                guint                   keepalive_ms,
                                                guint                   close_grace_ms);
/* Starts the mixnet client against the nym-api at nym_api_url with the gateway whose
 * base58 identity is gateway_identity. "ready" turns true (or "error-message" is set)
 * later, on this context. */
bool          localnet_exit_start              (LocalnetExit           *self,
                                                const char             *nym_api_url,
                                                const char             *gateway_identity,
                                                GError                **error) G_GNUC_WARN_UNUSED_RESULT;
/* Closes every connection and stops the client thread; safe to call twice. */
void          localnet_exit_stop               (LocalnetExit           *self);
gboolean      localnet_exit_is_ready           (LocalnetExit           *self);
const char   *localnet_exit_get_address        (LocalnetExit           *self);
const char   *localnet_exit_get_error_message  (LocalnetExit           *self);
guint         localnet_exit_get_connections    (LocalnetExit           *self);
/* Writes the exit's address into the node gateway_name of network (localnet.json and
 * nym-api's described nodes, where a client looks for network_requester.address). */
bool          localnet_exit_publish            (LocalnetExit           *self,
                                                LocalnetNetwork        *network,
                                                const char             *gateway_name,
                                                GError                **error) G_GNUC_WARN_UNUSED_RESULT;
/* One line with every counter, for the log at exit. */
char         *localnet_exit_dup_summary        (LocalnetExit           *self) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
