/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphRememberRow: the "Remember Password" switch of the unlock and set-password screens, bound to the wallet session. */
#include "nymph-remember-row.h"

#include <glib/gi18n.h>

/*
 * The switch is the session's "remember-password" property, in both directions, so every
 * screen that shows one agrees. Without a Secret Service the row is insensitive and says
 * why, in its subtitle and its tooltip (GTK 4 shows tooltips of insensitive widgets).
 */
struct _NymphRememberRow
{
  AdwActionRow        parent_instance;

  /* Template widgets */
  GtkSwitch          *remember_switch;

  /* Borrowed, as a weak pointer: the window that shows the row owns the session. GTK 4.8
   * kept such a row of a destroyed window alive (the onboarding window's file step, after
   * its password entry had the focus), and the row must not keep the wallet session alive. */
  NymphWalletSession *session;

  /* Owned */
  GBinding           *binding;
};

G_DEFINE_FINAL_TYPE (NymphRememberRow, nymph_remember_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphRememberRow *
nymph_remember_row_new (void)
{
  return g_object_new (NYMPH_TYPE_REMEMBER_ROW, NULL);
}

NymphWalletSession *
nymph_remember_row_get_session (NymphRememberRow *self)
{
  g_return_val_if_fail (NYMPH_IS_REMEMBER_ROW (self), NULL);

  return self->session;
}

gboolean
nymph_remember_row_get_active (NymphRememberRow *self)
{
  g_return_val_if_fail (NYMPH_IS_REMEMBER_ROW (self), FALSE);

  return gtk_switch_get_active (self->remember_switch);
}

/* Flips the switch as a click would; the session decides whether it stays on. */
void
nymph_remember_row_set_active (NymphRememberRow *self,
                               gboolean          active)
{
  g_return_if_fail (NYMPH_IS_REMEMBER_ROW (self));

  gtk_switch_set_active (self->remember_switch, active);
}

/* The binding goes by itself when the session does; the reference keeps it safe to unbind. */
static void
unbind (NymphRememberRow *self)
{
  if (self->binding == NULL)
    return;
  g_binding_unbind (self->binding);
  g_clear_object (&self->binding);
}

static void
update_availability (NymphRememberRow *self)
{
  gboolean available = self->session != NULL && nymph_wallet_session_get_keyring_available (self->session);

  gtk_widget_set_sensitive (GTK_WIDGET (self), available);
  if (available)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Unlock at start with the password kept in your keyring"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), NULL);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("No keyring is available on this computer"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                                   _("Nymph keeps a password only in a Secret Service such as GNOME Keyring, "
                                     "and none is running in this session."));
    }
}

void
nymph_remember_row_set_session (NymphRememberRow   *self,
                                NymphWalletSession *session)
{
  g_return_if_fail (NYMPH_IS_REMEMBER_ROW (self));
  g_return_if_fail (session == NULL || NYMPH_IS_WALLET_SESSION (session));

  if (self->session == session)
    return;
  unbind (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_weak_pointer (&self->session, session);
  if (session != NULL)
    {
      self->binding = g_object_ref (g_object_bind_property (session, "remember-password",
                                                            self->remember_switch, "active",
                                                            G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
      g_signal_connect_object (session, "notify::keyring-available", G_CALLBACK (update_availability), self,
                               G_CONNECT_SWAPPED);
    }
  update_availability (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
nymph_remember_row_dispose (GObject *object)
{
  NymphRememberRow *self = NYMPH_REMEMBER_ROW (object);

  unbind (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_weak_pointer (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_REMEMBER_ROW);

  G_OBJECT_CLASS (nymph_remember_row_parent_class)->dispose (object);
}

static void
nymph_remember_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  NymphRememberRow *self = NYMPH_REMEMBER_ROW (object);

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
nymph_remember_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  NymphRememberRow *self = NYMPH_REMEMBER_ROW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      nymph_remember_row_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_remember_row_class_init (NymphRememberRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nymph_remember_row_dispose;
  object_class->get_property = nymph_remember_row_get_property;
  object_class->set_property = nymph_remember_row_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-remember-row.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphRememberRow, remember_switch);
}

static void
nymph_remember_row_init (NymphRememberRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_availability (self);
}
