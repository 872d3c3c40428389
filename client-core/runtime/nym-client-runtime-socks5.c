/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connects a NymSocks5Proxy to the client runtime it runs in: its mixnet backend and the runtime's hooks (spec nym-gateway.md §5). */
#include "config.h"

#include "runtime/nym-client-runtime-socks5.h"

#include "runtime/nym-client-runtime-private.h"

static void
backend_send (const NymRecipient *recipient,
              GBytes             *data,
              guint               reply_surbs,
              gpointer            user_data)
{
  /* §5.3: anonymous requests are Repliable messages with reply SURBs and no return
   * address; the others are Plain and name our address inside the Connect. */
  nym_client_runtime_queue_message (user_data, recipient, data, reply_surbs);
}

static guint
backend_get_queued (gpointer user_data)
{
  return nym_client_runtime_get_queued (user_data);
}

static bool
hook_message (const uint8_t *sender_tag,
              GBytes        *data,
              gpointer       user_data)
{
  return nym_socks5_proxy_handle_message (user_data, sender_tag, data);
}

static void
hook_state (NymClientState state,
            gpointer       user_data)
{
  nym_socks5_proxy_set_ready (user_data, state == NYM_CLIENT_STATE_READY);
}

static void
hook_drained (gpointer user_data)
{
  nym_socks5_proxy_drained (user_data);
}

NymSocks5Proxy *
nym_client_runtime_socks5_start (NymClientRuntime             *runtime,
                                 const NymClientRuntimeConfig *config,
                                 GError                      **error)
{
  static const NymSocks5ProxyBackend backend = { backend_send, backend_get_queued };
  static const NymClientRuntimeHooks hooks = { hook_message, hook_state, hook_drained };
  NymSocks5ProxyConfig proxy_config = { 0 };
  NymSocks5Proxy *proxy;

  g_return_val_if_fail (config->socks5_address != NULL, NULL);

  if (config->socks5_exit == NULL || config->socks5_exit[0] == '\0')
    {
      g_set_error (error, NYM_SOCKS_ERROR, NYM_SOCKS_ERROR_INVALID_ADDRESS,
                   "The SOCKS5 proxy on %s needs the Nym address of a network requester to send its "
                   "connections to", config->socks5_address);
      return NULL;
    }
  if (!nym_recipient_parse (config->socks5_exit, &proxy_config.exit, error))
    {
      g_prefix_error (error, "The exit address “%s” of the SOCKS5 proxy is not usable: ", config->socks5_exit);
      return NULL;
    }
  proxy_config.address = config->socks5_address;
  proxy_config.allow_non_loopback = config->socks5_allow_non_loopback;
  proxy_config.anonymous = config->socks5_anonymous;
  proxy_config.connect_reply_surbs = config->socks5_reply_surbs;
  proxy_config.legacy = config->socks5_legacy;
  proxy_config.high_water = NYM_CLIENT_RUNTIME_HIGH_WATER;
  proxy_config.low_water = NYM_CLIENT_RUNTIME_LOW_WATER;
  proxy = nym_socks5_proxy_new (&proxy_config, &backend, runtime, error);
  if (proxy == NULL)
    return NULL;
  nym_client_runtime_set_hooks (runtime, &hooks, proxy);
  return proxy;
}

void
nym_client_runtime_socks5_stop (NymClientRuntime *runtime,
                                NymSocks5Proxy   *proxy)
{
  if (proxy == NULL)
    return;
  nym_client_runtime_set_hooks (runtime, NULL, NULL);
  nym_socks5_proxy_free (proxy);
}
