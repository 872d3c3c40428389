/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphChangePasswordWindow: asks for the current and a new wallet password and has the session re-encrypt the vault. */
#include "nymph-change-password-window.h"

#include <string.h>

#include <glib/gi18n.h>

#include "nymph-accounts-window.h"
#include "nymph-password-strength.h"
#include "nymph-window.h"
#include "vault/nyx-vault.h"

/*
 * Two steps: "form", where Change is enabled once the current password is typed and the new
 * one is strong enough, repeated, and different; then "progress" with a spinner while the
 * session's worker checks the current password and runs Argon2id for the new one. Success
 * closes the window with a toast in its parent; an error brings the form back with the
 * message next to the field it concerns. A wrong current password writes nothing.
 */
struct _NymphChangePasswordWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkButton           *change_button;
  AdwPasswordEntryRow *current_row;
  GtkLabel            *current_error_label;
  AdwPasswordEntryRow *new_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLevelBar         *strength_bar;
  GtkLabel            *strength_label;
  GtkLabel            *new_error_label;
  GtkSpinner          *progress_spinner;

  /* Owned */
  NymphWalletSession  *session;
  GCancellable        *cancellable;
  gboolean             working;
};

G_DEFINE_FINAL_TYPE (NymphChangePasswordWindow, nymph_change_password_window, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphChangePasswordWindow *
nymph_change_password_window_new (GtkWindow          *parent,
                                  NymphWalletSession *session)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (session), NULL);

  return g_object_new (NYMPH_TYPE_CHANGE_PASSWORD_WINDOW,
                       "transient-for", parent,
                       "session", session,
                       NULL);
}

const char *
nymph_change_password_window_get_step (NymphChangePasswordWindow *self)
{
  g_return_val_if_fail (NYMPH_IS_CHANGE_PASSWORD_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static const char *
get_text (AdwPasswordEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
show_new_error (NymphChangePasswordWindow *self,
                const char                *message)
{
  gtk_label_set_text (self->new_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->new_error_label), message != NULL);
}

/* What is wrong with the new password as typed so far, or NULL. */
static const char *
describe_new_problem (NymphChangePasswordWindow *self)
{
  const char *current = get_text (self->current_row);
  const char *new_password = get_text (self->new_row);
  const char *confirm = get_text (self->confirm_row);

  if (confirm[0] != '\0' && strcmp (new_password, confirm) != 0)
    return _("The new passwords do not match");
  if (new_password[0] != '\0' && strcmp (new_password, current) == 0)
    return _("The new password is the same as the current one");
  if (strlen (new_password) > NYX_VAULT_MAX_PASSWORD_LENGTH)
    return _("The new password is too long");
  return NULL;
}

static gboolean
form_is_complete (NymphChangePasswordWindow *self)
{
  const char *current = get_text (self->current_row);
  const char *new_password = get_text (self->new_row);

  return current[0] != '\0'
         && nymph_password_is_acceptable (new_password, get_text (self->confirm_row))
         && strcmp (new_password, current) != 0;
}

static void
update_form (NymphChangePasswordWindow *self)
{
  nymph_password_strength_show (get_text (self->new_row), self->strength_bar, self->strength_label);
  show_new_error (self, describe_new_problem (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "change-password.change",
                                 !self->working && form_is_complete (self));
}

static void
on_current_changed (NymphChangePasswordWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->current_error_label), FALSE);
  update_form (self);
}

static void
on_new_changed (NymphChangePasswordWindow *self)
{
  update_form (self);
}

static void
set_working (NymphChangePasswordWindow *self,
             gboolean                   working)
{
  self->working = working;
  gtk_stack_set_visible_child_name (self->stack, working ? "progress" : "form");
  gtk_spinner_set_spinning (self->progress_spinner, working);
  update_form (self);
}

static void
add_toast_to_parent (NymphChangePasswordWindow *self,
                     const char                *message)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (NYMPH_IS_WINDOW (parent))
    nymph_window_add_toast (NYMPH_WINDOW (parent), adw_toast_new (message));
  else if (NYMPH_IS_ACCOUNTS_WINDOW (parent))
    nymph_accounts_window_add_toast (NYMPH_ACCOUNTS_WINDOW (parent), adw_toast_new (message));
}

