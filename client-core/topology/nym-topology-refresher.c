/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymTopologyRefresher: keeps the client's topology fresh by fetching it periodically (spec nym-gateway.md §3.1, §4.1). */
#include "topology/nym-topology-refresher.h"

struct _NymTopologyRefresher
{
  GObject              parent_instance;

  /* owned */
  NymApiClient        *client;
  GMainContext        *context;     /* the thread-default context at creation */
  GSource             *timer;
  GCancellable        *cancellable; /* of the fetch under way, or NULL */
  NymTopologySnapshot *snapshot;
  char                *last_error;

  guint                interval_ms;
};

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_INTERVAL,
  PROP_SNAPSHOT,
  PROP_LAST_ERROR,
  PROP_REFRESHING,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_REFRESH_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (NymTopologyRefresher, nym_topology_refresher, G_TYPE_OBJECT)

static void
set_last_error (NymTopologyRefresher *self,
                const char           *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(NymTopologyRefresher) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymTopologySnapshot) snapshot = NULL;

  snapshot = nym_api_client_fetch_topology_finish (NYM_API_CLIENT (source), result, &error);
  g_clear_object (&self->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (snapshot == NULL)
    {
      /* The last good topology stays in use: a node list a few minutes old routes
       * better than none. */
      g_debug ("Topology refresh failed, keeping the previous one: %s", error->message);
      set_last_error (self, error->message);
      g_signal_emit (self, signals[SIGNAL_REFRESH_FAILED], 0, error);
      return;
    }
  g_clear_pointer (&self->snapshot, nym_topology_snapshot_unref);
  self->snapshot = g_steal_pointer (&snapshot);
  set_last_error (self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, self->snapshot);
}

void
nym_topology_refresher_refresh (NymTopologyRefresher *self)
{
  g_return_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
  /* The fetch's callbacks run on the context that is thread-default when it starts,
   * which must be the refresher's own, also when called from its timer. */
  g_main_context_push_thread_default (self->context);
  nym_api_client_fetch_topology_async (self->client, self->cancellable, fetched_cb, g_object_ref (self));
  g_main_context_pop_thread_default (self->context);
}

static gboolean
timer_cb (gpointer user_data)
{
  nym_topology_refresher_refresh (NYM_TOPOLOGY_REFRESHER (user_data));
  return G_SOURCE_CONTINUE;
}

static void
arm_timer (NymTopologyRefresher *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->timer = g_timeout_source_new (self->interval_ms);
  g_source_set_name (self->timer, "[nymph] topology refresh");
  /* The timer holds no reference: dispose destroys it first. */
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_attach (self->timer, self->context);
}

void
nym_topology_refresher_start (NymTopologyRefresher *self)
{
  g_return_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self));

  arm_timer (self);
  nym_topology_refresher_refresh (self);
}

void
nym_topology_refresher_stop (NymTopologyRefresher *self)
{
  g_return_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self));

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
nym_topology_refresher_set_interval (NymTopologyRefresher *self,
                                     guint                 interval_ms)
{
  g_return_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self));
  g_return_if_fail (interval_ms > 0);

  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  if (self->timer != NULL)
    arm_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

guint
nym_topology_refresher_get_interval (NymTopologyRefresher *self)
{
  g_return_val_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self), 0);
  return self->interval_ms;
}

NymTopologySnapshot *
nym_topology_refresher_get_snapshot (NymTopologyRefresher *self)
{
  g_return_val_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self), NULL);
  return self->snapshot;
}

const char *
nym_topology_refresher_get_last_error (NymTopologyRefresher *self)
{
  g_return_val_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self), NULL);
  return self->last_error;
}

gboolean
nym_topology_refresher_get_refreshing (NymTopologyRefresher *self)
{
  g_return_val_if_fail (NYM_IS_TOPOLOGY_REFRESHER (self), FALSE);
  return self->cancellable != NULL;
}

NymTopologyRefresher *
nym_topology_refresher_new (NymApiClient *client)
{
  g_return_val_if_fail (NYM_IS_API_CLIENT (client), NULL);
  return g_object_new (NYM_TYPE_TOPOLOGY_REFRESHER, "client", client, NULL);
}

static void
nym_topology_refresher_dispose (GObject *object)
{
  NymTopologyRefresher *self = NYM_TOPOLOGY_REFRESHER (object);

  nym_topology_refresher_stop (self);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (nym_topology_refresher_parent_class)->dispose (object);
}

static void
nym_topology_refresher_finalize (GObject *object)
{
  NymTopologyRefresher *self = NYM_TOPOLOGY_REFRESHER (object);

  g_clear_pointer (&self->snapshot, nym_topology_snapshot_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->last_error);

  G_OBJECT_CLASS (nym_topology_refresher_parent_class)->finalize (object);
}

static void
nym_topology_refresher_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  NymTopologyRefresher *self = NYM_TOPOLOGY_REFRESHER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_REFRESHING:
      g_value_set_boolean (value, self->cancellable != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_topology_refresher_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  NymTopologyRefresher *self = NYM_TOPOLOGY_REFRESHER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_INTERVAL:
      nym_topology_refresher_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_topology_refresher_class_init (NymTopologyRefresherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = nym_topology_refresher_dispose;
  object_class->finalize = nym_topology_refresher_finalize;
  object_class->get_property = nym_topology_refresher_get_property;
  object_class->set_property = nym_topology_refresher_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, NYM_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 1, G_MAXUINT, NYM_TOPOLOGY_REFRESH_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, NULL, NYM_TYPE_TOPOLOGY_SNAPSHOT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, NYM_TYPE_TOPOLOGY_SNAPSHOT);
  signals[SIGNAL_REFRESH_FAILED] =
    g_signal_new ("refresh-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
nym_topology_refresher_init (NymTopologyRefresher *self)
{
  self->interval_ms = NYM_TOPOLOGY_REFRESH_INTERVAL_MS;
  self->context = g_main_context_ref_thread_default ();
}
