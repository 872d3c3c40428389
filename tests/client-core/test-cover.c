/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the loop-cover payload and loop cover packets through the network back to the sender (spec nym-packet.md §18, §21). */
#include "packet/nym-ack.h"
#include "packet/nym-cover.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-receiver.h"
#include "packet-test-util.h"

static void
test_payload (void)
{
  uint8_t slot[1611];
  uint8_t short_slot[10];

  nym_cover_payload_fill (slot, sizeof slot);
  g_assert_cmpmem (slot, 18, "The cake is a lie!", 18);
  g_assert_cmpuint (slot[18], ==, 1);
  for (size_t i = 19; i < sizeof slot; i++)
    g_assert_cmpuint (slot[i], ==, 0);
  g_assert_true (nym_cover_payload_is_cover (slot, sizeof slot));
  g_assert_true (nym_cover_payload_is_cover ((const uint8_t *) "The cake is a lie!", 18));
  g_assert_false (nym_cover_payload_is_cover ((const uint8_t *) "The cake is a lie", 17));
  g_assert_false (nym_cover_payload_is_cover ((const uint8_t *) "", 0));
  slot[5] = 'C';
  g_assert_false (nym_cover_payload_is_cover (slot, sizeof slot));
  nym_cover_payload_fill (short_slot, sizeof short_slot);
  g_assert_cmpmem (short_slot, 10, "The cake i", 10);
}

/* Cover for versions 258 (default) and 259, regular and extended sizes, comes back as cover. */
static void
test_loop_cover (void)
{
  static const uint16_t versions[] = { 258, 259 };
  static const NymPacketSize sizes[] = { NYM_PACKET_SIZE_REGULAR, NYM_PACKET_SIZE_EXTENDED8 };
  TestNetwork network = { 0 };
  NymPacketPreparer preparer;

  test_network_init (&network, 2);
  nym_packet_preparer_init_defaults (&preparer, network.topology, &network.client, network.ack_key);
  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) plaintext = NULL;
        g_autoptr(GBytes) ack = NULL;
        NymPreparedPacket prepared = { 0 };
        NymReceived received = { 0 };
        const uint8_t *surb_ack = NULL;
        const uint8_t *delivered = NULL;
        size_t delivered_len = 0;
        NymNodeAddress ack_first_hop;
        const uint8_t *ack_packet = NULL;
        uint8_t id[5] = { 1 };

        preparer.size = sizes[s];
        g_assert_true (nym_prepare_loop_cover_packet (&preparer, versions[v], NYM_DEFAULT_LOOP_COVER_DELAY_NS,
                                                      &prepared, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (g_bytes_get_size (prepared.packet), ==, nym_packet_size_total (sizes[s]));
        g_assert_true (nym_fragment_id_is_cover (prepared.fragment_id));
        plaintext = test_network_deliver (&network, &prepared.first_hop, g_bytes_get_data (prepared.packet, NULL),
                                          g_bytes_get_size (prepared.packet), 4, versions[v], network.client.identity);
        g_assert_cmpuint (g_bytes_get_size (plaintext), ==, nym_packet_size_plaintext (sizes[s]));
        g_assert_true (nym_final_payload_split (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                                &surb_ack, &delivered, &delivered_len, &error));
        g_assert_true (nym_surb_ack_parse (surb_ack, NYM_SURB_ACK_LEN, &ack_first_hop, &ack_packet, &error));
        ack = test_network_deliver (&network, &ack_first_hop, ack_packet, NYM_ACK_PACKET_LEN, 4, versions[v],
                                    network.client.identity);
        g_assert_true (nym_ack_payload_decrypt (network.ack_key, g_bytes_get_data (ack, NULL), 21, id, &error));
        g_assert_true (nym_fragment_id_is_cover (id));
        g_assert_true (nym_received_open (network.client_private, network.ack_key, NULL, NULL, delivered,
                                          delivered_len, &received, &error));
        g_assert_no_error (error);
        g_assert_cmpint (received.kind, ==, NYM_RECEIVED_COVER);
        g_assert_null (received.fragment);
        nym_prepared_packet_clear (&prepared);
      }
  {
    g_autoptr(GError) error = NULL;
    NymPreparedPacket prepared = { 0 };

    preparer.size = NYM_PACKET_SIZE_ACK;
    g_assert_false (nym_prepare_loop_cover_packet (&preparer, 258, 0, &prepared, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
    g_assert_null (prepared.packet);
  }
  test_network_clear (&network);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/cover/payload", test_payload);
  g_test_add_func ("/cover/loop-cover", test_loop_cover);
  return g_test_run ();
}
