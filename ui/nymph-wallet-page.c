/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Wallet view: the first-run page, the unlock screen, or the open wallet's account. */
#include "nymph-wallet-page.h"

#include <glib/gi18n.h>

#include "nymph-account.h"
#include "nymph-onboarding-window.h"
#include "nymph-remember-row.h"
#include "nymph-window.h"

/*
 * The page shows what the session's state says: no wallet → the first-run page, locked or
 * unlocking → the unlock screen, unlocked → the selected account. It holds no wallet state
 * of its own; the unlock password goes from the entry straight to the session and the entry
 * is cleared.
 */
struct _NymphWalletPage
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkStack           *stack;
  AdwStatusPage      *welcome_status_page;
  AdwPasswordEntryRow *unlock_password_row;
  GtkLabel           *unlock_error_label;
  GtkSpinner         *unlock_spinner;
  GtkButton          *unlock_button;
  NymphRememberRow   *remember_row;
  AdwStatusPage      *account_status_page;
  GtkLabel           *address_label;
  AdwComboRow        *account_combo_row;

  /* Owned */
  NymphWalletSession *session;
  GCancellable       *cancellable;
  guint               sync_source;
  gboolean            syncing_selection;
};

G_DEFINE_FINAL_TYPE (NymphWalletPage, nymph_wallet_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphWalletPage *
nymph_wallet_page_new (void)
{
  return g_object_new (NYMPH_TYPE_WALLET_PAGE, NULL);
}

NymphWalletSession *
nymph_wallet_page_get_session (NymphWalletPage *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_PAGE (self), NULL);

  return self->session;
}

static GtkWindow *
get_parent_window (NymphWalletPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
update_state (NymphWalletPage *self)
{
  NymphWalletState state = nymph_wallet_session_get_state (self->session);
  const char *page = "welcome";

  switch (state)
    {
    case NYMPH_WALLET_STATE_NO_WALLET:
      page = "welcome";
      break;
    case NYMPH_WALLET_STATE_LOCKED:
    case NYMPH_WALLET_STATE_UNLOCKING:
      page = "unlock";
      break;
    case NYMPH_WALLET_STATE_UNLOCKED:
      page = "unlocked";
      break;
    default:
      g_assert_not_reached ();
    }
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wallet.create", state == NYMPH_WALLET_STATE_NO_WALLET);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wallet.restore", state == NYMPH_WALLET_STATE_NO_WALLET);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wallet.open-file", state == NYMPH_WALLET_STATE_NO_WALLET);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wallet.copy-address", state == NYMPH_WALLET_STATE_UNLOCKED);
}

static void
update_busy (NymphWalletPage *self)
{
  gboolean busy = nymph_wallet_session_get_busy (self->session);

  gboolean unlocking = busy && nymph_wallet_session_get_state (self->session) == NYMPH_WALLET_STATE_UNLOCKING;

  gtk_spinner_set_spinning (self->unlock_spinner, unlocking);
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_spinner), unlocking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->remember_row),
                            !busy && nymph_wallet_session_get_keyring_available (self->session));
}

/* Only the unlock screen shows the session's error in place; other screens show their own. */
static void
update_error (NymphWalletPage *self)
{
  const char *message = nymph_wallet_session_get_error_message (self->session);
  gboolean shown = message != NULL && nymph_wallet_session_get_state (self->session) == NYMPH_WALLET_STATE_LOCKED;

  gtk_label_set_text (self->unlock_error_label, shown ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_error_label), shown);
}

/*
 * The account switcher follows the session's selection from an idle: the session changes
 * its selection while its account list is being changed, and a selection model must not be
 * changed while it is still handling that list change (every window shares the session).
 */
static gboolean
sync_account_switcher (gpointer user_data)
{
  NymphWalletPage *self = user_data;
  const char *name = nymph_wallet_session_get_selected_account (self->session);
  GListModel *accounts = nymph_wallet_session_get_accounts (self->session);
  guint n = g_list_model_get_n_items (accounts);

  self->sync_source = 0;
  self->syncing_selection = TRUE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NymphAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (nymph_account_get_name (account), name) == 0)
        adw_combo_row_set_selected (self->account_combo_row, i);
    }
  self->syncing_selection = FALSE;
  return G_SOURCE_REMOVE;
}

static void
update_account (NymphWalletPage *self)
{
  const char *name = nymph_wallet_session_get_selected_account (self->session);
  const char *address = nymph_wallet_session_get_address (self->session);

  adw_status_page_set_title (self->account_status_page, name != NULL ? name : "");
  gtk_label_set_text (self->address_label, address != NULL ? address : "");
  if (self->sync_source == 0)
    self->sync_source = g_idle_add (sync_account_switcher, self);
}

static void
on_account_selected (NymphWalletPage *self)
{
  NymphAccount *account;

  if (self->session == NULL || self->syncing_selection)
    return;
  account = adw_combo_row_get_selected_item (self->account_combo_row);
  if (account != NULL)
    nymph_wallet_session_set_selected_account (self->session, nymph_account_get_name (account));
}

