/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connects a NymSocks5Proxy to the client runtime it runs in: its mixnet backend and the runtime's hooks (spec nym-gateway.md §5). */
#pragma once

#include <gio/gio.h>

#include "runtime/nym-client-runtime.h"
#include "socks5/nym-socks5-proxy.h"

G_BEGIN_DECLS

/* On the runtime thread: creates the proxy config->socks5_* describes, listening at once
 * (refusing connections until the runtime is ready), and makes it the runtime's hooks. An
 * address that cannot be bound or a bad exit address is an error naming it. */
NymSocks5Proxy *nym_client_runtime_socks5_start (NymClientRuntime             *runtime,
                                                 const NymClientRuntimeConfig *config,
                                                 GError                      **error) G_GNUC_WARN_UNUSED_RESULT;
/* Removes the hooks and frees the proxy (NULL is fine); runtime thread only. */
void            nym_client_runtime_socks5_stop  (NymClientRuntime             *runtime,
                                                 NymSocks5Proxy               *proxy);

G_END_DECLS
