/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the Sphinx code against packets of the real Nym client (wasm-client-packets.json, nym-packet.md §25). */
#include "nym-core.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-header.h"
#include "sphinx/nym-sphinx-keys.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-payload.h"
#include "sphinx/nym-sphinx-surb.h"
#include "sphinx-test-util.h"

#define MAX_HOPS NYM_SPHINX_MAX_PATH_LENGTH

typedef struct
{
  JsonParser *parser;
  JsonObject *root;
} Fixture;

/* What a whole route taught us, for the rebuilding tests. */
typedef struct
{
  size_t               n_hops;
  uint16_t             version;
  NymSphinxNode        route[MAX_HOPS];
  uint64_t             delays[MAX_HOPS];
  NymSphinxDestination destination;
  uint8_t              expanded[MAX_HOPS][NYM_SPHINX_EXPANDED_SECRET_SIZE];
  uint8_t              payload_keys[MAX_HOPS][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  uint8_t              final_padding[NYM_SPHINX_ROUTING_INFO_SIZE];
  size_t               final_padding_len;
  GBytes              *message;
} RouteTrace;

static void
fixture_setup (Fixture      *fixture,
               gconstpointer user_data)
{
  fixture->parser = crypto_test_load_json ("wasm-client-packets.json");
  fixture->root = json_node_get_object (json_parser_get_root (fixture->parser));
}

static void
fixture_teardown (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_clear_object (&fixture->parser);
}

static void
route_trace_clear (RouteTrace *trace)
{
  g_clear_pointer (&trace->message, g_bytes_unref);
}

static void
node_secret (Fixture    *fixture,
             const char *label,
             uint8_t     secret[32])
{
  JsonArray *nodes = json_object_get_array_member (fixture->root, "nodes");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member (node, "label"), label) == 0)
        {
          sphinx_test_json_fixed (node, "x25519_sphinx_private", secret, 32);
          return;
        }
    }
  g_assert_not_reached ();
}

/* Recomputes every value the vector file gives for one hop, unwraps the packet with the
 * hop's key, and returns the packet as forwarded (or the payload block at the final hop). */