static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(NymphChangePasswordWindow) self = user_data;
  NymphWalletSession *session = NYMPH_WALLET_SESSION (source);
  g_autoptr(GError) error = NULL;

  if (nymph_wallet_session_change_password_finish (session, result, &error))
    {
      const char *keyring_message = nymph_wallet_session_get_error_message (session);

      /* The keyring's trouble, if any, matters more than the news the user expects. */
      add_toast_to_parent (self, keyring_message != NULL ? keyring_message : _("Password changed"));
      if (!g_cancellable_is_cancelled (self->cancellable))
        gtk_window_close (GTK_WINDOW (self));
      return;
    }
  /* The window was closed while the worker ran; there is nobody to tell. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  set_working (self, FALSE);
  if (g_error_matches (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
      gtk_label_set_text (self->current_error_label, _("The current password is wrong. Nothing was changed."));
      gtk_widget_set_visible (GTK_WIDGET (self->current_error_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->current_row));
    }
  else
    show_new_error (self, error->message);
}

static void
change_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (widget);

  if (self->working || !form_is_complete (self))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->current_error_label), FALSE);
  /* The session copies both passwords into protected memory before this returns. */
  nymph_wallet_session_change_password_async (self->session, get_text (self->current_row), get_text (self->new_row),
                                              self->cancellable, on_change_done, g_object_ref (self));
  set_working (self, TRUE);
}

static void
on_entry_activated (NymphChangePasswordWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "change-password.change", NULL);
}

/* Locking (from another window, or Ctrl+L) leaves no vault whose password could change. */
static void
on_state_changed (NymphChangePasswordWindow *self)
{
  if (nymph_wallet_session_get_state (self->session) != NYMPH_WALLET_STATE_UNLOCKED)
    gtk_window_close (GTK_WINDOW (self));
}

/* GObject --------------------------------------------------------------------------------- */

static void
nymph_change_password_window_constructed (GObject *object)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (object);

  G_OBJECT_CLASS (nymph_change_password_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (on_state_changed), self, G_CONNECT_SWAPPED);
  update_form (self);
}

static gboolean
nymph_change_password_window_close_request (GtkWindow *window)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (window);

  /* A worker that already runs finishes in the session, which stays consistent with the file. */
  g_cancellable_cancel (self->cancellable);
  /* The entries hold passwords; empty them before the window goes. */
  gtk_editable_set_text (GTK_EDITABLE (self->current_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");

  return GTK_WINDOW_CLASS (nymph_change_password_window_parent_class)->close_request (window);
}

static void
nymph_change_password_window_dispose (GObject *object)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_CHANGE_PASSWORD_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (nymph_change_password_window_parent_class)->dispose (object);
}

static void
nymph_change_password_window_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (object);

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
nymph_change_password_window_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  NymphChangePasswordWindow *self = NYMPH_CHANGE_PASSWORD_WINDOW (object);

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
nymph_change_password_window_class_init (NymphChangePasswordWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nymph_change_password_window_constructed;
  object_class->dispose = nymph_change_password_window_dispose;
  object_class->get_property = nymph_change_password_window_get_property;
  object_class->set_property = nymph_change_password_window_set_property;
  window_class->close_request = nymph_change_password_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-change-password-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, change_button);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, current_row);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, current_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, new_row);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, strength_label);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, new_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphChangePasswordWindow, progress_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_current_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_new_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "change-password.change", NULL, change_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nymph_change_password_window_init (NymphChangePasswordWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  nymph_password_strength_init_bar (self->strength_bar);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "change-password.change", FALSE);
}
