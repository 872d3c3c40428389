/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Staking view: delegations to Nym nodes; points to the Wallet view until a wallet exists. */
#include "nymph-staking-page.h"

struct _NymphStakingPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  AdwStatusPage *no_wallet_status_page;
};

G_DEFINE_FINAL_TYPE (NymphStakingPage, nymph_staking_page, GTK_TYPE_WIDGET)

NymphStakingPage *
nymph_staking_page_new (void)
{
  return g_object_new (NYMPH_TYPE_STAKING_PAGE, NULL);
}

static void
nymph_staking_page_dispose (GObject *object)
{
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
}

static void
nymph_staking_page_init (NymphStakingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
