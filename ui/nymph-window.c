/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The main window: the Wallet, Staking and Privacy views under one header bar. */
#include "nymph-window.h"

#include <glib/gi18n.h>

#include "nymph-accounts-window.h"
#include "nymph-change-password-window.h"
#include "nymph-privacy-page.h"
#include "nymph-staking-page.h"
#include "nymph-wallet-page.h"
#include "nymph-wallet-session.h"

struct _NymphWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  AdwViewStack        *view_stack;
  AdwViewSwitcherTitle *switcher_title;
  NymphWalletPage     *wallet_page;
  NymphStakingPage    *staking_page;

  /* Owned */
  GSettings           *settings;
  NymphWalletSession  *session;
};

G_DEFINE_FINAL_TYPE (NymphWindow, nymph_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_VISIBLE_VIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const view_names[] = { "wallet", "staking", "privacy" };

static gboolean
is_view_name (const char *view)
{
  for (size_t i = 0; i < G_N_ELEMENTS (view_names); i++)
    if (g_strcmp0 (view, view_names[i]) == 0)
      return TRUE;
  return FALSE;
}

NymphWindow *
nymph_window_new (AdwApplication *application)
{
  g_return_val_if_fail (ADW_IS_APPLICATION (application), NULL);

  return g_object_new (NYMPH_TYPE_WINDOW, "application", application, NULL);
}

const char *
nymph_window_get_visible_view (NymphWindow *self)
{
  g_return_val_if_fail (NYMPH_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
nymph_window_set_visible_view (NymphWindow *self,
                               const char  *view)
{
  g_return_if_fail (NYMPH_IS_WINDOW (self));
  g_return_if_fail (is_view_name (view));

  adw_view_stack_set_visible_child_name (self->view_stack, view);
}

void
nymph_window_add_toast (NymphWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (NYMPH_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The application's session, or NULL before the window is constructed. */
NymphWalletSession *
nymph_window_get_session (NymphWindow *self)
{
  g_return_val_if_fail (NYMPH_IS_WINDOW (self), NULL);

  return self->session;
}

static void
update_wallet_actions (NymphWindow *self)
{
  gboolean unlocked = nymph_wallet_session_get_state (self->session) == NYMPH_WALLET_STATE_UNLOCKED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", unlocked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accounts", unlocked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.change-password", unlocked);
}

/* Lock clears the decrypted vault from memory; the Wallet view returns to the unlock screen. */
static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NymphWindow *self = NYMPH_WINDOW (widget);

  if (self->session != NULL)
    nymph_wallet_session_lock (self->session);
}

static void
accounts_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  NymphWindow *self = NYMPH_WINDOW (widget);
  NymphAccountsWindow *accounts;

  if (self->session == NULL || nymph_wallet_session_get_state (self->session) != NYMPH_WALLET_STATE_UNLOCKED)
    return;
  accounts = nymph_accounts_window_new (GTK_WINDOW (self), self->session);
  gtk_window_present (GTK_WINDOW (accounts));
}

static void
change_password_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  NymphWindow *self = NYMPH_WINDOW (widget);
  NymphChangePasswordWindow *dialog;

  if (self->session == NULL || nymph_wallet_session_get_state (self->session) != NYMPH_WALLET_STATE_UNLOCKED)
    return;
  dialog = nymph_change_password_window_new (GTK_WINDOW (self), self->session);
  gtk_window_present (GTK_WINDOW (dialog));
}

/*
 * The application owns the one wallet session ("session" property of NymphApplication);
 * libnymphui cannot include the application's header, so the property is looked up by
 * name. GtkWindow sets its application after construction, so this runs when it changes;
 * a window without such an application gets a session of its own.
 */
static void
bind_session (NymphWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  GParamSpec *pspec = application != NULL
                      ? g_object_class_find_property (G_OBJECT_GET_CLASS (application), "session")
                      : NULL;
  g_autoptr(NymphWalletSession) session = NULL;

  /* The application is also unset while the window is destroyed, after its pages went. */
  if (self->wallet_page == NULL)
    return;
  if (pspec != NULL && pspec->value_type == NYMPH_TYPE_WALLET_SESSION)
    g_object_get (application, "session", &session, NULL);
  if (session == NULL && self->session != NULL)
    return;
  if (session == NULL)
    session = nymph_wallet_session_new (NULL);
  if (session == self->session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  nymph_wallet_page_set_session (self->wallet_page, self->session);
  nymph_staking_page_set_session (self->staking_page, self->session);
  g_signal_connect_object (self->session, "notify::state", G_CALLBACK (update_wallet_actions), self,
                           G_CONNECT_SWAPPED);
  update_wallet_actions (self);
}

static void
on_visible_view_changed (NymphWindow *self)
{
  /* The stack already notifies while the template is still being built and while it is
   * being disposed, when there is no view to report. */
  if (self->view_stack == NULL)
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_VIEW]);
}

/*
 * The size is saved only when the window is neither maximized nor fullscreen, so that
 * un-maximizing after the next start returns to the size the user chose, as GNOME apps do.
 */
static void
save_window_state (NymphWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width = 0;
  int height = 0;

  g_settings_delay (self->settings);
  if (!maximized && !gtk_window_is_fullscreen (GTK_WINDOW (self)))
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  g_settings_set_string (self->settings, "last-view", nymph_window_get_visible_view (self));
  g_settings_apply (self->settings);
}

static void
restore_window_state (NymphWindow *self)
{
  g_autofree char *view = g_settings_get_string (self->settings, "last-view");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  nymph_window_set_visible_view (self, view);
}

static gboolean
nymph_window_close_request (GtkWindow *window)
{
  save_window_state (NYMPH_WINDOW (window));

  return GTK_WINDOW_CLASS (nymph_window_parent_class)->close_request (window);
}

static void
nymph_window_constructed (GObject *object)
{
  NymphWindow *self = NYMPH_WINDOW (object);

  G_OBJECT_CLASS (nymph_window_parent_class)->constructed (object);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  bind_session (self);
  g_signal_connect (self, "notify::application", G_CALLBACK (bind_session), NULL);
  restore_window_state (self);
}

static void
nymph_window_dispose (GObject *object)
{
  NymphWindow *self = NYMPH_WINDOW (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (nymph_window_parent_class)->dispose (object);
}

static void
nymph_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NymphWindow *self = NYMPH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_VIEW:
      /* Buttons bound to "win.view" ask for its state while the template is still being
       * built, before the stack exists; the first view is the one that will show then. */
      g_value_set_string (value, self->view_stack != NULL ? nymph_window_get_visible_view (self) : view_names[0]);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  NymphWindow *self = NYMPH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_VISIBLE_VIEW:
      /* The property backs the stateful "win.view" action, so an unknown name from an
       * accelerator or a D-Bus caller is ignored rather than trusted. */
      if (is_view_name (g_value_get_string (value)))
        nymph_window_set_visible_view (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_window_class_init (NymphWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nymph_window_constructed;
  object_class->dispose = nymph_window_dispose;
  object_class->get_property = nymph_window_get_property;
  object_class->set_property = nymph_window_set_property;
  window_class->close_request = nymph_window_close_request;

  properties[PROP_VISIBLE_VIEW] =
    g_param_spec_string ("visible-view", NULL, NULL,
                         "wallet",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NYMPH_TYPE_WALLET_PAGE);
  g_type_ensure (NYMPH_TYPE_STAKING_PAGE);
  g_type_ensure (NYMPH_TYPE_PRIVACY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NymphWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NymphWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, NymphWindow, wallet_page);
  gtk_widget_class_bind_template_child (widget_class, NymphWindow, staking_page);
  gtk_widget_class_bind_template_callback (widget_class, on_visible_view_changed);

  /* "win.view" is stateful: its state is the visible view, so menus and the shortcuts
   * window always agree with what is on screen. */
  gtk_widget_class_install_property_action (widget_class, "win.view", "visible-view");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.view", "s", "wallet");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.view", "s", "staking");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.view", "s", "privacy");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_install_action (widget_class, "win.accounts", NULL, accounts_action);
  gtk_widget_class_install_action (widget_class, "win.change-password", NULL, change_password_action);
}

static void
nymph_window_init (NymphWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.accounts", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.change-password", FALSE);
}
