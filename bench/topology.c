/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark of the topology client on a mainnet-sized network served over 127.0.0.1, against bare GETs and JSON parsing of the same bodies. */
#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "topology/nym-api-client.h"

/* About the size of mainnet in 2026: 240 active mix nodes, several hundred gateways. */
#define N_MIXNODES 240
#define N_GATEWAYS 400
#define ROUNDS     10

static const char *const paths[] = {
  NYM_API_PATH_KEY_ROTATION_INFO,
  NYM_API_PATH_REWARDED_SET,
  NYM_API_PATH_ACTIVE_MIXNODES,
  NYM_API_PATH_ENTRY_GATEWAYS,
  NYM_API_PATH_DESCRIBED,
};

static GHashTable *bodies; /* path → GBytes */

/* Identities must be Ed25519 points (the parser checks); any 32 bytes are an X25519 key. */
static void
append_key (GString *out,
            bool     ed25519)
{
  uint8_t key[32], secret[64];
  g_autofree char *text = NULL;

  if (ed25519)
    crypto_sign_keypair (key, secret);
  else
    randombytes_buf (key, sizeof key);
  text = nym_base58_encode (key, sizeof key);
  g_string_append_printf (out, "\"%s\"", text);
}

static void
append_skimmed (GString *out,
                guint    id)
{
  bool mix = id <= N_MIXNODES;

  g_string_append_printf (out, "{\"node_id\":%u,\"ed25519_identity_pubkey\":", id);
  append_key (out, true);
  g_string_append_printf (out, ",\"ip_addresses\":[\"10.%u.%u.1\"],\"mix_port\":1789,\"x25519_sphinx_pubkey\":",
                          id / 256, id % 256);
  append_key (out, false);
  if (mix)
    g_string_append_printf (out, ",\"role\":{\"Mixnode\":{\"layer\":%u}},\"supported_roles\":{\"mixnode\":true,"
                            "\"entry\":false,\"exit_nr\":false,\"exit_ipr\":false},\"entry\":null", (id - 1) % 3 + 1);
  else
    g_string_append (out, ",\"role\":\"EntryGateway\",\"supported_roles\":{\"mixnode\":false,\"entry\":true,"
                          "\"exit_nr\":true,\"exit_ipr\":true},\"entry\":{\"hostname\":\"gw.example\",\"ws_port\":9000,"
                          "\"wss_port\":9001}");
  g_string_append_printf (out, ",\"performance\":\"0.%02u\"}", 50 + id % 50);
}

static GBytes *
skimmed_body (guint first,
              guint last)
{
  GString *out = g_string_new ("{\"metadata\":{\"status\":null,\"absolute_epoch_id\":123,\"rotation_id\":5,"
                               "\"refreshed_at\":\"2026-05-16T10:00:00Z\"},\"nodes\":{\"pagination\":");

  g_string_append_printf (out, "{\"total\":%u,\"page\":0,\"size\":%u},\"data\":[", last - first + 1, last - first + 1);
  for (guint id = first; id <= last; id++)
    {
      if (id != first)
        g_string_append_c (out, ',');
      append_skimmed (out, id);
    }
  g_string_append (out, "]}}");
  return g_string_free_to_bytes (out);
}

