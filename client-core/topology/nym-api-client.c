/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymApiClient: the nym-api HTTP client that fetches the network topology (spec nym-gateway.md §3.1, §4.3, §6). */
#include "topology/nym-api-client.h"

#include <string.h>
#include <libsoup/soup.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"

struct _NymApiClient
{
  GObject      parent_instance;

  /* owned */
  GStrv        urls;     /* base URLs, each ending in "/" */
  SoupSession *session;

  guint        current;  /* index of the URL that last worked */
  guint        timeout;
  guint        page_size;
  guint        min_mixnode_performance;
  guint        min_gateway_performance;
  gboolean     require_wss;
};

enum
{
  PROP_0,
  PROP_URLS,
  PROP_CURRENT_URL,
  PROP_TIMEOUT,
  PROP_PAGE_SIZE,
  PROP_MIN_MIXNODE_PERFORMANCE,
  PROP_MIN_GATEWAY_PERFORMANCE,
  PROP_REQUIRE_WSS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (NymApiClient, nym_api_client, G_TYPE_OBJECT)

#define DEFAULT_TIMEOUT_SECONDS 30

/* ---- one endpoint, all its pages, with failover ---------------------------------------- */

typedef enum
{
  ENDPOINT_KEY_ROTATION,
  ENDPOINT_REWARDED_SET,
  ENDPOINT_SKIMMED,
  ENDPOINT_DESCRIBED,
} EndpointKind;

typedef struct
{
  EndpointKind  kind;
  char         *path;
  guint         url_index;
  guint         attempts_left; /* URLs still to try, this one included */
  guint         tried;
  guint         page;
  SoupMessage  *message;
  gpointer      result;        /* what the kind accumulates */
  GHashTable   *seen_ids;      /* node ids of earlier pages */
} EndpointData;

static void
endpoint_result_free (EndpointKind kind,
                      gpointer     result)
{
  if (result == NULL)
    return;
  switch (kind)
    {
    case ENDPOINT_KEY_ROTATION:
      g_free (result);
      break;
    case ENDPOINT_REWARDED_SET:
      nym_topology_rewarded_set_free (result);
      break;
    case ENDPOINT_SKIMMED:
      nym_topology_skimmed_page_free (result);
      break;
    case ENDPOINT_DESCRIBED:
      nym_topology_described_page_free (result);
      break;
    default:
      g_assert_not_reached ();
    }
}

static GDestroyNotify
endpoint_result_destroy (EndpointKind kind)
{
  switch (kind)
    {
    case ENDPOINT_KEY_ROTATION:
      return g_free;
    case ENDPOINT_REWARDED_SET:
      return (GDestroyNotify) nym_topology_rewarded_set_free;
    case ENDPOINT_SKIMMED:
      return (GDestroyNotify) nym_topology_skimmed_page_free;
    case ENDPOINT_DESCRIBED:
      return (GDestroyNotify) nym_topology_described_page_free;
    default:
      g_assert_not_reached ();
    }
}

static void
endpoint_reset (EndpointData *data)
{
  endpoint_result_free (data->kind, g_steal_pointer (&data->result));
  g_hash_table_remove_all (data->seen_ids);
  data->page = 0;
}

static void
endpoint_data_free (EndpointData *data)
{
  endpoint_result_free (data->kind, data->result);
  g_clear_pointer (&data->seen_ids, g_hash_table_unref);
  g_clear_object (&data->message);
  g_free (data->path);
  g_free (data);
}

static bool
endpoint_is_paged (EndpointKind kind)
{
  return kind == ENDPOINT_SKIMMED || kind == ENDPOINT_DESCRIBED;
}

static void endpoint_send (GTask *task);

/* Maps libsoup/GIO failures to the topology domain, keeping cancellation as it is. */
static GError *
transport_error (GError     *error,
                 const char *url)
{
  int code = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
               ? NYM_TOPOLOGY_ERROR_TIMEOUT
               : NYM_TOPOLOGY_ERROR_HTTP;

  return g_error_new (NYM_TOPOLOGY_ERROR, code, "nym-api request %s failed: %s", url, error->message);
}

/* Gives up on this URL: the next one starts over from page 0, or the task fails. */
static void
endpoint_fail (GTask  *task,
               GError *error)
{
  NymApiClient *self = g_task_get_source_object (task);
  EndpointData *data = g_task_get_task_data (task);

  if (data->attempts_left > 1)
    {
      g_debug ("nym-api %s failed, trying the next URL: %s", self->urls[data->url_index], error->message);
      g_error_free (error);
      data->attempts_left--;
      data->url_index = (data->url_index + 1) % g_strv_length (self->urls);
      endpoint_reset (data);
      endpoint_send (task);
      return;
    }
  if (data->tried > 1)
    g_prefix_error (&error, "All %u nym-api URLs failed; the last: ", data->tried);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Adds a parsed page to what earlier pages gave; false (and error) if they disagree. */
static bool
endpoint_accumulate (EndpointData *data,
                     gpointer      parsed,
                     bool         *more,
                     GError      **error)
{
  GPtrArray *page_nodes, *all_nodes;
  guint32 total, collected;

  *more = false;
  if (!endpoint_is_paged (data->kind))
    {
      data->result = parsed;
      return true;
    }

  if (data->kind == ENDPOINT_SKIMMED)
    {
      NymTopologySkimmedPage *page = parsed;
      NymTopologySkimmedPage *first = data->result;

      if (first != NULL
          && (first->metadata.absolute_epoch_id != page->metadata.absolute_epoch_id
              || first->metadata.rotation_id != page->metadata.rotation_id
              || first->metadata.status != page->metadata.status))
        {
          g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                       "nym-api %s: page %u is for epoch %u rotation %u, page 0 for epoch %u rotation %u",
                       data->path, data->page, page->metadata.absolute_epoch_id, page->metadata.rotation_id,
                       first->metadata.absolute_epoch_id, first->metadata.rotation_id);
          nym_topology_skimmed_page_free (page);
          return false;
        }
      total = page->total;
      page_nodes = page->nodes;
      if (first == NULL)
        data->result = page;
      all_nodes = ((NymTopologySkimmedPage *) data->result)->nodes;
    }
  else
    {
      NymTopologyDescribedPage *page = parsed;

      total = page->total;
      page_nodes = page->nodes;
      if (data->result == NULL)
        data->result = page;
      all_nodes = ((NymTopologyDescribedPage *) data->result)->nodes;
    }

  /* Every page must agree on the total, and no node may come twice. */
  {
    guint32 first_total = data->kind == ENDPOINT_SKIMMED ? ((NymTopologySkimmedPage *) data->result)->total
                                                         : ((NymTopologyDescribedPage *) data->result)->total;
    guint new_count = page_nodes->len;

    if (first_total != total)
      {
        g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                     "nym-api %s: page %u says there are %u nodes, page 0 said %u",
                     data->path, data->page, total, first_total);
        endpoint_result_free (data->kind, parsed);
        return false;
      }
    for (guint i = 0; i < page_nodes->len; i++)
      {
        /* node_id is the first member of both node structs. */
        uint32_t id = *(const uint32_t *) g_ptr_array_index (page_nodes, i);

        if (!g_hash_table_add (data->seen_ids, GUINT_TO_POINTER (id)))
          {
            g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                         "nym-api %s: node %u is listed twice (again on page %u)", data->path, id, data->page);
            if (parsed != data->result)
              endpoint_result_free (data->kind, parsed);
            return false;
          }
      }
    if (parsed != data->result)
      {
        /* Move the nodes over; the page keeps an empty array and is freed with it. */
        g_ptr_array_extend_and_steal (all_nodes, g_ptr_array_ref (page_nodes));
        endpoint_result_free (data->kind, parsed);
      }
    collected = all_nodes->len;
    if (collected < total)
      {
        if (new_count == 0 || data->page >= total)
          {
            g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INCONSISTENT,
                         "nym-api %s: page %u ended the list after %u of %u nodes",
                         data->path, data->page, collected, total);
            return false;
          }
        *more = true;
      }
  }
  return true;
}

