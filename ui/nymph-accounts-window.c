/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphAccountsWindow: the accounts of the open wallet, to add, rename, remove, or show their recovery phrase. */
#include "nymph-accounts-window.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crypto/nyx-secret.h"
#include "nymph-account.h"
#include "nymph-change-password-window.h"
#include "nymph-onboarding-window.h"

/*
 * nym-wallet's Accounts menu (spec §5.1): list, add (new words or an imported phrase),
 * rename, remove, and show the mnemonic only after the password. Each change goes through
 * the session, which re-encrypts the vault in a worker; this window only asks and reports.
 */
struct _NymphAccountsWindow
{
  AdwWindow           parent_instance;

  /* Template widgets */
  AdwToastOverlay    *toast_overlay;
  GtkMenuButton      *add_button;
  GtkListBox         *accounts_list;
  AdwActionRow       *change_password_row;

  /* Owned */
  NymphWalletSession *session;
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (NymphAccountsWindow, nymph_accounts_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphAccountsWindow *
nymph_accounts_window_new (GtkWindow          *parent,
                           NymphWalletSession *session)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (session), NULL);

  return g_object_new (NYMPH_TYPE_ACCOUNTS_WINDOW,
                       "transient-for", parent,
                       "session", session,
                       NULL);
}

/* Shows @toast over the account list; takes the floating reference, as AdwToastOverlay does. */
void
nymph_accounts_window_add_toast (NymphAccountsWindow *self,
                                 AdwToast            *toast)
{
  g_return_if_fail (NYMPH_IS_ACCOUNTS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
add_toast (NymphAccountsWindow *self,
           const char          *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Callbacks of the session hold a reference, so the window outlives the worker. */
typedef struct
{
  NymphAccountsWindow *self;
  char                *name;
} Request;

static Request *
request_new (NymphAccountsWindow *self,
             const char          *name)
{
  Request *request = g_new0 (Request, 1);

  request->self = g_object_ref (self);
  request->name = g_strdup (name);
  return request;
}

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_free (request->name);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
report (NymphAccountsWindow *self,
        const GError        *error,
        const char          *done)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    add_toast (self, nymph_wallet_session_get_error_message (self->session) != NULL
                     ? nymph_wallet_session_get_error_message (self->session) : error->message);
  else
    add_toast (self, done);
}

/* Rename ---------------------------------------------------------------------------------- */

static void
on_rename_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;

  nymph_wallet_session_rename_account_finish (NYMPH_WALLET_SESSION (source), result, &error);
  report (request->self, error, _("Account renamed"));
}

static void
on_rename_entry_changed (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  const char *old_name = g_object_get_data (G_OBJECT (dialog), "account-name");

  adw_message_dialog_set_response_enabled (dialog, "rename",
                                           name[0] != '\0' && strcmp (name, old_name) != 0);
}

static void
on_rename_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    NymphAccountsWindow *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *old_name = g_object_get_data (G_OBJECT (dialog), "account-name");
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  /* See on_reveal_response(). */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (g_strcmp0 (response, "rename") != 0)
    return;
  nymph_wallet_session_rename_account_async (self->session, old_name, name, self->cancellable,
                                             on_rename_done, request_new (self, name));
}

static void
rename_account (NymphAccountsWindow *self,
                NymphAccount        *account)
{
  const char *name = nymph_account_get_name (account);
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Rename Account"), NULL));
  g_object_set_data_full (G_OBJECT (dialog), "account-name", g_strdup (name), g_free);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Account name"), -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "rename", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "rename", FALSE);
  adw_message_dialog_set_default_response (dialog, "rename");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rename_entry_changed), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Remove ---------------------------------------------------------------------------------- */

static void
on_remove_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;

  nymph_wallet_session_remove_account_finish (NYMPH_WALLET_SESSION (source), result, &error);
  report (request->self, error, _("Account removed"));
}

static void
on_remove_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    NymphAccountsWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "account-name");

  if (g_strcmp0 (response, "remove") != 0)
    return;
  nymph_wallet_session_remove_account_async (self->session, name, self->cancellable,
                                             on_remove_done, request_new (self, name));
}

