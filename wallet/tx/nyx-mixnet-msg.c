/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mixnet-contract execute messages for delegators, as exact JSON bytes, and nym's default memos (spec §4.2). */
#include "tx/nyx-mixnet-msg.h"

#include <string.h>

static const char *
action_key (NyxMixnetAction action)
{
  switch (action)
    {
    case NYX_MIXNET_DELEGATE:
      return "delegate";
    case NYX_MIXNET_UNDELEGATE:
      return "undelegate";
    case NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD:
      return "withdraw_delegator_reward";
    default:
      return NULL;
    }
}

char *
nyx_mixnet_msg_json (NyxMixnetAction action,
                     uint32_t        node_id)
{
  const char *key = action_key (action);

  g_return_val_if_fail (key != NULL, NULL);
  /* Spec §4.2: the 2026 API names the field node_id (mix_id is only an old alias). */
  return g_strdup_printf ("{\"%s\":{\"node_id\":%" G_GUINT32_FORMAT "}}", key, node_id);
}

char *
nyx_mixnet_msg_memo (NyxMixnetAction action,
                     uint32_t        node_id)
{
  switch (action)
    {
    case NYX_MIXNET_DELEGATE:
      return g_strdup_printf ("delegating to mixnode %" G_GUINT32_FORMAT, node_id);
    case NYX_MIXNET_UNDELEGATE:
      return g_strdup_printf ("removing delegation from mixnode %" G_GUINT32_FORMAT, node_id);
    case NYX_MIXNET_WITHDRAW_DELEGATOR_REWARD:
      return g_strdup_printf ("withdrawing delegator reward from mixnode %" G_GUINT32_FORMAT, node_id);
    default:
      g_return_val_if_reached (NULL);
    }
}

bool
nyx_tx_builder_add_mixnet_msg (NyxTxBuilder   *builder,
                               const char     *sender,
                               const char     *contract,
                               NyxMixnetAction action,
                               uint32_t        node_id,
                               const NyxCoin  *amount,
                               GError        **error)
{
  g_autofree char *json = NULL;

  if (action_key (action) == NULL)
    {
      g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_MESSAGE, "Unknown mixnet action %d", (int) action);
      return false;
    }
  /* Delegating without funds, or attaching funds where the contract refuses them, fails on chain. */
  if ((action == NYX_MIXNET_DELEGATE) != (amount != NULL))
    {
      if (action == NYX_MIXNET_DELEGATE)
        g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN, "A delegation needs an amount");
      else
        g_set_error (error, NYX_TX_ERROR, NYX_TX_ERROR_INVALID_COIN,
                     "Only a delegation carries funds; %s takes none", action_key (action));
      return false;
    }
  json = nyx_mixnet_msg_json (action, node_id);
  return nyx_tx_builder_add_msg_execute_contract (builder, sender, contract,
                                                  (const uint8_t *) json, strlen (json),
                                                  amount, amount != NULL ? 1 : 0, error);
}
