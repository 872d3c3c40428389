/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LocalnetNetwork: owns the localnet directory, the node table and its localnet.json. */
#include "localnet-network.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "crypto/nym-base58.h"

G_DEFINE_QUARK (localnet-network-error-quark, localnet_network_error)

#define JSON_FORMAT_VERSION 1

struct _LocalnetNetwork
{
  GObject    parent_instance;

  /* owned */
  char      *dir;
  char      *json_path;
  char      *lock_path;
  char      *nym_api_url;
  GPtrArray *nodes;        /* LocalnetNodeInfo*, sorted by node_id */
  gboolean   zero_delay;

  /* What localnet.json looked like when we last read or wrote it, so that a change made
   * by another process (a new inode after its atomic rename) is noticed. */
  dev_t      json_dev;
  ino_t      json_ino;
  gint64     json_mtime_ns;
};

enum
{
  PROP_0,
  PROP_DIR,
  PROP_JSON_PATH,
  PROP_NYM_API_URL,
  PROP_ZERO_DELAY,
  PROP_N_NODES,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LocalnetNetwork, localnet_network, G_TYPE_OBJECT)

LocalnetNodeInfo *
localnet_node_info_copy (const LocalnetNodeInfo *info)
{
  LocalnetNodeInfo *copy = g_new (LocalnetNodeInfo, 1);

  *copy = *info;
  copy->name = g_strdup (info->name);
  copy->network_requester_address = g_strdup (info->network_requester_address);
  copy->ip_packet_router_address = g_strdup (info->ip_packet_router_address);
  copy->authenticator_address = g_strdup (info->authenticator_address);
  return copy;
}

void
localnet_node_info_free (LocalnetNodeInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->network_requester_address);
  g_free (info->ip_packet_router_address);
  g_free (info->authenticator_address);
  g_free (info);
}

static gint
compare_node_id (gconstpointer a,
                 gconstpointer b)
{
  const LocalnetNodeInfo *x = *(LocalnetNodeInfo * const *) a;
  const LocalnetNodeInfo *y = *(LocalnetNodeInfo * const *) b;

  return x->node_id < y->node_id ? -1 : x->node_id > y->node_id;
}

static void
localnet_network_finalize (GObject *object)
{
  LocalnetNetwork *self = LOCALNET_NETWORK (object);

  g_free (self->dir);
  g_free (self->json_path);
  g_free (self->lock_path);
  g_free (self->nym_api_url);
  g_ptr_array_unref (self->nodes);

  G_OBJECT_CLASS (localnet_network_parent_class)->finalize (object);
}