static void
remove_account (NymphAccountsWindow *self,
                NymphAccount        *account)
{
  const char *name = nymph_account_get_name (account);
  gboolean last = g_list_model_get_n_items (nymph_wallet_session_get_accounts (self->session)) == 1;
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), name);
  const char *body;
  AdwMessageDialog *dialog;

  /* The vault deletes the file with its last account, as nym-wallet does (spec §5.3). */
  body = last ? _("This is the wallet’s only account. Removing it deletes the wallet from this computer. "
                  "Its funds can then only be recovered with its recovery phrase.")
              : _("The account and its recovery phrase are removed from this wallet. "
                  "Its funds can then only be recovered with its recovery phrase.");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  g_object_set_data_full (G_OBJECT (dialog), "account-name", g_strdup (name), g_free);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Reveal ---------------------------------------------------------------------------------- */

static void
show_mnemonic (NymphAccountsWindow *self,
               const char          *name,
               const char          *mnemonic)
{
  g_autofree char *heading = g_strdup_printf (_("Recovery Phrase of “%s”"), name);
  AdwMessageDialog *dialog;
  GtkWidget *label = gtk_label_new (mnemonic);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("Anyone who sees these words can take everything in this account.")));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (card, "card");
  gtk_box_append (GTK_BOX (card), label);
  adw_message_dialog_set_extra_child (dialog, card);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_reveal_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  char *mnemonic;

  mnemonic = nymph_wallet_session_reveal_mnemonic_finish (NYMPH_WALLET_SESSION (source), result, &error);
  if (mnemonic == NULL)
    {
      report (request->self, error, NULL);
      return;
    }
  show_mnemonic (request->self, request->name, mnemonic);
  nyx_secret_free (mnemonic);
}

static void
on_reveal_response (AdwMessageDialog    *dialog,
                    const char          *response,
                    NymphAccountsWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "password-row");
  const char *name = g_object_get_data (G_OBJECT (dialog), "account-name");

  if (g_strcmp0 (response, "show") == 0)
    nymph_wallet_session_reveal_mnemonic_async (self->session, name, gtk_editable_get_text (entry),
                                                self->cancellable, on_reveal_done, request_new (self, name));
  gtk_editable_set_text (entry, "");
  /* GTK 4.8 notifies the focused editable of its window's changes while the closing dialog
   * disposes it; nothing is focused by then, so nothing reacts. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
}

static void
on_reveal_entry_changed (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "show", gtk_editable_get_text (entry)[0] != '\0');
}

static void
reveal_mnemonic (NymphAccountsWindow *self,
                 NymphAccount        *account)
{
  const char *name = nymph_account_get_name (account);
  g_autofree char *body = g_strdup_printf (_("Enter the wallet password to show the recovery phrase of “%s”."), name);
  AdwMessageDialog *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *entry = adw_password_entry_row_new ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Show Recovery Phrase"), body));
  g_object_set_data_full (G_OBJECT (dialog), "account-name", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (dialog), "password-row", entry);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _("Password"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (entry), TRUE);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), entry);
  adw_message_dialog_set_extra_child (dialog, list);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "show", _("_Show"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "show", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "show", FALSE);
  adw_message_dialog_set_default_response (dialog, "show");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_reveal_entry_changed), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reveal_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rows ------------------------------------------------------------------------------------ */

typedef void (*AccountFunc) (NymphAccountsWindow *self,
                             NymphAccount        *account);

static void
on_row_button_clicked (GtkButton           *button,
                       NymphAccountsWindow *self)
{
  AccountFunc func = (AccountFunc) g_object_get_data (G_OBJECT (button), "account-func");
  NymphAccount *account = g_object_get_data (G_OBJECT (button), "account");

  if (!nymph_wallet_session_get_busy (self->session))
    func (self, account);
}

