/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Staking view: delegations to Nym nodes; points to the Wallet view until a wallet is open. */
#include "nymph-staking-page.h"

#include <glib/gi18n.h>

struct _NymphStakingPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  AdwStatusPage *no_wallet_status_page;
  GtkButton     *go_to_wallet_button;

  /* Owned */
  NymphWalletSession *session;
};

G_DEFINE_FINAL_TYPE (NymphStakingPage, nymph_staking_page, GTK_TYPE_WIDGET)

NymphStakingPage *
nymph_staking_page_new (void)
{
  return g_object_new (NYMPH_TYPE_STAKING_PAGE, NULL);
}

/* Delegations need an open wallet; until then the page says why and leads to the Wallet view. */
static void
update_state (NymphStakingPage *self)
{
  NymphWalletState state = self->session != NULL ? nymph_wallet_session_get_state (self->session)
                                                 : NYMPH_WALLET_STATE_NO_WALLET;

  switch (state)
    {
    case NYMPH_WALLET_STATE_NO_WALLET:
      adw_status_page_set_title (self->no_wallet_status_page, _("No Wallet Yet"));
      adw_status_page_set_description (self->no_wallet_status_page,
                                       _("Delegate NYM to Nym nodes and earn rewards once you have a wallet."));
      gtk_widget_set_visible (GTK_WIDGET (self->go_to_wallet_button), TRUE);
      break;

    case NYMPH_WALLET_STATE_LOCKED:
    case NYMPH_WALLET_STATE_UNLOCKING:
      adw_status_page_set_title (self->no_wallet_status_page, _("Wallet Locked"));
      adw_status_page_set_description (self->no_wallet_status_page,
                                       _("Unlock your wallet to see and manage your delegations."));
      gtk_widget_set_visible (GTK_WIDGET (self->go_to_wallet_button), TRUE);
      break;

    case NYMPH_WALLET_STATE_UNLOCKED:
    default:
      adw_status_page_set_title (self->no_wallet_status_page, _("Staking"));
      adw_status_page_set_description (self->no_wallet_status_page,
                                       _("This version of Nymph does not load delegations yet."));
      gtk_widget_set_visible (GTK_WIDGET (self->go_to_wallet_button), FALSE);
      break;
    }
}

void
nymph_staking_page_set_session (NymphStakingPage   *self,
                                NymphWalletSession *session)
{
  g_return_if_fail (NYMPH_IS_STAKING_PAGE (self));
  g_return_if_fail (session == NULL || NYMPH_IS_WALLET_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  update_state (self);
}

static void
nymph_staking_page_dispose (GObject *object)
{
  NymphStakingPage *self = NYMPH_STAKING_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (object), NYMPH_TYPE_STAKING_PAGE);

  G_OBJECT_CLASS (nymph_staking_page_parent_class)->dispose (object);
}

static void
nymph_staking_page_class_init (NymphStakingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_staking_page_dispose;

  /* One child that fills the page, as in an AdwBin, but disposed with the template. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-staking-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphStakingPage, no_wallet_status_page);
  gtk_widget_class_bind_template_child (widget_class, NymphStakingPage, go_to_wallet_button);
}

static void
nymph_staking_page_init (NymphStakingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