static gpointer
endpoint_parse (EndpointData *data,
                const char   *body,
                size_t        len,
                GError      **error)
{
  switch (data->kind)
    {
    case ENDPOINT_KEY_ROTATION:
      {
        g_autofree NymTopologyKeyRotationInfo *info = g_new0 (NymTopologyKeyRotationInfo, 1);

        if (!nym_topology_parse_key_rotation_info (data->path, body, len, info, error))
          return NULL;
        return g_steal_pointer (&info);
      }
    case ENDPOINT_REWARDED_SET:
      return nym_topology_parse_rewarded_set (data->path, body, len, error);
    case ENDPOINT_SKIMMED:
      return nym_topology_parse_skimmed_page (data->path, body, len, error);
    case ENDPOINT_DESCRIBED:
      return nym_topology_parse_described_page (data->path, body, len, error);
    default:
      g_assert_not_reached ();
    }
}

static void
endpoint_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  NymApiClient *self = g_task_get_source_object (task);
  EndpointData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  gpointer parsed;
  const char *bytes;
  gsize len = 0;
  guint status;
  bool more;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  url = g_uri_to_string (soup_message_get_uri (data->message));
  if (body == NULL)
    {
      endpoint_fail (task, transport_error (error, url));
      return;
    }
  status = soup_message_get_status (data->message);
  if (status != SOUP_STATUS_OK)
    {
      endpoint_fail (task, g_error_new (NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_HTTP,
                                        "nym-api %s answered HTTP %u %s", url, status,
                                        soup_message_get_reason_phrase (data->message)));
      return;
    }

  bytes = g_bytes_get_data (body, &len);
  parsed = endpoint_parse (data, bytes != NULL ? bytes : "", len, &error);
  if (parsed == NULL || !endpoint_accumulate (data, parsed, &more, &error))
    {
      g_prefix_error (&error, "%s: ", self->urls[data->url_index]);
      endpoint_fail (task, g_steal_pointer (&error));
      return;
    }
  if (more)
    {
      data->page++;
      endpoint_send (task);
      return;
    }

  if (data->url_index != self->current)
    {
      self->current = data->url_index;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_URL]);
    }
  g_task_return_pointer (task, g_steal_pointer (&data->result), endpoint_result_destroy (data->kind));
  g_object_unref (task);
}