static void
localnet_network_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LocalnetNetwork *self = LOCALNET_NETWORK (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_string (value, self->dir);
      break;
    case PROP_JSON_PATH:
      g_value_set_string (value, self->json_path);
      break;
    case PROP_NYM_API_URL:
      g_value_set_string (value, self->nym_api_url);
      break;
    case PROP_ZERO_DELAY:
      g_value_set_boolean (value, self->zero_delay);
      break;
    case PROP_N_NODES:
      g_value_set_uint (value, self->nodes->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_network_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LocalnetNetwork *self = LOCALNET_NETWORK (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_free (self->dir);
      self->dir = g_value_dup_string (value);
      break;
    case PROP_ZERO_DELAY:
      localnet_network_set_zero_delay (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
localnet_network_class_init (LocalnetNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = localnet_network_finalize;
  object_class->get_property = localnet_network_get_property;
  object_class->set_property = localnet_network_set_property;

  properties[PROP_DIR] =
    g_param_spec_string ("dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JSON_PATH] =
    g_param_spec_string ("json-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NYM_API_URL] =
    g_param_spec_string ("nym-api-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZERO_DELAY] =
    g_param_spec_boolean ("zero-delay", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_NODES] =
    g_param_spec_uint ("n-nodes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
localnet_network_init (LocalnetNetwork *self)
{
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) localnet_node_info_free);
}

/* --- localnet.json ------------------------------------------------------------------ */

static char *
node_mix_address (const LocalnetNodeInfo *node)
{
  return g_strdup_printf ("127.0.0.1:%u", node->mix_port);
}

static char *
node_websocket_url (const LocalnetNodeInfo *node)
{
  return g_strdup_printf ("ws://127.0.0.1:%u/", node->ws_port);
}

static void
add_optional_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
network_to_json (LocalnetNetwork *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  const LocalnetNodeInfo *first_gateway = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, JSON_FORMAT_VERSION);
  add_optional_string (builder, "nym_api_url", self->nym_api_url);
  json_builder_set_member_name (builder, "absolute_epoch_id");
  json_builder_add_int_value (builder, LOCALNET_EPOCH_ID);
  json_builder_set_member_name (builder, "key_rotation_id");
  json_builder_add_int_value (builder, LOCALNET_KEY_ROTATION_ID);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (self->nodes, i);
      if (node->kind == LOCALNET_NODE_GATEWAY && node->entry)
        {
          first_gateway = node;
          break;
        }
    }
  /* The gateway a client should use, at the top level so scripts need not search. */
  json_builder_set_member_name (builder, "gateway");
  if (first_gateway != NULL)
    {
      g_autofree char *identity = nym_base58_encode (first_gateway->identity, 32);
      g_autofree char *url = node_websocket_url (first_gateway);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "identity");
      json_builder_add_string_value (builder, identity);
      json_builder_set_member_name (builder, "websocket_url");
      json_builder_add_string_value (builder, url);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }

  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (self->nodes, i);
      g_autofree char *identity = nym_base58_encode (node->identity, 32);
      g_autofree char *sphinx = nym_base58_encode (node->sphinx_key, 32);
      g_autofree char *mix_address = node_mix_address (node);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, node->name);
      json_builder_set_member_name (builder, "node_id");
      json_builder_add_int_value (builder, node->node_id);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, node->kind == LOCALNET_NODE_MIXNODE ? "mixnode" : "gateway");
      json_builder_set_member_name (builder, "layer");
      json_builder_add_int_value (builder, node->layer);
      json_builder_set_member_name (builder, "identity");
      json_builder_add_string_value (builder, identity);
      json_builder_set_member_name (builder, "sphinx_key");
      json_builder_add_string_value (builder, sphinx);
      json_builder_set_member_name (builder, "mix_address");
      json_builder_add_string_value (builder, mix_address);
      if (node->kind == LOCALNET_NODE_GATEWAY)
        {
          g_autofree char *url = node_websocket_url (node);

          json_builder_set_member_name (builder, "websocket_url");
          json_builder_add_string_value (builder, url);
          json_builder_set_member_name (builder, "entry");
          json_builder_add_boolean_value (builder, node->entry);
          json_builder_set_member_name (builder, "exit");
          json_builder_add_boolean_value (builder, node->exit);
          add_optional_string (builder, "network_requester_address", node->network_requester_address);
          add_optional_string (builder, "ip_packet_router_address", node->ip_packet_router_address);
          add_optional_string (builder, "authenticator_address", node->authenticator_address);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static bool
decode_key (JsonObject  *object,
            const char  *member,
            uint8_t      out[static 32],
            const char  *path,
            GError     **error)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);
  g_autoptr(GError) local_error = NULL;
  size_t len = 0;

  if (text == NULL || !nym_base58_decode (text, out, 32, &len, &local_error) || len != 32)
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_CORRUPT,
                   "%s: the node’s “%s” is not a base58 32-byte key (%s)", path, member,
                   text != NULL ? text : "missing");
      return false;
    }
  return true;
}

static bool
parse_port (const char  *text,
            const char  *prefix,
            guint16     *port)
{
  const char *colon;
  guint64 value;
  char *end = NULL;

  if (text == NULL || !g_str_has_prefix (text, prefix))
    return false;
  colon = strrchr (text, ':');
  if (colon == NULL)
    return false;
  value = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == colon + 1 || value == 0 || value > 65535 || (*end != '\0' && *end != '/'))
    return false;
  *port = (guint16) value;
  return true;
}

