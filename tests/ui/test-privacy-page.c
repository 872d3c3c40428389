/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphPrivacyPage: while there is no mixnet client it must never claim protection. */
#include <gtk/gtk.h>

#include "nymph-privacy-page.h"
#include "nymph-ui.h"

static void
test_privacy_page_new_and_finalize (void)
{
  NymphPrivacyPage *page = g_object_ref_sink (nymph_privacy_page_new ());

  g_assert_true (NYMPH_IS_PRIVACY_PAGE (page));
  g_assert_finalize_object (page);
}

/* UX.md: the UI never says "protected" when it is not, and offers no switch that does
 * nothing. */
static void
test_privacy_page_is_honest (void)
{
  NymphPrivacyPage *page = g_object_ref_sink (nymph_privacy_page_new ());
  AdwStatusPage *status = ADW_STATUS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                          NYMPH_TYPE_PRIVACY_PAGE,
                                                                          "status_page"));
  g_autofree char *title = g_utf8_strdown (adw_status_page_get_title (status), -1);
  g_autofree char *description = g_utf8_strdown (adw_status_page_get_description (status), -1);

  g_assert_null (strstr (title, "protected"));
  g_assert_null (strstr (description, "protected"));
  g_assert_nonnull (strstr (description, "no traffic is routed"));
  g_assert_null (adw_status_page_get_child (status));
  g_assert_finalize_object (page);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  nymph_ui_init ();

  g_test_add_func ("/privacy-page/new-and-finalize", test_privacy_page_new_and_finalize);
  g_test_add_func ("/privacy-page/is-honest", test_privacy_page_is_honest);

  return g_test_run ();
}
