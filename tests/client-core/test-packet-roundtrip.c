/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sends whole messages through the packet layer and a simulated network: chunk, encrypt, sphinx, gateway frame, four hops, acks, decrypt, reassemble (spec nym-packet.md §17–§19). */
#include "packet/nym-ack.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-reassembler.h"
#include "packet/nym-receiver.h"
#include "packet-test-util.h"

typedef struct
{
  uint16_t      version;
  NymPacketSize size;
  size_t        len;
} Case;

/* One fragment: preparer → ForwardSphinxV2 frame → gateway → 4 hops → ack back → receiver. */
static GByteArray *
send_fragment (TestNetwork             *network,
               const NymPacketPreparer *preparer,
               const uint8_t            gateway_key[static 32],
               const NymFragment       *fragment)
{
  g_autoptr(GError) error = NULL;
  NymPreparedPacket prepared = { 0 };
  g_autoptr(GByteArray) request = NULL;
  g_autoptr(GByteArray) frame = NULL;
  g_autoptr(GByteArray) opened = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) ack = NULL;
  NymForwardSphinx forward;
  NymReceived received = { 0 };
  const uint8_t *surb_ack = NULL;
  const uint8_t *delivered = NULL;
  size_t delivered_len = 0;
  NymNodeAddress ack_first_hop;
  const uint8_t *ack_packet = NULL;
  uint8_t id[5];
  uint8_t kind = 0;
  GByteArray *result;

  g_assert_true (nym_prepare_regular_packet (preparer, &network->client, fragment, &prepared, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (prepared.packet), ==, nym_packet_size_total (preparer->size));
  request = nym_forward_sphinx_encode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, NYM_PACKET_TYPE_MIX, prepared.rotation,
                                       &prepared.first_hop, g_bytes_get_data (prepared.packet, NULL),
                                       g_bytes_get_size (prepared.packet), &error);
  g_assert_no_error (error);
  frame = nym_gateway_frame_seal (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, gateway_key, NULL, request->data,
                                  request->len, &error);
  g_assert_no_error (error);

  /* The entry gateway opens the frame and sends the packet to the named first hop. */
  opened = nym_gateway_frame_open (gateway_key, frame->data, frame->len, &kind, &error);
  g_assert_no_error (error);
  g_assert_true (nym_forward_sphinx_decode ((NymGatewayRequestKind) kind, opened->data, opened->len, &forward, &error));
  g_assert_no_error (error);
  g_assert_cmpint (forward.rotation, ==, NYM_KEY_ROTATION_ODD);
  plaintext = test_network_deliver (network, &forward.first_hop, forward.packet, forward.packet_len, 4,
                                    preparer->version, network->client.identity);
  g_assert_cmpuint (g_bytes_get_size (plaintext), <=, nym_packet_size_plaintext (preparer->size));
  g_assert_true (nym_final_payload_split (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                          &surb_ack, &delivered, &delivered_len, &error));
  g_assert_no_error (error);

  /* The exit gateway sends the SURB-ACK on; it returns to the sender as the fragment's id. */
  g_assert_true (nym_surb_ack_parse (surb_ack, NYM_SURB_ACK_LEN, &ack_first_hop, &ack_packet, &error));
  ack = test_network_deliver (network, &ack_first_hop, ack_packet, NYM_ACK_PACKET_LEN, 4, preparer->version,
                              network->client.identity);
  g_assert_true (nym_received_open (network->client_private, network->ack_key, NULL, NULL,
                                    g_bytes_get_data (ack, NULL), g_bytes_get_size (ack), &received, &error));
  g_assert_cmpint (received.kind, ==, NYM_RECEIVED_ACK);
  g_assert_cmpmem (received.fragment_id, 5, prepared.fragment_id, 5);
  nym_fragment_id_encode (fragment->header.set_id, fragment->header.current, id);
  g_assert_cmpmem (id, 5, prepared.fragment_id, 5);

  g_assert_true (nym_received_open (network->client_private, network->ack_key, NULL, NULL, delivered, delivered_len,
                                    &received, &error));
  g_assert_no_error (error);
  g_assert_cmpint (received.kind, ==, NYM_RECEIVED_FRAGMENT);
  result = g_steal_pointer (&received.fragment);
  nym_prepared_packet_clear (&prepared);
  return result;
}