static GBytes *
check_hop (Fixture       *fixture,
           JsonObject    *hop,
           size_t         index,
           const uint8_t *packet,
           size_t         packet_len,
           RouteTrace    *trace)
{
  uint8_t secret[32];
  uint8_t shared[32];
  uint8_t mac[NYM_SPHINX_MAC_SIZE];
  uint8_t routing[NYM_SPHINX_STREAM_OUTPUT_SIZE];
  uint8_t *expanded = trace->expanded[index];
  uint8_t *payload_key = trace->payload_keys[index];
  g_autofree uint8_t *out = g_malloc (packet_len);
  g_autoptr(GBytes) alpha = sphinx_test_json_hex (hop, "alpha");
  g_autoptr(GBytes) shared_secret = sphinx_test_json_hex (hop, "shared_secret");
  g_autoptr(GBytes) stream_key = sphinx_test_json_hex (hop, "stream_key");
  g_autoptr(GBytes) mac_key = sphinx_test_json_hex (hop, "mac_key");
  g_autoptr(GBytes) legacy_key = sphinx_test_json_hex (hop, "legacy_payload_key");
  g_autoptr(GBytes) seed = sphinx_test_json_hex (hop, "payload_key_seed");
  g_autoptr(GBytes) blinding = sphinx_test_json_hex (hop, "blinding_factor");
  g_autoptr(GBytes) replay_tag = sphinx_test_json_hex (hop, "replay_tag");
  g_autoptr(GBytes) expected_key = sphinx_test_json_hex (hop, "payload_key");
  g_autoptr(GBytes) header_mac = sphinx_test_json_hex (hop, "header_mac");
  g_autoptr(GBytes) routing_plaintext = sphinx_test_json_hex (hop, "routing_info_plaintext");
  g_autoptr(GBytes) version_bytes = sphinx_test_json_hex (hop, "version_bytes");
  uint16_t version = (uint16_t) json_object_get_int_member (hop, "version");
  int flag = (int) json_object_get_int_member (hop, "flag");
  NymSphinxUnwrapped result;
  g_autoptr(GError) error = NULL;

  node_secret (fixture, json_object_get_string_member (hop, "node"), secret);
  sphinx_assert_bytes (packet, 32, alpha);
  sphinx_test_json_fixed (hop, "node_address", trace->route[index].address, 32);
  g_assert_true (nym_x25519 (shared, secret, packet));
  sphinx_assert_bytes (shared, 32, shared_secret);

  g_assert_true (nym_sphinx_expand_shared_secret (shared, expanded));
  sphinx_assert_bytes (expanded + NYM_SPHINX_STREAM_KEY_OFFSET, 16, stream_key);
  sphinx_assert_bytes (expanded + NYM_SPHINX_MAC_KEY_OFFSET, 16, mac_key);
  sphinx_assert_bytes (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, NYM_SPHINX_PAYLOAD_KEY_SIZE, legacy_key);
  sphinx_assert_bytes (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE, seed);
  sphinx_assert_bytes (expanded + NYM_SPHINX_BLINDING_FACTOR_OFFSET, 32, blinding);
  sphinx_assert_bytes (expanded + NYM_SPHINX_REPLAY_TAG_OFFSET, 32, replay_tag);

  g_assert_true (nym_sphinx_version_is_supported (version));
  g_assert_true (nym_sphinx_payload_key_for_version (version, expanded, payload_key));
  sphinx_assert_bytes (payload_key, NYM_SPHINX_PAYLOAD_KEY_SIZE, expected_key);

  sphinx_assert_bytes (packet + 32, NYM_SPHINX_MAC_SIZE, header_mac);
  g_assert_true (nym_sphinx_header_mac (expanded + NYM_SPHINX_MAC_KEY_OFFSET, packet + 48, mac));
  sphinx_assert_bytes (mac, sizeof mac, header_mac);
  g_assert_true (nym_sphinx_routing_info_unwrap (expanded, packet + 48, routing));
  sphinx_assert_bytes (routing, sizeof routing, routing_plaintext);
  sphinx_assert_bytes (routing + 1, 3, version_bytes);
  g_assert_cmpint (routing[0], ==, flag);

  g_assert_true (nym_sphinx_packet_unwrap (secret, packet, packet_len, out, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.version, ==, version);
  sphinx_assert_bytes (result.replay_tag, 32, replay_tag);
  trace->version = version;

  if (flag == NYM_SPHINX_FLAG_FORWARD_HOP)
    {
      g_autoptr(GBytes) next_hop = sphinx_test_json_hex (hop, "next_hop_address");
      g_autoptr(GBytes) blinded = sphinx_test_json_hex (hop, "blinded_alpha");
      g_autoptr(GBytes) after = sphinx_test_json_hex (hop, "packet_after_hop");

      g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
      sphinx_assert_bytes (result.next_hop_address, 32, next_hop);
      g_assert_cmpuint (result.delay_ns, ==, (uint64_t) json_object_get_int_member (hop, "delay_ns"));
      sphinx_assert_bytes (out, 32, blinded);
      sphinx_assert_bytes (out, packet_len, after);
      trace->delays[index] = result.delay_ns;
      return g_bytes_new (out, packet_len);
    }
  else
    {
      g_autoptr(GBytes) destination = sphinx_test_json_hex (hop, "destination");
      g_autoptr(GBytes) identifier = sphinx_test_json_hex (hop, "surb_identifier");
      g_autoptr(GBytes) payload = sphinx_test_json_hex (hop, "payload_after_hop");
      g_autoptr(GBytes) plaintext = sphinx_test_json_hex (hop, "payload_plaintext");
      g_autoptr(GBytes) rest = sphinx_test_json_hex (hop, "final_block_rest");
      size_t final_len = (size_t) json_object_get_int_member (hop, "final_block_len");
      size_t payload_len = packet_len - NYM_SPHINX_HEADER_SIZE;

      g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
      sphinx_assert_bytes (result.destination, 32, destination);
      sphinx_assert_bytes (result.surb_identifier, 16, identifier);
      sphinx_assert_bytes (out, payload_len, payload);
      g_assert_true (result.message == out + NYM_SPHINX_SECURITY_PARAMETER);
      sphinx_assert_bytes (result.message, result.message_len, plaintext);

      memcpy (trace->destination.address, result.destination, 32);
      memcpy (trace->destination.identifier, result.surb_identifier, 16);
      g_assert_cmpuint (final_len, ==, NYM_SPHINX_STREAM_OUTPUT_SIZE - 60 * (index + 1));
      trace->final_padding_len = final_len - NYM_SPHINX_FINAL_META_SIZE;
      g_assert_cmpuint (trace->final_padding_len, ==, nym_sphinx_final_padding_size (index + 1));
      g_assert_cmpuint (g_bytes_get_size (rest), >=, trace->final_padding_len);
      memcpy (trace->final_padding, g_bytes_get_data (rest, NULL), trace->final_padding_len);
      trace->message = g_bytes_ref (plaintext);
      trace->delays[index] = 0;
      return g_bytes_new (out, payload_len);
    }
}

/* Follows one packet through all of its hops; returns the number of hops. */
static size_t
check_route (Fixture    *fixture,
             JsonArray  *hops,
             GBytes     *packet,
             RouteTrace *trace)
{
  g_autoptr(GBytes) current = g_bytes_ref (packet);
  size_t n_hops = json_array_get_length (hops);

  g_assert_cmpuint (n_hops, >=, 1);
  g_assert_cmpuint (n_hops, <=, MAX_HOPS);
  memset (trace, 0, sizeof *trace);
  trace->n_hops = n_hops;
  for (size_t i = 0; i < n_hops; i++)
    {
      JsonObject *hop = json_array_get_object_element (hops, (guint) i);
      uint8_t beta_tail[60 * (MAX_HOPS - 1)];
      size_t filler_len = 60 * (n_hops - 1);
      GBytes *next;

      g_assert_cmpuint (g_bytes_get_size (current), ==, g_bytes_get_size (packet));
      memcpy (beta_tail, (const uint8_t *) g_bytes_get_data (current, NULL) + NYM_SPHINX_HEADER_SIZE - filler_len,
              filler_len);
      next = check_hop (fixture, hop, i, g_bytes_get_data (current, NULL),
                        g_bytes_get_size (packet), trace);
      g_bytes_unref (current);
      current = next;

      if (i == n_hops - 1)
        {
          /* §7: the filler built from hops 0..n-2 is the value the vector file gives and
           * the tail of the β that reached the last hop. */
          g_autoptr(GBytes) filler = sphinx_test_json_hex (hop, "filler");
          uint8_t computed[60 * (MAX_HOPS - 1)];

          g_assert_true (nym_sphinx_filler_compute ((const uint8_t (*)[NYM_SPHINX_EXPANDED_SECRET_SIZE]) trace->expanded,
                                                    n_hops, computed));
          sphinx_assert_bytes (computed, filler_len, filler);
          g_assert_cmpmem (computed, filler_len, beta_tail, filler_len);
        }
    }
  g_assert_cmpint (g_bytes_get_size (current), ==, g_bytes_get_size (packet) - NYM_SPHINX_HEADER_SIZE);
  return n_hops;
}

/* Rebuilds the header and the payload from what the hops revealed: every input that is not
 * random (keys, addresses, delays, destination) plus the random final padding. */
static void
check_rebuild (RouteTrace *trace,
               GBytes     *packet)
{
  uint8_t header[NYM_SPHINX_HEADER_SIZE];
  size_t packet_len = g_bytes_get_size (packet);
  const uint8_t *bytes = g_bytes_get_data (packet, NULL);
  g_autofree uint8_t *payload = g_malloc (packet_len - NYM_SPHINX_HEADER_SIZE);
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_sphinx_header_build (trace->version, trace->route, trace->n_hops,
                                          &trace->destination, trace->delays,
                                          (const uint8_t (*)[NYM_SPHINX_EXPANDED_SECRET_SIZE]) trace->expanded,
                                          trace->final_padding, bytes, header, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (header, sizeof header, bytes, NYM_SPHINX_HEADER_SIZE);

  g_assert_true (nym_sphinx_payload_encapsulate (g_bytes_get_data (trace->message, NULL),
                                                 g_bytes_get_size (trace->message),
                                                 (const uint8_t (*)[NYM_SPHINX_PAYLOAD_KEY_SIZE]) trace->payload_keys,
                                                 trace->n_hops, payload,
                                                 packet_len - NYM_SPHINX_HEADER_SIZE, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (payload, packet_len - NYM_SPHINX_HEADER_SIZE,
                   bytes + NYM_SPHINX_HEADER_SIZE, packet_len - NYM_SPHINX_HEADER_SIZE);
}

typedef void (*PacketFunc) (Fixture    *fixture,
                            JsonObject *capture,
                            JsonObject *packet,
                            gpointer    user_data);

static void
foreach_packet (Fixture   *fixture,
                PacketFunc func,
                gpointer   user_data)
{
  JsonArray *captures = json_object_get_array_member (fixture->root, "captures");

  for (guint c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *capture = json_array_get_object_element (captures, c);
      JsonArray *packets = json_object_get_array_member (capture, "packets");

      for (guint p = 0; p < json_array_get_length (packets); p++)
        func (fixture, capture, json_array_get_object_element (packets, p), user_data);
    }
}

typedef struct
{
  size_t packets;
  size_t hops;
  size_t versions[2];
  bool   rebuild;
} HopCount;

static void
check_packet_and_ack (Fixture    *fixture,
                      JsonObject *capture,
                      JsonObject *packet,
                      gpointer    user_data)
{
  HopCount *count = user_data;
  JsonObject *final = json_object_get_object_member (packet, "final");
  JsonObject *ack = json_object_get_object_member (final, "surb_ack");
  g_autoptr(GBytes) sphinx_packet = sphinx_test_json_hex (packet, "sphinx_packet");
  g_autoptr(GBytes) ack_packet = sphinx_test_json_hex (ack, "ack_packet");
  RouteTrace trace;

  g_assert_cmpuint (g_bytes_get_size (sphinx_packet), ==,
                    (size_t) json_object_get_int_member (packet, "sphinx_packet_len"));
  count->hops += check_route (fixture, json_object_get_array_member (packet, "hops"),
                              sphinx_packet, &trace);
  count->versions[trace.version == 259]++;
  if (count->rebuild)
    check_rebuild (&trace, sphinx_packet);
  route_trace_clear (&trace);

  /* The SURB-ACK inside the payload: a 386-byte packet with its own four hops. */
  g_assert_cmpuint (g_bytes_get_size (ack_packet), ==, 386);
  count->hops += check_route (fixture, json_object_get_array_member (ack, "hops"),
                              ack_packet, &trace);
  if (count->rebuild)
    check_rebuild (&trace, ack_packet);
  route_trace_clear (&trace);
  count->packets += 2;
}

/* Every hop of every packet and SURB-ACK: keys, MACs, routing blocks, blinded α, the packet
 * after each hop, the filler and the final payload. */
static void
test_vectors_every_hop (Fixture      *fixture,
                        gconstpointer user_data)
{
  HopCount count = { 0 };

  foreach_packet (fixture, check_packet_and_ack, &count);
  /* 19 captured packets, each with a SURB-ACK, four hops each; both versions are present. */
  g_assert_cmpuint (count.packets, ==, 38);
  g_assert_cmpuint (count.hops, ==, 152);
  g_assert_cmpuint (count.versions[0], ==, 4);
  g_assert_cmpuint (count.versions[1], ==, 15);
}

/* The creation side, byte for byte: header and payload rebuilt from the revealed inputs. */
static void
test_vectors_rebuild (Fixture      *fixture,
                      gconstpointer user_data)
{
  HopCount count = { .rebuild = true };

  foreach_packet (fixture, check_packet_and_ack, &count);
  g_assert_cmpuint (count.packets, ==, 38);
}

typedef struct
{
  GPtrArray *surbs;
  size_t     replies;
} ReplyCheck;

/* §11: the reply SURBs the client attached, parsed in the seed layout. */
static GPtrArray *
collect_reply_surbs (Fixture *fixture)
{
  GPtrArray *surbs = g_ptr_array_new_with_free_func (g_free);
  JsonArray *captures = json_object_get_array_member (fixture->root, "captures");

  for (guint c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *capture = json_array_get_object_element (captures, c);
      JsonArray *messages;

      if (!json_object_has_member (capture, "messages"))
        continue;
      messages = json_object_get_array_member (capture, "messages");
      for (guint m = 0; m < json_array_get_length (messages); m++)
        {
          JsonObject *parsed = json_object_get_object_member (json_array_get_object_element (messages, m), "parsed");
          JsonArray *list;

          if (!json_object_has_member (parsed, "reply_surbs"))
            continue;
          list = json_object_get_array_member (parsed, "reply_surbs");
          for (guint s = 0; s < json_array_get_length (list); s++)
            {
              JsonObject *entry = json_array_get_object_element (list, s);
              JsonArray *material = json_object_get_array_member (entry, "payload_key_material");
              g_autoptr(GByteArray) bytes = g_byte_array_new ();
              g_autoptr(GBytes) header = sphinx_test_json_hex (entry, "header");
              g_autoptr(GBytes) first_hop = sphinx_test_json_hex (entry, "first_hop_address");
              NymSphinxSurb *surb = g_new0 (NymSphinxSurb, 1);
              uint8_t serialized[1024];
              size_t serialized_len = 0;
              g_autoptr(GError) error = NULL;

              g_byte_array_append (bytes, g_bytes_get_data (header, NULL), g_bytes_get_size (header));
              g_byte_array_append (bytes, g_bytes_get_data (first_hop, NULL), g_bytes_get_size (first_hop));
              for (guint k = 0; k < json_array_get_length (material); k++)
                {
                  g_autoptr(GBytes) seed = crypto_test_hex (json_array_get_string_element (material, k));

                  g_byte_array_append (bytes, g_bytes_get_data (seed, NULL), g_bytes_get_size (seed));
                }
              /* 460-byte reply SURB = 16-byte SURB key ‖ this SURB. */
              g_assert_cmpuint (bytes->len + 16, ==, (guint) json_object_get_int_member (entry, "bytes_len"));

              g_assert_true (nym_sphinx_surb_parse (bytes->data, bytes->len, surb, &error));
              g_assert_no_error (error);
              g_assert_true (surb->uses_seeds);
              g_assert_cmpuint (surb->n_hops, ==, json_array_get_length (material));
              g_assert_true (nym_sphinx_surb_serialize (surb, serialized, sizeof serialized,
                                                        &serialized_len, &error));
              g_assert_cmpmem (serialized, serialized_len, bytes->data, bytes->len);
              g_ptr_array_add (surbs, surb);
            }
        }
    }
  return surbs;
}

static void
check_reply_packet (Fixture    *fixture,
                    JsonObject *capture,
                    JsonObject *packet,
                    gpointer    user_data)
{
  ReplyCheck *check = user_data;
  JsonObject *e2e = json_object_get_object_member (json_object_get_object_member (packet, "final"), "e2e");
  JsonArray *hops = json_object_get_array_member (packet, "hops");
  JsonObject *final_hop = json_array_get_object_element (hops, json_array_get_length (hops) - 1);
  g_autoptr(GBytes) sphinx_packet = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) first_hop = NULL;
  const uint8_t *expected;
  size_t len;

  if (g_strcmp0 (json_object_get_string_member (e2e, "kind"), "reply") != 0)
    return;

  sphinx_packet = sphinx_test_json_hex (packet, "sphinx_packet");
  plaintext = sphinx_test_json_hex (final_hop, "payload_plaintext");
  first_hop = sphinx_test_json_hex (packet, "first_hop_address_unpadded");
  expected = g_bytes_get_data (sphinx_packet, &len);

  for (guint s = 0; s < check->surbs->len; s++)
    {
      NymSphinxSurb *surb = g_ptr_array_index (check->surbs, s);
      g_autofree uint8_t *built = NULL;
      uint8_t address[NYM_SPHINX_NODE_ADDRESS_LENGTH];
      g_autoptr(GError) error = NULL;

      if (memcmp (surb->header, expected, NYM_SPHINX_HEADER_SIZE) != 0)
        continue;

      /* The replier's packet is the SURB header and the SURB keys' encryption of the reply:
       * nothing random, so ours must be the real client's byte for byte. */
      built = g_malloc (len);
      g_assert_true (nym_sphinx_surb_use (surb, g_bytes_get_data (plaintext, NULL),
                                          g_bytes_get_size (plaintext),
                                          len - NYM_SPHINX_HEADER_SIZE, built, address, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (built, len, expected, len);
      g_assert_cmpmem (address, g_bytes_get_size (first_hop), g_bytes_get_data (first_hop, NULL),
                       g_bytes_get_size (first_hop));
      check->replies++;
      return;
    }
  g_assert_not_reached ();
}

static void
test_vectors_reply_surbs (Fixture      *fixture,
                          gconstpointer user_data)
{
  ReplyCheck check = { .surbs = collect_reply_surbs (fixture) };

  /* 2 SURBs with the anonymous message and 10 sent on request. */
  g_assert_cmpuint (check.surbs->len, ==, 12);
  foreach_packet (fixture, check_reply_packet, &check);
  g_assert_cmpuint (check.replies, ==, 2);
  for (guint s = 0; s < check.surbs->len; s++)
    nym_sphinx_surb_clear (g_ptr_array_index (check.surbs, s));
  g_ptr_array_unref (check.surbs);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nym_core_init ());
  g_test_add ("/sphinx/vectors/every-hop", Fixture, NULL,
              fixture_setup, test_vectors_every_hop, fixture_teardown);
  g_test_add ("/sphinx/vectors/rebuild", Fixture, NULL,
              fixture_setup, test_vectors_rebuild, fixture_teardown);
  g_test_add ("/sphinx/vectors/reply-surbs", Fixture, NULL,
              fixture_setup, test_vectors_reply_surbs, fixture_teardown);
  return g_test_run ();
}