static GPtrArray *
nodes_from_json (const char  *data,
                 gsize        len,
                 const char  *path,
                 char       **nym_api_url,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) localnet_node_info_free);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_CORRUPT,
                   "%s is not valid JSON: %s", path, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != JSON_FORMAT_VERSION)
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_CORRUPT,
                   "%s has format version %" G_GINT64_FORMAT ", this program writes %d", path,
                   json_object_get_int_member_with_default (object, "version", 0),
                   JSON_FORMAT_VERSION);
      return NULL;
    }
  if (!json_object_has_member (object, "nodes")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "nodes")))
    goto bad;
  array = json_object_get_array_member (object, "nodes");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *entry;
      g_autoptr(LocalnetNodeInfo) node = g_new0 (LocalnetNodeInfo, 1);
      const char *kind;
      gint64 id, layer;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        goto bad;
      entry = json_node_get_object (element);
      node->name = g_strdup (json_object_get_string_member_with_default (entry, "name", NULL));
      kind = json_object_get_string_member_with_default (entry, "kind", "");
      id = json_object_get_int_member_with_default (entry, "node_id", 0);
      layer = json_object_get_int_member_with_default (entry, "layer", -1);
      if (node->name == NULL || id <= 0 || id > G_MAXUINT32)
        goto bad;
      node->node_id = (guint32) id;
      if (g_str_equal (kind, "mixnode") && layer >= 1 && layer <= 3)
        node->kind = LOCALNET_NODE_MIXNODE;
      else if (g_str_equal (kind, "gateway") && layer == 0)
        node->kind = LOCALNET_NODE_GATEWAY;
      else
        goto bad;
      node->layer = (guint) layer;
      if (!decode_key (entry, "identity", node->identity, path, error)
          || !decode_key (entry, "sphinx_key", node->sphinx_key, path, error))
        return NULL;
      if (!parse_port (json_object_get_string_member_with_default (entry, "mix_address", NULL),
                       "127.0.0.1:", &node->mix_port))
        goto bad;
      if (node->kind == LOCALNET_NODE_GATEWAY)
        {
          if (!parse_port (json_object_get_string_member_with_default (entry, "websocket_url", NULL),
                           "ws://127.0.0.1:", &node->ws_port))
            goto bad;
          node->entry = json_object_get_boolean_member_with_default (entry, "entry", FALSE);
          node->exit = json_object_get_boolean_member_with_default (entry, "exit", FALSE);
          node->network_requester_address =
            g_strdup (json_object_get_string_member_with_default (entry, "network_requester_address", NULL));
          node->ip_packet_router_address =
            g_strdup (json_object_get_string_member_with_default (entry, "ip_packet_router_address", NULL));
          node->authenticator_address =
            g_strdup (json_object_get_string_member_with_default (entry, "authenticator_address", NULL));
        }
      g_ptr_array_add (nodes, g_steal_pointer (&node));
    }
  g_ptr_array_sort (nodes, compare_node_id);
  *nym_api_url = g_strdup (json_object_get_string_member_with_default (object, "nym_api_url", NULL));
  return g_steal_pointer (&nodes);

bad:
  g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_CORRUPT,
               "%s does not have the layout of a localnet.json file", path);
  return NULL;
}

static void
remember_json_stat (LocalnetNetwork *self)
{
  struct stat st;

  if (g_stat (self->json_path, &st) == 0)
    {
      self->json_dev = st.st_dev;
      self->json_ino = st.st_ino;
      self->json_mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
    }
  else
    {
      self->json_dev = 0;
      self->json_ino = 0;
      self->json_mtime_ns = 0;
    }
}

static bool
json_changed_on_disk (LocalnetNetwork *self)
{
  struct stat st;
  gint64 mtime_ns;

  if (g_stat (self->json_path, &st) != 0)
    return false;
  mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  return st.st_dev != self->json_dev || st.st_ino != self->json_ino || mtime_ns != self->json_mtime_ns;
}

static bool
load_json (LocalnetNetwork  *self,
           GError          **error)
{
  g_autofree char *data = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  gsize len = 0;

  if (!g_file_get_contents (self->json_path, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return true;
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_IO,
                   "Cannot read %s: %s", self->json_path, local_error->message);
      return false;
    }
  nodes = nodes_from_json (data, len, self->json_path, &url, error);
  if (nodes == NULL)
    return false;
  g_ptr_array_unref (self->nodes);
  self->nodes = g_steal_pointer (&nodes);
  if (g_strcmp0 (url, self->nym_api_url) != 0)
    {
      g_free (self->nym_api_url);
      self->nym_api_url = g_steal_pointer (&url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NYM_API_URL]);
    }
  remember_json_stat (self);
  return true;
}

/* Single-role processes share one localnet.json; each read-modify-write holds an flock
 * on a separate lock file (not on localnet.json itself, which rename replaces). */