static void
endpoint_send (GTask *task)
{
  NymApiClient *self = g_task_get_source_object (task);
  EndpointData *data = g_task_get_task_data (task);
  g_autofree char *url = NULL;

  /* §3.1: paths are appended to the base URL; lists are asked for page by page. */
  if (endpoint_is_paged (data->kind))
    {
      if (self->page_size != 0)
        url = g_strdup_printf ("%s%s?page=%u&per_page=%u", self->urls[data->url_index], data->path,
                               data->page, self->page_size);
      else
        url = g_strdup_printf ("%s%s?page=%u", self->urls[data->url_index], data->path, data->page);
    }
  else
    {
      url = g_strconcat (self->urls[data->url_index], data->path, NULL);
    }
  if (data->page == 0)
    data->tried++;

  g_clear_object (&data->message);
  data->message = soup_message_new (SOUP_METHOD_GET, url);
  if (data->message == NULL)
    {
      endpoint_fail (task, g_error_new (NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_HTTP,
                                        "“%s” is not a valid URL", url));
      return;
    }
  soup_message_headers_replace (soup_message_get_request_headers (data->message), "Accept", "application/json");
  soup_session_send_and_read_async (self->session, data->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), endpoint_read_cb, task);
}

/* Starts a fetch of one endpoint at url_index; with failover the other URLs follow in turn. */
static void
endpoint_fetch_async (NymApiClient        *self,
                      EndpointKind         kind,
                      const char          *path,
                      guint                url_index,
                      bool                 failover,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  EndpointData *data = g_new0 (EndpointData, 1);

  g_task_set_source_tag (task, source_tag);
  data->kind = kind;
  data->path = g_strdup (path);
  data->url_index = url_index;
  data->attempts_left = failover ? g_strv_length (self->urls) : 1;
  data->seen_ids = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_task_set_task_data (task, data, (GDestroyNotify) endpoint_data_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  endpoint_send (task);
}

static gpointer
endpoint_fetch_finish (NymApiClient  *self,
                       GAsyncResult  *result,
                       gpointer       source_tag,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
nym_api_client_get_key_rotation_info_async (NymApiClient        *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  endpoint_fetch_async (self, ENDPOINT_KEY_ROTATION, NYM_API_PATH_KEY_ROTATION_INFO, self->current, true,
                        nym_api_client_get_key_rotation_info_async, cancellable, callback, user_data);
}

bool
nym_api_client_get_key_rotation_info_finish (NymApiClient               *self,
                                             GAsyncResult               *result,
                                             NymTopologyKeyRotationInfo *out,
                                             GError                    **error)
{
  g_autofree NymTopologyKeyRotationInfo *info =
    endpoint_fetch_finish (self, result, nym_api_client_get_key_rotation_info_async, error);

  if (info == NULL)
    return false;
  *out = *info;
  return true;
}

void
nym_api_client_get_rewarded_set_async (NymApiClient        *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  endpoint_fetch_async (self, ENDPOINT_REWARDED_SET, NYM_API_PATH_REWARDED_SET, self->current, true,
                        nym_api_client_get_rewarded_set_async, cancellable, callback, user_data);
}

NymTopologyRewardedSet *
nym_api_client_get_rewarded_set_finish (NymApiClient  *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return endpoint_fetch_finish (self, result, nym_api_client_get_rewarded_set_async, error);
}

void
nym_api_client_get_skimmed_async (NymApiClient        *self,
                                  const char          *path,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  g_return_if_fail (path != NULL);
  endpoint_fetch_async (self, ENDPOINT_SKIMMED, path, self->current, true,
                        nym_api_client_get_skimmed_async, cancellable, callback, user_data);
}

NymTopologySkimmedPage *
nym_api_client_get_skimmed_finish (NymApiClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return endpoint_fetch_finish (self, result, nym_api_client_get_skimmed_async, error);
}

void
nym_api_client_get_described_async (NymApiClient        *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  endpoint_fetch_async (self, ENDPOINT_DESCRIBED, NYM_API_PATH_DESCRIBED, self->current, true,
                        nym_api_client_get_described_async, cancellable, callback, user_data);
}

NymTopologyDescribedPage *
nym_api_client_get_described_finish (NymApiClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return endpoint_fetch_finish (self, result, nym_api_client_get_described_async, error);
}

/* ---- the whole topology from one URL ---------------------------------------------------- */

typedef enum
{
  STEP_KEY_ROTATION,
  STEP_REWARDED_SET,
  STEP_MIXNODES,
  STEP_GATEWAYS,
  STEP_DESCRIBED,
  STEP_DONE,
} TopologyStep;

typedef struct
{
  guint                       url_index;
  guint                       attempts_left;
  guint                       tried;
  TopologyStep                step;
  NymTopologyKeyRotationInfo *key_rotation;
  NymTopologyRewardedSet     *rewarded;
  NymTopologySkimmedPage     *mixnodes;
  NymTopologySkimmedPage     *gateways;
  NymTopologyDescribedPage   *described;
} TopologyData;

static void
topology_data_clear (TopologyData *data)
{
  g_clear_pointer (&data->key_rotation, g_free);
  g_clear_pointer (&data->rewarded, nym_topology_rewarded_set_free);
  g_clear_pointer (&data->mixnodes, nym_topology_skimmed_page_free);
  g_clear_pointer (&data->gateways, nym_topology_skimmed_page_free);
  g_clear_pointer (&data->described, nym_topology_described_page_free);
}

static void
topology_data_free (TopologyData *data)
{
  topology_data_clear (data);
  g_free (data);
}

static void topology_next_step (GTask *task);

static EndpointKind
step_kind (TopologyStep step)
{
  switch (step)
    {
    case STEP_KEY_ROTATION:
      return ENDPOINT_KEY_ROTATION;
    case STEP_REWARDED_SET:
      return ENDPOINT_REWARDED_SET;
    case STEP_MIXNODES:
    case STEP_GATEWAYS:
      return ENDPOINT_SKIMMED;
    case STEP_DESCRIBED:
      return ENDPOINT_DESCRIBED;
    case STEP_DONE:
    default:
      g_assert_not_reached ();
    }
}

static void
topology_fail (GTask  *task,
               GError *error)
{
  NymApiClient *self = g_task_get_source_object (task);
  TopologyData *data = g_task_get_task_data (task);

  if (data->attempts_left > 1)
    {
      g_debug ("nym-api topology from %s failed, trying the next URL: %s",
               self->urls[data->url_index], error->message);
      g_error_free (error);
      data->attempts_left--;
      data->url_index = (data->url_index + 1) % g_strv_length (self->urls);
      data->tried++;
      data->step = STEP_KEY_ROTATION;
      topology_data_clear (data);
      topology_next_step (task);
      return;
    }
  if (data->tried > 1)
    g_prefix_error (&error, "All %u nym-api URLs failed; the last: ", data->tried);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
topology_step_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  TopologyData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_task_return_error_if_cancelled (task))
    {
      /* The step's own result, if any, is not needed any more. */
      endpoint_result_free (step_kind (data->step), value);
      g_object_unref (task);
      return;
    }
  if (value == NULL)
    {
      topology_fail (task, g_steal_pointer (&error));
      return;
    }
  switch (data->step)
    {
    case STEP_KEY_ROTATION:
      data->key_rotation = value;
      break;
    case STEP_REWARDED_SET:
      data->rewarded = value;
      break;
    case STEP_MIXNODES:
      data->mixnodes = value;
      break;
    case STEP_GATEWAYS:
      data->gateways = value;
      break;
    case STEP_DESCRIBED:
      data->described = value;
      break;
    case STEP_DONE:
    default:
      g_assert_not_reached ();
    }
  data->step++;
  topology_next_step (task);
}

static void
topology_next_step (GTask *task)
{
  NymApiClient *self = g_task_get_source_object (task);
  TopologyData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  NymTopologySnapshot *snapshot;

  switch (data->step)
    {
    case STEP_KEY_ROTATION:
      endpoint_fetch_async (self, ENDPOINT_KEY_ROTATION, NYM_API_PATH_KEY_ROTATION_INFO, data->url_index, false,
                            topology_next_step, cancellable, topology_step_cb, task);
      return;
    case STEP_REWARDED_SET:
      endpoint_fetch_async (self, ENDPOINT_REWARDED_SET, NYM_API_PATH_REWARDED_SET, data->url_index, false,
                            topology_next_step, cancellable, topology_step_cb, task);
      return;
    case STEP_MIXNODES:
      endpoint_fetch_async (self, ENDPOINT_SKIMMED, NYM_API_PATH_ACTIVE_MIXNODES, data->url_index, false,
                            topology_next_step, cancellable, topology_step_cb, task);
      return;
    case STEP_GATEWAYS:
      endpoint_fetch_async (self, ENDPOINT_SKIMMED, NYM_API_PATH_ENTRY_GATEWAYS, data->url_index, false,
                            topology_next_step, cancellable, topology_step_cb, task);
      return;
    case STEP_DESCRIBED:
      endpoint_fetch_async (self, ENDPOINT_DESCRIBED, NYM_API_PATH_DESCRIBED, data->url_index, false,
                            topology_next_step, cancellable, topology_step_cb, task);
      return;
    case STEP_DONE:
      break;
    default:
      g_assert_not_reached ();
    }

  snapshot = nym_topology_snapshot_build (data->key_rotation,
                                          g_steal_pointer (&data->rewarded),
                                          g_steal_pointer (&data->mixnodes),
                                          g_steal_pointer (&data->gateways),
                                          g_steal_pointer (&data->described),
                                          self->min_mixnode_performance,
                                          self->min_gateway_performance,
                                          &error);
  if (snapshot == NULL)
    {
      g_prefix_error (&error, "%s: ", self->urls[data->url_index]);
      topology_fail (task, g_steal_pointer (&error));
      return;
    }
  if (data->url_index != self->current)
    {
      self->current = data->url_index;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_URL]);
    }
  g_task_return_pointer (task, snapshot, (GDestroyNotify) nym_topology_snapshot_unref);
  g_object_unref (task);
}

