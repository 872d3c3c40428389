/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Privacy view: the mixnet switch and SOCKS5 proxy; says so honestly while there is no mixnet client. */
#include "nymph-privacy-page.h"

struct _NymphPrivacyPage
{
  GtkWidget      parent_instance;

  /* Template widgets */
  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (NymphPrivacyPage, nymph_privacy_page, GTK_TYPE_WIDGET)

NymphPrivacyPage *
nymph_privacy_page_new (void)
{
  return g_object_new (NYMPH_TYPE_PRIVACY_PAGE, NULL);
}

static void
nymph_privacy_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), NYMPH_TYPE_PRIVACY_PAGE);

  G_OBJECT_CLASS (nymph_privacy_page_parent_class)->dispose (object);
}

static void
nymph_privacy_page_class_init (NymphPrivacyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_privacy_page_dispose;

  /* One child that fills the page, as in an AdwBin, but disposed with the template. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-privacy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphPrivacyPage, status_page);
}

static void
nymph_privacy_page_init (NymphPrivacyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