static int
lock_directory (LocalnetNetwork  *self,
                GError          **error)
{
  int fd = open (self->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0 || flock (fd, LOCK_EX) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_IO,
                   "Cannot lock %s: %s", self->lock_path, g_strerror (saved));
      return -1;
    }
  return fd;
}

static void
unlock_directory (int fd)
{
  flock (fd, LOCK_UN);
  close (fd);
}

static bool
write_json_locked (LocalnetNetwork  *self,
                   GError          **error)
{
  g_autofree char *text = network_to_json (self);
  g_autoptr(GError) local_error = NULL;

  if (!localnet_write_file_atomic (self->json_path, text, strlen (text), 0600, &local_error))
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_IO,
                   "%s", local_error->message);
      return false;
    }
  remember_json_stat (self);
  return true;
}

bool
localnet_network_write_json (LocalnetNetwork  *self,
                             GError          **error)
{
  int lock;
  bool ok;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), false);

  lock = lock_directory (self, error);
  if (lock < 0)
    return false;
  ok = write_json_locked (self, error);
  unlock_directory (lock);
  return ok;
}

static void
emit_changed (LocalnetNetwork *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_NODES]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

bool
localnet_network_reload (LocalnetNetwork  *self,
                         GError          **error)
{
  int lock;
  bool ok = true;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), false);

  if (!json_changed_on_disk (self))
    return true;
  lock = lock_directory (self, error);
  if (lock < 0)
    return false;
  ok = load_json (self, error);
  unlock_directory (lock);
  if (ok)
    emit_changed (self);
  return ok;
}

/* --- Public API -------------------------------------------------------------------- */

LocalnetNetwork *
localnet_network_new (const char  *dir,
                      GError     **error)
{
  g_autoptr(LocalnetNetwork) self = NULL;
  g_autofree char *default_dir = NULL;
  int lock;
  bool ok;

  if (dir == NULL)
    dir = default_dir = g_build_filename (g_get_user_data_dir (), "nymph", "localnet", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_IO,
                   "Cannot create the localnet directory %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (LOCALNET_TYPE_NETWORK, "dir", dir, NULL);
  self->json_path = g_build_filename (self->dir, "localnet.json", NULL);
  self->lock_path = g_build_filename (self->dir, ".lock", NULL);

  lock = lock_directory (self, error);
  if (lock < 0)
    return NULL;
  ok = load_json (self, error);
  unlock_directory (lock);
  if (!ok)
    return NULL;
  return g_steal_pointer (&self);
}

const char *
localnet_network_get_dir (LocalnetNetwork *self)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);
  return self->dir;
}

const char *
localnet_network_get_json_path (LocalnetNetwork *self)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);
  return self->json_path;
}

static bool
name_is_safe (const char *name)
{
  if (name == NULL || *name == '\0' || name[0] == '.')
    return false;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return false;
  return true;
}

char *
localnet_network_node_dir (LocalnetNetwork  *self,
                           const char       *name,
                           GError          **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);

  if (!name_is_safe (name))
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID,
                   "“%s” is not a usable node name (letters, digits, “-”, “_” and “.” only)",
                   name != NULL ? name : "");
      return NULL;
    }
  path = g_build_filename (self->dir, name, NULL);
  if (g_mkdir_with_parents (path, 0700) != 0 || g_chmod (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_IO,
                   "Cannot create the node directory %s: %s", path, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&path);
}

static gint
find_index (LocalnetNetwork *self,
            const char      *name)
{
  for (guint i = 0; i < self->nodes->len; i++)
    {
      const LocalnetNodeInfo *node = g_ptr_array_index (self->nodes, i);
      if (g_strcmp0 (node->name, name) == 0)
        return (gint) i;
    }
  return -1;
}