static void
add_row_button (NymphAccountsWindow *self,
                AdwActionRow        *row,
                NymphAccount        *account,
                const char          *icon_name,
                const char          *tooltip,
                AccountFunc          func)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "account", g_object_ref (account), g_object_unref);
  g_object_set_data (G_OBJECT (button), "account-func", (gpointer) func);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_row_button_clicked), self, 0);
  adw_action_row_add_suffix (row, button);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  NymphAccountsWindow *self = user_data;
  NymphAccount *account = item;
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());

  g_object_bind_property (account, "name", row, "title", G_BINDING_SYNC_CREATE);
  adw_action_row_set_subtitle (row, nymph_account_get_address (account));
  gtk_widget_add_css_class (GTK_WIDGET (row), "property");
  add_row_button (self, row, account, "view-reveal-symbolic", _("Show Recovery Phrase"), reveal_mnemonic);
  add_row_button (self, row, account, "document-edit-symbolic", _("Rename"), rename_account);
  add_row_button (self, row, account, "user-trash-symbolic", _("Remove"), remove_account);
  return GTK_WIDGET (row);
}

static void
add_account (NymphAccountsWindow *self,
             NymphOnboardingMode  mode)
{
  NymphOnboardingWindow *window = nymph_onboarding_window_new (GTK_WINDOW (self), self->session, mode);

  gtk_window_present (GTK_WINDOW (window));
}

static void
add_new_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  add_account (NYMPH_ACCOUNTS_WINDOW (widget), NYMPH_ONBOARDING_MODE_ADD_NEW);
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  NymphAccountsWindow *self = NYMPH_ACCOUNTS_WINDOW (widget);
  NymphChangePasswordWindow *window = nymph_change_password_window_new (GTK_WINDOW (self), self->session);

  gtk_window_present (GTK_WINDOW (window));
}

static void
add_import_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  add_account (NYMPH_ACCOUNTS_WINDOW (widget), NYMPH_ONBOARDING_MODE_ADD_IMPORT);
}

/* Locking, or removing the last account, leaves nothing to show here. */
static void
on_state_changed (NymphAccountsWindow *self)
{
  if (nymph_wallet_session_get_state (self->session) != NYMPH_WALLET_STATE_UNLOCKED)
    gtk_window_close (GTK_WINDOW (self));
}

static void
on_busy_changed (NymphAccountsWindow *self)
{
  gboolean busy = nymph_wallet_session_get_busy (self->session);

  gtk_widget_set_sensitive (GTK_WIDGET (self->accounts_list), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_password_row), !busy);
}

/* GObject --------------------------------------------------------------------------------- */

static void
nymph_accounts_window_constructed (GObject *object)
{
  NymphAccountsWindow *self = NYMPH_ACCOUNTS_WINDOW (object);

  G_OBJECT_CLASS (nymph_accounts_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);
  gtk_list_box_bind_model (self->accounts_list, nymph_wallet_session_get_accounts (self->session),
                           create_row, self, NULL);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (on_busy_changed), self, G_CONNECT_SWAPPED);
  on_busy_changed (self);
}

static gboolean
nymph_accounts_window_close_request (GtkWindow *window)
{
  g_cancellable_cancel (NYMPH_ACCOUNTS_WINDOW (window)->cancellable);

  return GTK_WINDOW_CLASS (nymph_accounts_window_parent_class)->close_request (window);
}

static void
nymph_accounts_window_dispose (GObject *object)
{
  NymphAccountsWindow *self = NYMPH_ACCOUNTS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->accounts_list != NULL)
    gtk_list_box_bind_model (self->accounts_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_ACCOUNTS_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (nymph_accounts_window_parent_class)->dispose (object);
}

static void
nymph_accounts_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  NymphAccountsWindow *self = NYMPH_ACCOUNTS_WINDOW (object);

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
nymph_accounts_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  NymphAccountsWindow *self = NYMPH_ACCOUNTS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_accounts_window_class_init (NymphAccountsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nymph_accounts_window_constructed;
  object_class->dispose = nymph_accounts_window_dispose;
  object_class->get_property = nymph_accounts_window_get_property;
  object_class->set_property = nymph_accounts_window_set_property;
  window_class->close_request = nymph_accounts_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-accounts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphAccountsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NymphAccountsWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, NymphAccountsWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, NymphAccountsWindow, change_password_row);

  gtk_widget_class_install_action (widget_class, "accounts.add-new", NULL, add_new_action);
  gtk_widget_class_install_action (widget_class, "accounts.add-import", NULL, add_import_action);
  gtk_widget_class_install_action (widget_class, "accounts.change-password", NULL, change_password_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nymph_accounts_window_init (NymphAccountsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}
