/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests ack payloads, SURB-ACKs through four hops back to the sender, and the gateway's split (spec nym-packet.md §10 step 7, §19). */
#include "packet/nym-ack.h"
#include "packet/nym-fragment.h"
#include "packet/nym-poisson.h"
#include "packet-test-util.h"

typedef struct
{
  TestNetwork network;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_network_init (&fixture->network, 2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  test_network_clear (&fixture->network);
}

static void
test_payload (void)
{
  uint8_t key[16];
  uint8_t id[5] = { 0x48, 0xf6, 0x31, 0x89, 0x01 };
  uint8_t payload[21];
  uint8_t again[21];
  uint8_t back[5] = { 0 };
  g_autoptr(GError) error = NULL;

  nym_random_bytes (key, sizeof key);
  g_assert_true (nym_ack_payload_encrypt (key, NULL, id, payload));
  g_assert_true (nym_ack_payload_decrypt (key, payload, sizeof payload, back, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, 5, id, 5);
  /* A given IV is used as is. */
  g_assert_true (nym_ack_payload_encrypt (key, payload, id, again));
  g_assert_cmpmem (again, 21, payload, 21);
  /* A fresh IV per ack. */
  g_assert_true (nym_ack_payload_encrypt (key, NULL, id, again));
  g_assert_true (memcmp (again, payload, 16) != 0);

  memset (back, 0, sizeof back);
  g_assert_false (nym_ack_payload_decrypt (key, payload, 20, back, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nym_ack_payload_decrypt (key, payload, 22, back, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (back[0], ==, 0);
}

/* A SURB-ACK built for our own gateway comes back to us as the 21-byte ack, for both versions. */
static void
test_surb_ack_round_trip (Fixture       *fixture,
                          gconstpointer  data)
{
  TestNetwork *network = &fixture->network;
  static const uint16_t versions[] = { 258, 259 };

  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    for (int hops_mode = 0; hops_mode < 2; hops_mode++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) delivered = NULL;
        NymRoute route;
        uint64_t delays[4];
        uint8_t surb_ack[NYM_SURB_ACK_LEN];
        uint8_t id[5];
        uint8_t back[5];
        NymNodeAddress first_hop;
        const uint8_t *packet = NULL;
        bool single = hops_mode == 1;

        nym_fragment_id_encode (nym_fragment_new_set_id (), 7, id);
        g_assert_true (nym_topology_random_route (network->topology, network->client.gateway, single, &route, &error));
        nym_poisson_route_delays (15000000, delays, route.len);
        g_assert_true (nym_surb_ack_create (versions[v], &route, network->client.identity, delays, NULL,
                                            network->ack_key, NULL, id, surb_ack, &error));
        g_assert_no_error (error);
        g_assert_true (nym_surb_ack_parse (surb_ack, sizeof surb_ack, &first_hop, &packet, &error));
        g_assert_no_error (error);
        g_assert_true (nym_node_address_equal (&first_hop, &route.first_hop));
        /* The address is zero-padded to 19 bytes. */
        for (size_t i = 7; i < 19; i++)
          g_assert_cmpuint (surb_ack[i], ==, 0);
        delivered = test_network_deliver (network, &first_hop, packet, NYM_ACK_PACKET_LEN, route.len,
                                          versions[v], network->client.identity);
        g_assert_cmpuint (g_bytes_get_size (delivered), ==, NYM_ACK_PAYLOAD_LEN);
        g_assert_true (nym_ack_payload_decrypt (network->ack_key, g_bytes_get_data (delivered, NULL),
                                                g_bytes_get_size (delivered), back, &error));
        g_assert_no_error (error);
        g_assert_cmpmem (back, 5, id, 5);
      }
}

static void
test_surb_ack_invalid (Fixture       *fixture,
                       gconstpointer  data)
{
  TestNetwork *network = &fixture->network;
  uint8_t bytes[NYM_SURB_ACK_LEN + 1] = { 5 };
  uint8_t id[5] = { 0 };
  uint64_t delays[4] = { 0 };
  NymRoute route = { 0 };
  NymNodeAddress first_hop;
  const uint8_t *packet = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (nym_surb_ack_parse (bytes, NYM_SURB_ACK_LEN - 1, &first_hop, &packet, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nym_surb_ack_parse (bytes, NYM_SURB_ACK_LEN + 1, &first_hop, &packet, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nym_surb_ack_parse (bytes, NYM_SURB_ACK_LEN, &first_hop, &packet, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_null (packet);
  /* An empty route and an unsupported version are refused by the sphinx layer. */
  g_assert_false (nym_surb_ack_create (259, &route, network->client.identity, delays, NULL, network->ack_key,
                                       NULL, id, bytes, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_SPHINX);
  g_clear_error (&error);
  g_assert_true (nym_topology_random_route (network->topology, network->client.gateway, false, &route, &error));
  g_assert_false (nym_surb_ack_create (300, &route, network->client.identity, delays, NULL, network->ack_key,
                                       NULL, id, bytes, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_SPHINX);
}

static void
test_final_split (void)
{
  uint8_t plaintext[2048] = { 0 };
  const uint8_t *surb_ack = NULL;
  const uint8_t *delivered = NULL;
  size_t delivered_len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_final_payload_split (plaintext, 2048, &surb_ack, &delivered, &delivered_len, &error));
  g_assert_true (surb_ack == plaintext);
  g_assert_true (delivered == plaintext + 405);
  g_assert_cmpuint (delivered_len, ==, 1643);
  g_assert_true (nym_final_payload_split (plaintext, 21, &surb_ack, &delivered, &delivered_len, &error));
  g_assert_null (surb_ack);
  g_assert_cmpuint (delivered_len, ==, 21);
  g_assert_false (nym_final_payload_split (plaintext, 404, &surb_ack, &delivered, &delivered_len, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
}

/* §19: (forward + ack mix delays) × 1.5 + 1.5 s. */
static void
test_timeout (void)
{
  g_assert_cmpuint (nym_ack_timeout_ns (0, 0), ==, G_GUINT64_CONSTANT (1500000000));
  g_assert_cmpuint (nym_ack_timeout_ns (45000000, 45000000), ==, G_GUINT64_CONSTANT (1635000000));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/ack/payload", test_payload);
  g_test_add ("/ack/surb-ack/round-trip", Fixture, NULL, fixture_set_up, test_surb_ack_round_trip, fixture_tear_down);
  g_test_add ("/ack/surb-ack/invalid", Fixture, NULL, fixture_set_up, test_surb_ack_invalid, fixture_tear_down);
  g_test_add_func ("/ack/final-split", test_final_split);
  g_test_add_func ("/ack/timeout", test_timeout);
  return g_test_run ();
}