void
nym_api_client_fetch_topology_async (NymApiClient        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  TopologyData *data;

  g_return_if_fail (NYM_IS_API_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nym_api_client_fetch_topology_async);
  data = g_new0 (TopologyData, 1);
  data->url_index = self->current;
  data->attempts_left = g_strv_length (self->urls);
  data->tried = 1;
  g_task_set_task_data (task, data, (GDestroyNotify) topology_data_free);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  topology_next_step (task);
}

NymTopologySnapshot *
nym_api_client_fetch_topology_finish (NymApiClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nym_api_client_fetch_topology_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- gateway selection ----------------------------------------------------------------- */

typedef struct
{
  GTask               *task;  /* owned reference */
  NymTopologyNodeInfo *node;  /* borrowed from the snapshot the task holds */
  gint64               started_us;
} LatencyProbe;

typedef struct
{
  NymTopologySnapshot       *snapshot;
  guint                      pending;
  guint                      probed;
  const NymTopologyNodeInfo *best;
  gint64                     best_us;
} LatencyData;

static void
latency_data_free (LatencyData *data)
{
  g_clear_pointer (&data->snapshot, nym_topology_snapshot_unref);
  g_free (data);
}

static void
latency_finish_if_done (GTask *task)
{
  LatencyData *data = g_task_get_task_data (task);

  if (data->pending > 0)
    return;
  if (g_task_return_error_if_cancelled (task))
    return;
  if (data->best == NULL)
    {
      g_task_return_new_error (task, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                               "None of the %u gateways tried accepted a connection", data->probed);
      return;
    }
  g_debug ("Gateway %u answered fastest, in %" G_GINT64_FORMAT " µs", data->best->node_id, data->best_us);
  g_task_return_pointer (task, nym_topology_node_info_copy (data->best),
                         (GDestroyNotify) nym_topology_node_info_free);
}

static void
latency_connected_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  LatencyProbe *probe = user_data;
  LatencyData *data = g_task_get_task_data (probe->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  gint64 elapsed = g_get_monotonic_time () - probe->started_us;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      if (data->best == NULL || elapsed < data->best_us)
        {
          data->best = probe->node;
          data->best_us = elapsed;
        }
    }
  else
    {
      g_debug ("Gateway %u did not accept a connection: %s", probe->node->node_id, error->message);
    }
  data->pending--;
  latency_finish_if_done (probe->task);
  g_object_unref (probe->task);
  g_free (probe);
}

