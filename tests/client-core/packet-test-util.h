/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the packet-layer tests: hex, the packet.vectors key file and the real-client capture. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nym-core.h"

static inline GBytes *
test_hex (const char *hex)
{
  size_t len = strlen (hex);
  uint8_t *out;

  g_assert_cmpuint (len % 2, ==, 0);
  out = g_malloc (len / 2 + 1);
  for (size_t i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      out[i] = (uint8_t) ((hi << 4) | lo);
    }
  return g_bytes_new_take (out, len / 2);
}

/* Copies exactly n bytes of hex into out, failing the test on any other length. */
static inline void
test_hex_into (const char *hex,
               uint8_t    *out,
               size_t      n)
{
  g_autoptr(GBytes) bytes = test_hex (hex);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, n);
  memcpy (out, g_bytes_get_data (bytes, NULL), n);
}

static inline void
test_assert_bytes (const uint8_t *got,
                   size_t         got_len,
                   GBytes        *expected)
{
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (expected, &len);

  g_assert_cmpmem (got, got_len, data, len);
}

static inline char *
test_data_path (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  if (srcdir != NULL)
    return g_build_filename (srcdir, "data", name, NULL);
  return g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
}

static inline GKeyFile *
test_packet_vectors (void)
{
  g_autofree char *path = test_data_path ("packet.vectors");
  g_autoptr(GError) error = NULL;
  GKeyFile *file = g_key_file_new ();

  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return file;
}

static inline GBytes *
test_vector_bytes (GKeyFile   *file,
                   const char *group,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_key_file_get_string (file, group, key, &error);

  g_assert_no_error (error);
  return test_hex (value);
}

static inline JsonNode *
test_wasm_capture (void)
{
  static JsonNode *root;

  if (root == NULL)
    {
      g_autofree char *path = test_data_path ("wasm-client-packets.json");
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      root = json_node_copy (json_parser_get_root (parser));
    }
  return root;
}

static inline JsonObject *
test_capture_named (const char *name)
{
  JsonArray *captures = json_object_get_array_member (json_node_get_object (test_wasm_capture ()), "captures");

  for (guint i = 0; i < json_array_get_length (captures); i++)
    {
      JsonObject *capture = json_array_get_object_element (captures, i);

      if (g_strcmp0 (json_object_get_string_member (capture, "name"), name) == 0)
        return capture;
    }
  g_assert_not_reached ();
}

/* A hex member of a JSON object as bytes. */
static inline GBytes *
test_json_hex (JsonObject *object,
               const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return test_hex (json_object_get_string_member (object, member));
}

static inline void
test_json_hex_into (JsonObject *object,
                    const char *member,
                    uint8_t    *out,
                    size_t      n)
{
  g_assert_true (json_object_has_member (object, member));
  test_hex_into (json_object_get_string_member (object, member), out, n);
}

static inline void
test_init_core (void)
{
  g_assert_true (nym_core_init ());
}

#include "crypto/nym-keys.h"
#include "packet/nym-node-address.h"
#include "packet/nym-recipient.h"
#include "packet/nym-topology.h"
#include "sphinx/nym-sphinx-packet.h"

/*
 * A small network for round trips: mixes_per_layer nodes in each of the three layers and two
 * gateways, all on 127.0.0.1 with distinct ports, with their sphinx secrets kept so packets
 * can be unwrapped hop by hop; and a client registered at gateway 0.
 */
typedef struct
{
  NymTopology  *topology;
  GHashTable   *secrets;          /* port → 32-byte sphinx secret (GBytes) */
  NymRecipient  client;
  uint8_t       client_private[32];
  uint8_t       ack_key[16];
} TestNetwork;

static inline void
test_network_add (TestNetwork *network,
                  unsigned     layer,
                  uint16_t     port)
{
  static const uint8_t localhost[4] = { 127, 0, 0, 1 };
  NymTopologyNode node = { 0 };
  uint8_t secret[32];

  node.node_id = port;
  nym_x25519_keypair (node.sphinx_key, secret);
  nym_random_bytes (node.identity, 32);
  nym_node_address_init_ipv4 (&node.address, localhost, port);
  g_hash_table_insert (network->secrets, GUINT_TO_POINTER (port), g_bytes_new (secret, 32));
  if (layer == 0)
    nym_topology_add_gateway (network->topology, &node);
  else
    g_assert_true (nym_topology_add_mix (network->topology, layer, &node, NULL));
}

static inline void
test_network_init (TestNetwork *network,
                   unsigned     mixes_per_layer)
{
  uint16_t port = 20000;

  network->topology = nym_topology_new (1);
  network->secrets = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_bytes_unref);
  for (unsigned layer = 1; layer <= NYM_TOPOLOGY_LAYERS; layer++)
    for (unsigned i = 0; i < mixes_per_layer; i++)
      test_network_add (network, layer, port++);
  test_network_add (network, 0, port++);
  test_network_add (network, 0, port++);
  nym_random_bytes (network->client.identity, 32);
  nym_x25519_keypair (network->client.encryption_key, network->client_private);
  memcpy (network->client.gateway, g_array_index (network->topology->gateways, NymTopologyNode, 0).identity, 32);
  nym_random_bytes (network->ack_key, 16);
}

static inline void
test_network_clear (TestNetwork *network)
{
  g_clear_pointer (&network->topology, nym_topology_free);
  g_clear_pointer (&network->secrets, g_hash_table_unref);
}

/*
 * Sends packet to first_hop and lets every node process it, following the next-hop addresses
 * the packet itself names, until a final hop. Returns the final message and checks the hop
 * count and the destination.
 */
static inline GBytes *
test_network_deliver (TestNetwork          *network,
                      const NymNodeAddress *first_hop,
                      const uint8_t        *packet,
                      size_t                len,
                      size_t                expected_hops,
                      uint16_t              expected_version,
                      const uint8_t         destination[static 32])
{
  g_autofree uint8_t *current = g_memdup2 (packet, len);
  g_autofree uint8_t *out = g_malloc (len);
  NymNodeAddress address = *first_hop;

  for (size_t hop = 0; hop < expected_hops; hop++)
    {
      GBytes *secret = g_hash_table_lookup (network->secrets, GUINT_TO_POINTER (address.port));
      g_autoptr(GError) error = NULL;
      NymSphinxUnwrapped result = { 0 };

      g_assert_nonnull (secret);
      g_assert_true (nym_sphinx_packet_unwrap (g_bytes_get_data (secret, NULL), current, len, out, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.version, ==, expected_version);
      if (hop + 1 < expected_hops)
        {
          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
          g_assert_true (nym_node_address_decode (result.next_hop_address, 32, &address, NULL, &error));
          g_assert_no_error (error);
          memcpy (current, out, len);
        }
      else
        {
          static const uint8_t zero_id[16] = { 0 };

          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
          g_assert_cmpmem (result.destination, 32, destination, 32);
          g_assert_cmpmem (result.surb_identifier, 16, zero_id, 16);
          return g_bytes_new (result.message, result.message_len);
        }
    }
  g_assert_not_reached ();
}