static void
test_round_trip (gconstpointer data)
{
  const Case *c = data;
  TestNetwork network = { 0 };
  NymPacketPreparer preparer;
  uint8_t gateway_key[32];
  g_autofree uint8_t *message = g_malloc (c->len);
  g_autoptr(NymMessage) nym_message = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  g_autoptr(GByteArray) reassembled = NULL;
  g_autoptr(NymMessage) parsed = NULL;
  g_autoptr(GError) error = NULL;
  size_t capacity = nym_packet_size_fragment_capacity (c->size);
  size_t unpadded = 0;

  test_network_init (&network, 2);
  nym_packet_preparer_init_defaults (&preparer, network.topology, &network.client, network.ack_key);
  preparer.version = c->version;
  preparer.size = c->size;
  nym_random_bytes (gateway_key, sizeof gateway_key);
  nym_random_bytes (message, c->len);

  nym_message = nym_message_new_plain (message, c->len);
  bytes = nym_message_to_bytes (nym_message, &error);
  padded = nym_message_pad (bytes->data, bytes->len, capacity);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fragments->len, ==, nym_fragment_count (padded->len, capacity, NULL));

  /* Packets arrive last first, so reassembly sees them out of order. */
  for (guint i = fragments->len; i > 0; i--)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i - 1);
      g_autoptr(GByteArray) received = send_fragment (&network, &preparer, gateway_key, fragment);
      NymReassemblyStatus status;

      g_assert_cmpmem (received->data, received->len, g_bytes_get_data (fragment->bytes, NULL),
                       g_bytes_get_size (fragment->bytes));
      status = nym_reassembler_insert (reassembler, received->data, received->len, 0, &reassembled, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, i == 1 ? NYM_REASSEMBLY_COMPLETE : NYM_REASSEMBLY_PENDING);
    }
  g_assert_true (nym_message_unpadded_len (reassembled->data, reassembled->len, &unpadded, &error));
  parsed = nym_message_parse (reassembled->data, unpadded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->type, ==, NYM_MESSAGE_PLAIN);
  g_assert_cmpmem (g_bytes_get_data (parsed->data, NULL), g_bytes_get_size (parsed->data), message, c->len);
  test_network_clear (&network);
}

/* A fragment that does not fit the packet size is refused before anything is built. */
static void
test_too_large (void)
{
  TestNetwork network = { 0 };
  NymPacketPreparer preparer;
  NymFragmentHeader header = { 1, 1, 1, 0, 0 };
  g_autofree uint8_t *payload = g_malloc0 (1605);
  g_autoptr(NymFragment) fragment = nym_fragment_new (&header, payload, 1605);
  NymPreparedPacket prepared = { 0 };
  g_autoptr(GError) error = NULL;

  test_network_init (&network, 1);
  nym_packet_preparer_init_defaults (&preparer, network.topology, &network.client, network.ack_key);
  g_assert_false (nym_prepare_regular_packet (&preparer, &network.client, fragment, &prepared, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TOO_LONG);
  g_assert_null (prepared.packet);
  g_clear_error (&error);
  /* A recipient behind a gateway the topology does not know has no route. */
  {
    NymRecipient stranger = network.client;
    NymFragmentHeader small_header = { 1, 1, 1, 0, 0 };
    g_autoptr(NymFragment) small = nym_fragment_new (&small_header, payload, 10);

    stranger.gateway[0] ^= 1;
    g_assert_false (nym_prepare_regular_packet (&preparer, &stranger, small, &prepared, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_NO_ROUTE);
  }
  test_network_clear (&network);
}

int
main (int argc, char *argv[])
{
  static const size_t lengths[] = { 1, 1604, 1605, 100 * 1000, 1000 * 1000 };
  static const NymPacketSize sizes[] = { NYM_PACKET_SIZE_REGULAR, NYM_PACKET_SIZE_EXTENDED8,
                                         NYM_PACKET_SIZE_EXTENDED16, NYM_PACKET_SIZE_EXTENDED32 };
  static const uint16_t versions[] = { 258, 259 };
  static Case cases[G_N_ELEMENTS (lengths) * G_N_ELEMENTS (sizes) * G_N_ELEMENTS (versions)];
  size_t n = 0;

  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (size_t l = 0; l < G_N_ELEMENTS (lengths); l++)
        {
          g_autofree char *path = g_strdup_printf ("/packet-roundtrip/v%u/%s/%zu", versions[v],
                                                   nym_packet_size_name (sizes[s]), lengths[l]);

          cases[n] = (Case) { versions[v], sizes[s], lengths[l] };
          g_test_add_data_func (path, &cases[n], test_round_trip);
          n++;
        }
  g_test_add_func ("/packet-roundtrip/too-large", test_too_large);
  return g_test_run ();
}