void
nym_api_client_select_gateway_async (NymApiClient        *self,
                                     NymTopologySnapshot *snapshot,
                                     NymGatewaySelection  mode,
                                     const char          *identity,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GSocketClient) client = NULL;
  const NymTopologyNodeInfo *node;
  LatencyData *data;

  g_return_if_fail (NYM_IS_API_CLIENT (self));
  g_return_if_fail (snapshot != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nym_api_client_select_gateway_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (mode == NYM_GATEWAY_SELECTION_IDENTITY || mode == NYM_GATEWAY_SELECTION_RANDOM)
    {
      uint8_t key[32];

      if (mode == NYM_GATEWAY_SELECTION_IDENTITY)
        {
          g_autoptr(GError) inner = NULL;
          size_t len = 0;

          if (identity == NULL || !nym_base58_decode (identity, key, sizeof key, &len, &inner) || len != 32)
            {
              g_task_return_new_error (task, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_INVALID_KEY,
                                       "“%s” is not a gateway identity (base58 of 32 bytes)",
                                       identity != NULL ? identity : "(none)");
              return;
            }
        }
      node = nym_topology_snapshot_select_gateway (snapshot, mode == NYM_GATEWAY_SELECTION_IDENTITY ? key : NULL,
                                                   self->min_gateway_performance, self->require_wss, &error);
      if (node == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, nym_topology_node_info_copy (node), (GDestroyNotify) nym_topology_node_info_free);
      return;
    }

  candidates = nym_topology_snapshot_gateway_candidates (snapshot, self->min_gateway_performance, self->require_wss);
  if (candidates->len == 0)
    {
      g_task_return_new_error (task, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_GATEWAY,
                               "No listed gateway has a performance of at least %u%%%s",
                               self->min_gateway_performance, self->require_wss ? " and a wss port" : "");
      return;
    }
  /* A Fisher–Yates prefix: the first few candidates in random order are probed. */
  for (guint i = 0; i + 1 < candidates->len && i < NYM_API_CLIENT_LATENCY_PROBES; i++)
    {
      uint32_t r;
      guint j;
      gpointer tmp;

      nym_random_bytes ((uint8_t *) &r, sizeof r);
      j = i + r % (candidates->len - i);
      tmp = candidates->pdata[i];
      candidates->pdata[i] = candidates->pdata[j];
      candidates->pdata[j] = tmp;
    }

  data = g_new0 (LatencyData, 1);
  data->snapshot = nym_topology_snapshot_ref (snapshot);
  g_task_set_task_data (task, data, (GDestroyNotify) latency_data_free);
  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, self->timeout);
  for (guint i = 0; i < candidates->len && i < NYM_API_CLIENT_LATENCY_PROBES; i++)
    {
      LatencyProbe *probe = g_new0 (LatencyProbe, 1);

      probe->task = g_object_ref (task);
      probe->node = g_ptr_array_index (candidates, i);
      probe->started_us = g_get_monotonic_time ();
      data->pending++;
      data->probed++;
      /* The websocket port is what the client will connect to; a TCP connect times the
       * round trip without speaking websocket. */
      g_socket_client_connect_to_host_async (client, probe->node->ip_addresses[0],
                                             self->require_wss ? probe->node->wss_port : probe->node->ws_port,
                                             cancellable, latency_connected_cb, probe);
    }
}