guint32
localnet_network_add_node (LocalnetNetwork         *self,
                           const LocalnetNodeInfo  *info,
                           GError                 **error)
{
  LocalnetNodeInfo *copy;
  guint32 node_id = 0;
  gint index;
  int lock;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), 0);
  g_return_val_if_fail (info != NULL, 0);

  if (!name_is_safe (info->name))
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID,
                   "“%s” is not a usable node name", info->name != NULL ? info->name : "");
      return 0;
    }
  if ((info->kind == LOCALNET_NODE_MIXNODE && (info->layer < 1 || info->layer > 3))
      || (info->kind == LOCALNET_NODE_GATEWAY && (info->layer != 0 || info->ws_port == 0))
      || info->mix_port == 0)
    {
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID,
                   "Node “%s” has layer %u, mix port %u and websocket port %u, which do not fit its kind",
                   info->name, info->layer, info->mix_port, info->ws_port);
      return 0;
    }

  lock = lock_directory (self, error);
  if (lock < 0)
    return 0;
  /* Another single-role process may have added itself since we last looked. */
  if (json_changed_on_disk (self) && !load_json (self, error))
    {
      unlock_directory (lock);
      return 0;
    }

  copy = localnet_node_info_copy (info);
  index = find_index (self, info->name);
  if (index >= 0)
    {
      copy->node_id = ((LocalnetNodeInfo *) g_ptr_array_index (self->nodes, (guint) index))->node_id;
      g_ptr_array_remove_index (self->nodes, (guint) index);
    }
  else
    {
      for (guint i = 0; i < self->nodes->len; i++)
        node_id = MAX (node_id, ((LocalnetNodeInfo *) g_ptr_array_index (self->nodes, i))->node_id);
      copy->node_id = node_id + 1;
    }
  node_id = copy->node_id;
  g_ptr_array_add (self->nodes, copy);
  g_ptr_array_sort (self->nodes, compare_node_id);

  if (!write_json_locked (self, error))
    node_id = 0;
  unlock_directory (lock);
  emit_changed (self);
  return node_id;
}

bool
localnet_network_remove_node (LocalnetNetwork  *self,
                              const char       *name,
                              GError          **error)
{
  gint index;
  int lock;
  bool ok;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), false);

  lock = lock_directory (self, error);
  if (lock < 0)
    return false;
  if (json_changed_on_disk (self) && !load_json (self, error))
    {
      unlock_directory (lock);
      return false;
    }
  index = find_index (self, name);
  if (index < 0)
    {
      unlock_directory (lock);
      g_set_error (error, LOCALNET_NETWORK_ERROR, LOCALNET_NETWORK_ERROR_INVALID,
                   "There is no node called “%s” in %s", name, self->json_path);
      return false;
    }
  g_ptr_array_remove_index (self->nodes, (guint) index);
  ok = write_json_locked (self, error);
  unlock_directory (lock);
  emit_changed (self);
  return ok;
}

void
localnet_network_clear (LocalnetNetwork *self)
{
  g_return_if_fail (LOCALNET_IS_NETWORK (self));

  if (self->nodes->len == 0)
    return;
  g_ptr_array_set_size (self->nodes, 0);
  emit_changed (self);
}

GPtrArray *
localnet_network_get_nodes (LocalnetNetwork *self)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);
  return self->nodes;
}

const LocalnetNodeInfo *
localnet_network_find_node (LocalnetNetwork *self,
                            const char      *name)
{
  gint index;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);

  index = find_index (self, name);
  return index >= 0 ? g_ptr_array_index (self->nodes, (guint) index) : NULL;
}

bool
localnet_network_set_nym_api_url (LocalnetNetwork  *self,
                                  const char       *url,
                                  GError          **error)
{
  int lock;
  bool ok;

  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), false);

  lock = lock_directory (self, error);
  if (lock < 0)
    return false;
  if (json_changed_on_disk (self) && !load_json (self, error))
    {
      unlock_directory (lock);
      return false;
    }
  if (g_strcmp0 (self->nym_api_url, url) != 0)
    {
      g_free (self->nym_api_url);
      self->nym_api_url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NYM_API_URL]);
    }
  ok = write_json_locked (self, error);
  unlock_directory (lock);
  return ok;
}

const char *
localnet_network_get_nym_api_url (LocalnetNetwork *self)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), NULL);
  return self->nym_api_url;
}

void
localnet_network_set_zero_delay (LocalnetNetwork *self,
                                 gboolean         zero_delay)
{
  g_return_if_fail (LOCALNET_IS_NETWORK (self));

  zero_delay = !!zero_delay;
  if (self->zero_delay == zero_delay)
    return;
  self->zero_delay = zero_delay;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZERO_DELAY]);
}

gboolean
localnet_network_get_zero_delay (LocalnetNetwork *self)
{
  g_return_val_if_fail (LOCALNET_IS_NETWORK (self), FALSE);
  return self->zero_delay;
}
