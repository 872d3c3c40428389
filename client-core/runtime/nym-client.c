/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymClient: mirrors a NymClientRuntime's state, counters and messages on the thread that created it. */
#include "config.h"

#include "runtime/nym-client.h"

#include "packet/nym-reply-surb.h"

G_DEFINE_QUARK (nym-client-error-quark, nym_client_error)

struct _NymClient
{
  GObject           parent_instance;

  /* Owned. */
  NymClientRuntime *runtime;
  GMainContext     *context;
  NymClientState    state;
  char             *error_message;
  char             *gateway;
  char             *address;
  char             *socks_address;
  guint64           bytes_sent;
  guint64           bytes_received;
  guint64           packets_sent;
  guint64           packets_received;
};

G_DEFINE_FINAL_TYPE (NymClient, nym_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_GATEWAY,
  PROP_ADDRESS,
  PROP_SOCKS_ADDRESS,
  PROP_BYTES_SENT,
  PROP_BYTES_RECEIVED,
  PROP_PACKETS_SENT,
  PROP_PACKETS_RECEIVED,
  N_PROPS
};

enum
{
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_ANONYMOUS_MESSAGE_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_string (NymClient   *self,
            char       **field,
            const char  *value,
            guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_counter (NymClient *self,
             guint64   *field,
             guint64    value,
             guint      prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_state (NymClient      *self,
           NymClientState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* Runs on self->context: the runtime was created with it as its report context. */
static void
on_runtime_event (const NymClientEvent *event,
                  gpointer              user_data)
{
  NymClient *self = user_data;

  g_object_freeze_notify (G_OBJECT (self));
  switch (event->kind)
    {
    case NYM_CLIENT_EVENT_STATE:
      set_string (self, &self->error_message, event->error_message, PROP_ERROR_MESSAGE);
      set_string (self, &self->gateway, event->gateway, PROP_GATEWAY);
      set_string (self, &self->address, event->address, PROP_ADDRESS);
      set_string (self, &self->socks_address, event->socks_address, PROP_SOCKS_ADDRESS);
      set_state (self, event->state);
      break;
    case NYM_CLIENT_EVENT_STATS:
      set_counter (self, &self->bytes_sent, event->bytes_sent, PROP_BYTES_SENT);
      set_counter (self, &self->bytes_received, event->bytes_received, PROP_BYTES_RECEIVED);
      set_counter (self, &self->packets_sent, event->packets_sent, PROP_PACKETS_SENT);
      set_counter (self, &self->packets_received, event->packets_received, PROP_PACKETS_RECEIVED);
      break;
    case NYM_CLIENT_EVENT_MESSAGE:
      if (event->sender_tag != NULL)
        {
          g_autofree char *tag = nym_sender_tag_to_base58 (event->sender_tag);

          g_signal_emit (self, signals[SIGNAL_ANONYMOUS_MESSAGE_RECEIVED], 0, event->message, tag);
        }
      else
        g_signal_emit (self, signals[SIGNAL_MESSAGE_RECEIVED], 0, event->message);
      break;
    case NYM_CLIENT_EVENT_STOPPED:
      break;
    }
  g_object_thaw_notify (G_OBJECT (self));
}

NymClient *
nym_client_new (void)
{
  return g_object_new (NYM_TYPE_CLIENT, NULL);
}

bool
nym_client_start (NymClient                    *self,
                  const NymClientRuntimeConfig *config,
                  GError                      **error)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), false);

  if (self->runtime != NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_RUNNING, "The mixnet client is already running");
      return false;
    }
  if (config->data_dir == NULL || config->nym_api_urls == NULL || config->nym_api_urls[0] == NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_CONFIG,
                   "The mixnet client needs a data directory and at least one nym-api URL");
      return false;
    }
  self->runtime = nym_client_runtime_new (config, self->context, on_runtime_event, self);
  nym_client_runtime_start (self->runtime);
  return true;
}

void
nym_client_stop (NymClient *self)
{
  g_return_if_fail (NYM_IS_CLIENT (self));

  if (self->runtime == NULL)
    return;
  /* Events still queued for this context are dropped with the runtime: after stop the
   * caller sees "off" and nothing from the old run. */
  g_clear_pointer (&self->runtime, nym_client_runtime_free);
  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->socks_address, NULL, PROP_SOCKS_ADDRESS);
  set_string (self, &self->error_message, NULL, PROP_ERROR_MESSAGE);
  set_state (self, NYM_CLIENT_STATE_OFF);
  g_object_thaw_notify (G_OBJECT (self));
}

bool
nym_client_send_message (NymClient   *self,
                         const char  *recipient,
                         GBytes      *data,
                         GError     **error)
{
  NymRecipient parsed;

  g_return_val_if_fail (NYM_IS_CLIENT (self), false);

  if (self->runtime == NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING,
                   "The mixnet client is not running, so the message cannot be sent");
      return false;
    }
  if (!nym_recipient_parse (recipient, &parsed, error))
    return false;
  nym_client_runtime_send (self->runtime, &parsed, data);
  return true;
}