NymTopologyNodeInfo *
nym_api_client_select_gateway_finish (NymApiClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nym_api_client_select_gateway_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- object ---------------------------------------------------------------------------- */

static char *
normalize_url (const char *url)
{
  return g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
}

NymApiClient *
nym_api_client_new (const char *const *urls,
                    GError           **error)
{
  if (urls == NULL || urls[0] == NULL)
    {
      g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_URL, "No nym-api URL is configured");
      return NULL;
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (urls[i], G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

      if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
          || g_uri_get_host (uri) == NULL || g_uri_get_query (uri) != NULL)
        {
          g_set_error (error, NYM_TOPOLOGY_ERROR, NYM_TOPOLOGY_ERROR_NO_URL,
                       "“%s” is not an http or https nym-api URL", urls[i]);
          return NULL;
        }
    }
  return g_object_new (NYM_TYPE_API_CLIENT, "urls", urls, NULL);
}

const char *
nym_api_client_get_current_url (NymApiClient *self)
{
  g_return_val_if_fail (NYM_IS_API_CLIENT (self), NULL);
  return self->urls[self->current];
}

void
nym_api_client_set_timeout (NymApiClient *self,
                            guint         seconds)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_set (self->session, "timeout", seconds, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
nym_api_client_set_page_size (NymApiClient *self,
                              guint         page_size)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  if (self->page_size == page_size)
    return;
  self->page_size = page_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

void
nym_api_client_set_min_performance (NymApiClient *self,
                                    guint         mixnode_percent,
                                    guint         gateway_percent)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  g_return_if_fail (mixnode_percent <= 100 && gateway_percent <= 100);
  g_object_freeze_notify (G_OBJECT (self));
  if (self->min_mixnode_performance != mixnode_percent)
    {
      self->min_mixnode_performance = mixnode_percent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_MIXNODE_PERFORMANCE]);
    }
  if (self->min_gateway_performance != gateway_percent)
    {
      self->min_gateway_performance = gateway_percent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_GATEWAY_PERFORMANCE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
nym_api_client_set_require_wss (NymApiClient *self,
                                gboolean      require_wss)
{
  g_return_if_fail (NYM_IS_API_CLIENT (self));
  require_wss = !!require_wss;
  if (self->require_wss == require_wss)
    return;
  self->require_wss = require_wss;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRE_WSS]);
}