static GBytes *
described_body (void)
{
  GString *out = g_string_new ("{\"pagination\":");
  guint total = N_MIXNODES + N_GATEWAYS;

  g_string_append_printf (out, "{\"total\":%u,\"page\":0,\"size\":%u},\"data\":[", total, total);
  for (guint id = 1; id <= total; id++)
    {
      g_string_append_printf (out, "%s{\"node_id\":%u,\"description\":{\"host_information\":{\"ip_address\":"
                              "[\"10.%u.%u.1\"],\"hostname\":null,\"keys\":{\"ed25519\":",
                              id == 1 ? "" : ",", id, id / 256, id % 256);
      append_key (out, true);
      g_string_append (out, ",\"x25519\":");
      append_key (out, false);
      g_string_append (out, "}},\"declared_role\":{\"mixnode\":false,\"entry\":true,\"exit_nr\":true,\"exit_ipr\":true},"
                            "\"auxiliary_details\":{\"location\":\"PL\"},\"network_requester\":{\"address\":\"a.b@c\","
                            "\"uses_exit_policy\":true},\"ip_packet_router\":{\"address\":\"d.e@f\"},"
                            "\"mixnet_websockets\":{\"ws_port\":9000,\"wss_port\":null}}}");
    }
  g_string_append (out, "]}");
  return g_string_free_to_bytes (out);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  GBytes *body = g_hash_table_lookup (bodies, path + 1);

  if (body == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static void
store (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

int
main (void)
{
  const char *rotation = "{\"key_rotation_state\":{\"validity_epochs\":24,\"initial_epoch_id\":0},"
                         "\"current_absolute_epoch_id\":123,\"current_epoch_start\":\"2026-05-16T10:00:00Z\","
                         "\"epoch_duration\":{\"secs\":3600,\"nanos\":0},\"progress\":{\"current_key_rotation_id\":5,"
                         "\"current_rotation_starting_epoch\":120,\"current_rotation_ending_epoch\":143}}";
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(NymApiClient) client = NULL;
  g_autoptr(GString) rewarded_set = g_string_new ("{\"epoch_id\":123,\"entry_gateways\":[");
  g_autofree char *url = NULL;
  double best_fetch = G_MAXDOUBLE, best_raw = G_MAXDOUBLE, best_parse = G_MAXDOUBLE, best_json = G_MAXDOUBLE;
  GSList *uris;
  GBytes *mixnodes;
  size_t total_bytes = 0;

  if (sodium_init () < 0)
    return 1;

  /* The rewarded set names every node: gateways as entries, mix nodes by layer. */
  for (guint id = N_MIXNODES + 1; id <= N_MIXNODES + N_GATEWAYS; id++)
    g_string_append_printf (rewarded_set, "%s%u", id == N_MIXNODES + 1 ? "" : ",", id);
  g_string_append (rewarded_set, "],\"exit_gateways\":[]");
  for (guint layer = 1; layer <= 3; layer++)
    {
      bool first = true;

      g_string_append_printf (rewarded_set, ",\"layer%u\":[", layer);
      for (guint id = layer; id <= N_MIXNODES; id += 3, first = false)
        g_string_append_printf (rewarded_set, "%s%u", first ? "" : ",", id);
      g_string_append_c (rewarded_set, ']');
    }
  g_string_append (rewarded_set, ",\"standby\":[]}");

  bodies = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
  g_hash_table_insert (bodies, (gpointer) NYM_API_PATH_KEY_ROTATION_INFO, g_bytes_new_static (rotation, strlen (rotation)));
  g_hash_table_insert (bodies, (gpointer) NYM_API_PATH_REWARDED_SET, g_bytes_new (rewarded_set->str, rewarded_set->len));
  mixnodes = skimmed_body (1, N_MIXNODES);
  g_hash_table_insert (bodies, (gpointer) NYM_API_PATH_ACTIVE_MIXNODES, mixnodes);
  g_hash_table_insert (bodies, (gpointer) NYM_API_PATH_ENTRY_GATEWAYS, skimmed_body (N_MIXNODES + 1, N_MIXNODES + N_GATEWAYS));
  g_hash_table_insert (bodies, (gpointer) NYM_API_PATH_DESCRIBED, described_body ());
  for (size_t i = 0; i < G_N_ELEMENTS (paths); i++)
    total_bytes += g_bytes_get_size (g_hash_table_lookup (bodies, paths[i]));

  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  if (!soup_server_listen (server, address, 0, NULL))
    return 1;
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  client = nym_api_client_new ((const char *const[]) { url, NULL }, NULL);

  /* Alternate the measured work and its baseline, keeping each one's best round. */
  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(NymTopologySnapshot) snapshot = NULL;
      gint64 start = g_get_monotonic_time ();

      nym_api_client_fetch_topology_async (client, NULL, store, &result);
      snapshot = nym_api_client_fetch_topology_finish (client, wait_for (&result), NULL);
      if (snapshot == NULL || nym_topology_snapshot_get_nodes (snapshot)->len != N_MIXNODES + N_GATEWAYS)
        return 1;
      best_fetch = MIN (best_fetch, (double) (g_get_monotonic_time () - start) / 1000.0);

      /* Baseline: the same five GETs in a row, each body loaded by json-glib and no more. */
      start = g_get_monotonic_time ();
      for (size_t i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autofree char *target = g_strconcat (url, paths[i], NULL);
          g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, target);
          g_autoptr(GAsyncResult) read = NULL;
          g_autoptr(GBytes) body = NULL;
          g_autoptr(JsonParser) parser = json_parser_new ();

          soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, store, &read);
          body = soup_session_send_and_read_finish (session, wait_for (&read), NULL);
          if (body == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                           (gssize) g_bytes_get_size (body), NULL))
            return 1;
        }
      best_raw = MIN (best_raw, (double) (g_get_monotonic_time () - start) / 1000.0);

      /* The mix node list alone: our parser (which validates every key and address) against
       * json-glib's load of the same bytes. */
      start = g_get_monotonic_time ();
      {
        g_autoptr(NymTopologySkimmedPage) page =
          nym_topology_parse_skimmed_page ("bench", g_bytes_get_data (mixnodes, NULL), g_bytes_get_size (mixnodes), NULL);
        if (page == NULL)
          return 1;
      }
      best_parse = MIN (best_parse, (double) (g_get_monotonic_time () - start) / 1000.0);
      start = g_get_monotonic_time ();
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        if (!json_parser_load_from_data (parser, g_bytes_get_data (mixnodes, NULL), (gssize) g_bytes_get_size (mixnodes), NULL))
          return 1;
      }
      best_json = MIN (best_json, (double) (g_get_monotonic_time () - start) / 1000.0);
    }

  printf ("topology fetch_build_ms=%.2f bare_get_json_ms=%.2f ratio=%.3f mixnode_parse_ms=%.3f "
          "json_load_ms=%.3f parse_ratio=%.3f nodes=%u bytes=%zu\n",
          best_fetch, best_raw, best_fetch / best_raw, best_parse, best_json, best_parse / best_json,
          N_MIXNODES + N_GATEWAYS, total_bytes);
  soup_server_disconnect (server);
  g_hash_table_unref (bodies);
  return 0;
}