bool
nym_client_send_anonymous (NymClient   *self,
                           const char  *recipient,
                           GBytes      *data,
                           guint        reply_surbs,
                           GError     **error)
{
  NymRecipient parsed;

  g_return_val_if_fail (NYM_IS_CLIENT (self), false);

  if (self->runtime == NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING,
                   "The mixnet client is not running, so the message cannot be sent");
      return false;
    }
  if (reply_surbs == 0)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_INVALID,
                   "An anonymous message needs at least one reply SURB, got 0");
      return false;
    }
  if (!nym_recipient_parse (recipient, &parsed, error))
    return false;
  nym_client_runtime_send_anonymous (self->runtime, &parsed, data, reply_surbs);
  return true;
}

bool
nym_client_reply (NymClient   *self,
                  const char  *sender_tag,
                  GBytes      *data,
                  GError     **error)
{
  uint8_t tag[NYM_SENDER_TAG_LEN];

  g_return_val_if_fail (NYM_IS_CLIENT (self), false);

  if (self->runtime == NULL)
    {
      g_set_error (error, NYM_CLIENT_ERROR, NYM_CLIENT_ERROR_NOT_RUNNING,
                   "The mixnet client is not running, so the reply cannot be sent");
      return false;
    }
  if (!nym_sender_tag_from_base58 (sender_tag, tag, error))
    return false;
  nym_client_runtime_reply (self->runtime, tag, data);
  return true;
}

void
nym_client_set_cover_traffic (NymClient *self,
                              bool       cover_traffic)
{
  g_return_if_fail (NYM_IS_CLIENT (self));

  if (self->runtime != NULL)
    nym_client_runtime_set_cover (self->runtime, cover_traffic);
}

NymClientState
nym_client_get_state (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NYM_CLIENT_STATE_OFF);
  return self->state;
}

const char *
nym_client_get_error_message (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NULL);
  return self->error_message;
}

const char *
nym_client_get_gateway (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NULL);
  return self->gateway;
}

const char *
nym_client_get_address (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NULL);
  return self->address;
}

const char *
nym_client_get_socks_address (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NULL);
  return self->socks_address;
}

guint64
nym_client_get_bytes_sent (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), 0);
  return self->bytes_sent;
}

guint64
nym_client_get_bytes_received (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), 0);
  return self->bytes_received;
}

guint64
nym_client_get_packets_sent (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), 0);
  return self->packets_sent;
}

guint64
nym_client_get_packets_received (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), 0);
  return self->packets_received;
}

NymClientRuntime *
nym_client_get_runtime (NymClient *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT (self), NULL);
  return self->runtime;
}

static void
nym_client_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  NymClient *self = NYM_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_GATEWAY:
      g_value_set_string (value, self->gateway);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_SOCKS_ADDRESS:
      g_value_set_string (value, self->socks_address);
      break;
    case PROP_BYTES_SENT:
      g_value_set_uint64 (value, self->bytes_sent);
      break;
    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;
    case PROP_PACKETS_SENT:
      g_value_set_uint64 (value, self->packets_sent);
      break;
    case PROP_PACKETS_RECEIVED:
      g_value_set_uint64 (value, self->packets_received);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_client_dispose (GObject *object)
{
  NymClient *self = NYM_CLIENT (object);

  g_clear_pointer (&self->runtime, nym_client_runtime_free);
  G_OBJECT_CLASS (nym_client_parent_class)->dispose (object);
}

static void
nym_client_finalize (GObject *object)
{
  NymClient *self = NYM_CLIENT (object);

  g_main_context_unref (self->context);
  g_free (self->error_message);
  g_free (self->gateway);
  g_free (self->socks_address);
  g_free (self->address);
  G_OBJECT_CLASS (nym_client_parent_class)->finalize (object);
}

static void
nym_client_class_init (NymClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = nym_client_get_property;
  object_class->dispose = nym_client_dispose;
  object_class->finalize = nym_client_finalize;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, NYM_TYPE_CLIENT_STATE, NYM_CLIENT_STATE_OFF, flags);
  properties[PROP_ERROR_MESSAGE] = g_param_spec_string ("error-message", NULL, NULL, NULL, flags);
  properties[PROP_GATEWAY] = g_param_spec_string ("gateway", NULL, NULL, NULL, flags);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  properties[PROP_SOCKS_ADDRESS] = g_param_spec_string ("socks-address", NULL, NULL, NULL, flags);
  properties[PROP_BYTES_SENT] = g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_BYTES_RECEIVED] = g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PACKETS_SENT] = g_param_spec_uint64 ("packets-sent", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_PACKETS_RECEIVED] = g_param_spec_uint64 ("packets-received", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_ANONYMOUS_MESSAGE_RECEIVED] =
    g_signal_new ("anonymous-message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_STRING);
}

static void
nym_client_init (NymClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = NYM_CLIENT_STATE_OFF;
}
