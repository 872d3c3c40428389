/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphAccount: one account of the unlocked wallet as the UI lists it, its name and address. */
#include "nymph-account.h"

/*
 * The name is the account id of the vault (nym-wallet calls it the id); the address is the
 * public bech32 address derived from the account's mnemonic. Nothing secret is kept here.
 */
struct _NymphAccount
{
  GObject  parent_instance;

  /* Owned */
  char    *name;
  char    *address;
};

G_DEFINE_FINAL_TYPE (NymphAccount, nymph_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

NymphAccount *
nymph_account_new (const char *name,
                   const char *address)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);

  return g_object_new (NYMPH_TYPE_ACCOUNT, "name", name, "address", address, NULL);
}

const char *
nymph_account_get_name (NymphAccount *self)
{
  g_return_val_if_fail (NYMPH_IS_ACCOUNT (self), NULL);

  return self->name;
}

void
nymph_account_set_name (NymphAccount *self,
                        const char   *name)
{
  g_return_if_fail (NYMPH_IS_ACCOUNT (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
nymph_account_get_address (NymphAccount *self)
{
  g_return_val_if_fail (NYMPH_IS_ACCOUNT (self), NULL);

  return self->address;
}

static void
nymph_account_finalize (GObject *object)
{
  NymphAccount *self = NYMPH_ACCOUNT (object);

  g_free (self->name);
  g_free (self->address);

  G_OBJECT_CLASS (nymph_account_parent_class)->finalize (object);
}

static void
nymph_account_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NymphAccount *self = NYMPH_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_account_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NymphAccount *self = NYMPH_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      nymph_account_set_name (self, g_value_get_string (value));
      break;

    case PROP_ADDRESS:
      self->address = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_account_class_init (NymphAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nymph_account_finalize;
  object_class->get_property = nymph_account_get_property;
  object_class->set_property = nymph_account_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nymph_account_init (NymphAccount *self)
{
}
