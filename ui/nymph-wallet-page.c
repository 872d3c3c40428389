/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Wallet view: the first-run page until a wallet exists. */
#include "nymph-wallet-page.h"

#include <glib/gi18n.h>

struct _NymphWalletPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  GtkStack      *stack;
  AdwStatusPage *welcome_status_page;
};

G_DEFINE_FINAL_TYPE (NymphWalletPage, nymph_wallet_page, GTK_TYPE_WIDGET)

NymphWalletPage *
nymph_wallet_page_new (void)
{
  return g_object_new (NYMPH_TYPE_WALLET_PAGE, NULL);
}

/*
 * The wallet library (keys, vault) lands in a later version. Until then the first-run
 * buttons say plainly that nothing was created or opened, rather than pretending.
 */
static void
explain_unavailable (NymphWalletPage *self,
                     const char      *heading,
                     const char      *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  explain_unavailable (NYMPH_WALLET_PAGE (widget),
                       _("Creating Wallets Is Not Available Yet"),
                       _("This version of Nymph cannot create wallets yet. Nothing was created and no keys were generated."));
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  explain_unavailable (NYMPH_WALLET_PAGE (widget),
                       _("Restoring Wallets Is Not Available Yet"),
                       _("This version of Nymph cannot restore wallets from a recovery phrase yet. Nothing was stored."));
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  explain_unavailable (NYMPH_WALLET_PAGE (widget),
                       _("Opening nym-wallet Files Is Not Available Yet"),
                       _("This version of Nymph cannot read nym-wallet files yet. No file was opened."));
}

static void
nymph_wallet_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), NYMPH_TYPE_WALLET_PAGE);

  G_OBJECT_CLASS (nymph_wallet_page_parent_class)->dispose (object);
}

static void
nymph_wallet_page_class_init (NymphWalletPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_wallet_page_dispose;

  /* One child that fills the page, as in an AdwBin, but disposed with the template. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-wallet-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, stack);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, welcome_status_page);

  gtk_widget_class_install_action (widget_class, "wallet.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "wallet.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "wallet.open-file", NULL, open_file_action);
}

static void
nymph_wallet_page_init (NymphWalletPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