static void
nym_api_client_dispose (GObject *object)
{
  NymApiClient *self = NYM_API_CLIENT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (nym_api_client_parent_class)->dispose (object);
}

static void
nym_api_client_finalize (GObject *object)
{
  NymApiClient *self = NYM_API_CLIENT (object);

  g_strfreev (self->urls);

  G_OBJECT_CLASS (nym_api_client_parent_class)->finalize (object);
}

static void
nym_api_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NymApiClient *self = NYM_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URLS:
      g_value_set_boxed (value, self->urls);
      break;
    case PROP_CURRENT_URL:
      g_value_set_string (value, nym_api_client_get_current_url (self));
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_MIN_MIXNODE_PERFORMANCE:
      g_value_set_uint (value, self->min_mixnode_performance);
      break;
    case PROP_MIN_GATEWAY_PERFORMANCE:
      g_value_set_uint (value, self->min_gateway_performance);
      break;
    case PROP_REQUIRE_WSS:
      g_value_set_boolean (value, self->require_wss);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_api_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  NymApiClient *self = NYM_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URLS:
      {
        const char *const *urls = g_value_get_boxed (value);
        g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

        for (guint i = 0; urls != NULL && urls[i] != NULL; i++)
          {
            g_autofree char *normalized = normalize_url (urls[i]);
            g_strv_builder_add (builder, normalized);
          }
        g_strfreev (self->urls);
        self->urls = g_strv_builder_end (builder);
        break;
      }
    case PROP_TIMEOUT:
      nym_api_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_PAGE_SIZE:
      nym_api_client_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_MIN_MIXNODE_PERFORMANCE:
      nym_api_client_set_min_performance (self, g_value_get_uint (value), self->min_gateway_performance);
      break;
    case PROP_MIN_GATEWAY_PERFORMANCE:
      nym_api_client_set_min_performance (self, self->min_mixnode_performance, g_value_get_uint (value));
      break;
    case PROP_REQUIRE_WSS:
      nym_api_client_set_require_wss (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nym_api_client_constructed (GObject *object)
{
  NymApiClient *self = NYM_API_CLIENT (object);

  G_OBJECT_CLASS (nym_api_client_parent_class)->constructed (object);

  /* g_object_new() without urls still gets a usable (if unreachable) object. */
  if (self->urls == NULL || self->urls[0] == NULL)
    {
      g_strfreev (self->urls);
      self->urls = g_new0 (char *, 2);
      self->urls[0] = g_strdup ("http://127.0.0.1:1/");
    }
}

static void
nym_api_client_class_init (NymApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = nym_api_client_constructed;
  object_class->dispose = nym_api_client_dispose;
  object_class->finalize = nym_api_client_finalize;
  object_class->get_property = nym_api_client_get_property;
  object_class->set_property = nym_api_client_set_property;

  properties[PROP_URLS] =
    g_param_spec_boxed ("urls", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURRENT_URL] =
    g_param_spec_string ("current-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_TIMEOUT_SECONDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIN_MIXNODE_PERFORMANCE] =
    g_param_spec_uint ("min-mixnode-performance", NULL, NULL, 0, 100, NYM_TOPOLOGY_DEFAULT_MIN_PERFORMANCE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIN_GATEWAY_PERFORMANCE] =
    g_param_spec_uint ("min-gateway-performance", NULL, NULL, 0, 100, NYM_TOPOLOGY_DEFAULT_MIN_PERFORMANCE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUIRE_WSS] =
    g_param_spec_boolean ("require-wss", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nym_api_client_init (NymApiClient *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->min_mixnode_performance = NYM_TOPOLOGY_DEFAULT_MIN_PERFORMANCE;
  self->min_gateway_performance = NYM_TOPOLOGY_DEFAULT_MIN_PERFORMANCE;
  self->session = soup_session_new_with_options ("timeout", self->timeout,
                                                 "idle-timeout", 60,
                                                 "user-agent", "nymph/" PACKAGE_VERSION,
                                                 NULL);
}
