/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetNymApi: the nym-api HTTP server of the localnet, answering from the running nodes. */
#pragma once

#include <stdbool.h>
#include <gio/gio.h>

#include "localnet-network.h"

G_BEGIN_DECLS

/*
 * Serves, on 127.0.0.1 only, the nym-api endpoints a 2026 Nym client uses (spec
 * nym-gateway.md §3.1–3.2, wasm-peer.md), generated on every request from the
 * LocalnetNetwork's node table, always as application/json and with CORS headers.
 *
 * Properties: "network" (construct-only), "port" (0 until listening), "url",
 * "requests" (number of requests answered).
 */
#define LOCALNET_TYPE_NYM_API (localnet_nym_api_get_type ())
G_DECLARE_FINAL_TYPE (LocalnetNymApi, localnet_nym_api, LOCALNET, NYM_API, GObject)

LocalnetNymApi *localnet_nym_api_new          (LocalnetNetwork *network);
/* Binds 127.0.0.1:port (0: the kernel picks) and starts answering on the thread-default
 * main context. Does not write the URL into localnet.json; the caller does that. */
bool            localnet_nym_api_listen       (LocalnetNymApi  *self,
                                               guint16          port,
                                               GError         **error) G_GNUC_WARN_UNUSED_RESULT;
guint16         localnet_nym_api_get_port     (LocalnetNymApi  *self);
/* "http://127.0.0.1:PORT/" (the server also answers under "/api/"), or NULL. */
const char     *localnet_nym_api_get_url      (LocalnetNymApi  *self);
guint64         localnet_nym_api_get_requests (LocalnetNymApi  *self);
void            localnet_nym_api_stop         (LocalnetNymApi  *self);

G_END_DECLS