static void
on_session_notify (NymphWalletPage *self)
{
  update_state (self);
  update_busy (self);
  update_error (self);
  update_account (self);
}

static void
on_unlock_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NymphWalletPage) self = user_data;
  NymphWalletSession *session = NYMPH_WALLET_SESSION (source);
  g_autoptr(GError) error = NULL;
  GtkWindow *window = get_parent_window (self);

  /* The session keeps the message for the screen; a wrong password is no failure of ours. */
  if (!nymph_wallet_session_unlock_finish (session, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (self->unlock_password_row));
    }
  /* Unlocked, but the keyring refused the password: the unlock screen is gone, so say it here. */
  else if (nymph_wallet_session_get_error_message (session) != NULL && NYMPH_IS_WINDOW (window))
    nymph_window_add_toast (NYMPH_WINDOW (window),
                            adw_toast_new (nymph_wallet_session_get_error_message (session)));
}

static void
on_unlock_activated (NymphWalletPage *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->unlock_password_row));

  if (self->session == NULL || password[0] == '\0' || nymph_wallet_session_get_busy (self->session))
    return;
  /* The session copies the password into protected memory before this returns. */
  nymph_wallet_session_unlock_async (self->session, password, self->cancellable,
                                     on_unlock_done, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_password_row), "");
}

void
nymph_wallet_page_set_session (NymphWalletPage    *self,
                               NymphWalletSession *session)
{
  g_return_if_fail (NYMPH_IS_WALLET_PAGE (self));
  g_return_if_fail (session == NULL || NYMPH_IS_WALLET_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  nymph_remember_row_set_session (self->remember_row, session);
  if (session != NULL)
    {
      g_signal_connect_object (session, "notify", G_CALLBACK (on_session_notify), self, G_CONNECT_SWAPPED);
      adw_combo_row_set_model (self->account_combo_row, nymph_wallet_session_get_accounts (session));
      on_session_notify (self);
    }
  else
    adw_combo_row_set_model (self->account_combo_row, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
open_onboarding (NymphWalletPage     *self,
                 NymphOnboardingMode  mode)
{
  NymphOnboardingWindow *window;

  if (self->session == NULL)
    return;
  window = nymph_onboarding_window_new (get_parent_window (self), self->session, mode);
  gtk_window_present (GTK_WINDOW (window));
  if (mode == NYMPH_ONBOARDING_MODE_OPEN_FILE)
    nymph_onboarding_window_choose_file (window);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_onboarding (NYMPH_WALLET_PAGE (widget), NYMPH_ONBOARDING_MODE_CREATE);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_onboarding (NYMPH_WALLET_PAGE (widget), NYMPH_ONBOARDING_MODE_RESTORE);
}

static void
open_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  open_onboarding (NYMPH_WALLET_PAGE (widget), NYMPH_ONBOARDING_MODE_OPEN_FILE);
}

static void
copy_address_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NymphWalletPage *self = NYMPH_WALLET_PAGE (widget);
  const char *address = self->session != NULL ? nymph_wallet_session_get_address (self->session) : NULL;
  GtkWindow *window = get_parent_window (self);

  if (address == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), address);
  if (NYMPH_IS_WINDOW (window))
    nymph_window_add_toast (NYMPH_WINDOW (window), adw_toast_new (_("Address copied")));
}

static void
nymph_wallet_page_dispose (GObject *object)
{
  NymphWalletPage *self = NYMPH_WALLET_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sync_source, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  gtk_widget_dispose_template (GTK_WIDGET (object), NYMPH_TYPE_WALLET_PAGE);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (nymph_wallet_page_parent_class)->dispose (object);
}

static void
nymph_wallet_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  NymphWalletPage *self = NYMPH_WALLET_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_wallet_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  NymphWalletPage *self = NYMPH_WALLET_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      nymph_wallet_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_wallet_page_class_init (NymphWalletPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_wallet_page_dispose;
  object_class->get_property = nymph_wallet_page_get_property;
  object_class->set_property = nymph_wallet_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NYMPH_TYPE_ACCOUNT);
  g_type_ensure (NYMPH_TYPE_REMEMBER_ROW);

  /* One child that fills the page, as in an AdwBin, but disposed with the template. */
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-wallet-page.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, stack);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, welcome_status_page);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, unlock_password_row);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, unlock_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, unlock_spinner);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, remember_row);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, account_status_page);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, address_label);
  gtk_widget_class_bind_template_child (widget_class, NymphWalletPage, account_combo_row);
  gtk_widget_class_bind_template_callback (widget_class, on_unlock_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_account_selected);

  gtk_widget_class_install_action (widget_class, "wallet.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "wallet.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "wallet.open-file", NULL, open_file_action);
  gtk_widget_class_install_action (widget_class, "wallet.copy-address", NULL, copy_address_action);
}

static void
nymph_wallet_page_init (NymphWalletPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wallet.copy-address", FALSE);
}
