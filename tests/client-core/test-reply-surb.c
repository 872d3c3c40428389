/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests reply SURB creation, their V2 lists in repliable messages, and replies through them back to the creator (spec nym-packet.md §11, §17, §20). */
#include "packet/nym-ack.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-reassembler.h"
#include "packet/nym-receiver.h"
#include "packet-test-util.h"

typedef struct
{
  TestNetwork       network;
  NymPacketPreparer preparer;
  GHashTable       *reply_keys; /* digest (GBytes) → key (GBytes) */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  test_network_init (&fixture->network, 2);
  nym_packet_preparer_init_defaults (&fixture->preparer, fixture->network.topology, &fixture->network.client,
                                     fixture->network.ack_key);
  fixture->preparer.version = (uint16_t) GPOINTER_TO_UINT (data);
  fixture->reply_keys = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                               (GDestroyNotify) g_bytes_unref);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->reply_keys, g_hash_table_unref);
  test_network_clear (&fixture->network);
}

static const uint8_t *
lookup (const uint8_t digest[32],
        gpointer      user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) key = g_bytes_new (digest, 32);
  GBytes *value = g_hash_table_lookup (fixture->reply_keys, key);

  return value != NULL ? g_bytes_get_data (value, NULL) : NULL;
}

static void
remember (Fixture            *fixture,
          const NymReplySurb *surb)
{
  uint8_t digest[32];

  nym_reply_surb_key_digest (surb->key, digest);
  g_hash_table_insert (fixture->reply_keys, g_bytes_new (digest, 32), g_bytes_new (surb->key, 16));
}

static void
test_create (Fixture       *fixture,
             gconstpointer  data)
{
  uint16_t version = fixture->preparer.version;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NymReplySurb surb;
  NymReplySurb parsed;
  NymNodeAddress first_hop;

  g_assert_true (nym_prepare_reply_surb (&fixture->preparer, &surb, &error));
  g_assert_no_error (error);
  /* §20: 460 bytes (259, seeds) or 1164 bytes (258, full keys) for four hops. */
  g_assert_cmpuint (surb.hops, ==, 4);
  g_assert_cmpint (surb.uses_seeds, ==, version == 259);
  g_assert_cmpuint (nym_reply_surb_len (&surb), ==, version == 259 ? 460 : 1164);
  g_assert_cmpint (surb.rotation, ==, NYM_KEY_ROTATION_ODD);
  g_assert_true (nym_reply_surb_first_hop (&surb, &first_hop, &error));
  g_assert_no_error (error);
  text = nym_reply_surb_to_base58 (&surb);
  g_assert_true (nym_reply_surb_from_base58 (text, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (parsed.header, sizeof parsed.header, surb.header, sizeof surb.header);
  g_assert_cmpmem (parsed.material, sizeof parsed.material, surb.material, sizeof surb.material);
}

/*
 * The creator sends SURBs in a repliable message; the replier parses them and replies with a
 * message of len bytes over as many SURBs as it has fragments; the creator receives every
 * fragment on the reply path, gets the acks, and reassembles the reply.
 */
static void
reply_round_trip (Fixture *fixture,
                  size_t   len)
{
  TestNetwork *network = &fixture->network;
  size_t capacity = nym_packet_size_fragment_capacity (fixture->preparer.size);
  g_autofree uint8_t *data = g_malloc (len + 1);
  g_autoptr(NymMessage) reply = NULL;
  g_autoptr(GByteArray) reply_bytes = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  g_autoptr(GByteArray) reassembled = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NymMessage) parsed = NULL;
  g_autoptr(NymMessage) request = NULL;
  g_autoptr(GByteArray) request_bytes = NULL;
  g_autoptr(NymMessage) received_request = NULL;
  g_autoptr(GArray) surbs = g_array_new (FALSE, TRUE, sizeof (NymReplySurb));
  uint8_t tag[16];
  size_t unpadded = 0;

  nym_random_bytes (data, len);
  reply = nym_message_new_reply_data (data, len);
  reply_bytes = nym_message_to_bytes (reply, &error);
  padded = nym_message_pad (reply_bytes->data, reply_bytes->len, capacity);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, &error);
  g_assert_no_error (error);

  /* Creator: one SURB per fragment the reply will need, in a V2 AdditionalSurbs message. */
  for (guint i = 0; i < fragments->len; i++)
    {
      NymReplySurb surb;

      g_assert_true (nym_prepare_reply_surb (&fixture->preparer, &surb, &error));
      g_assert_no_error (error);
      remember (fixture, &surb);
      g_array_append_val (surbs, surb);
    }
  nym_sender_tag_new_random (tag);
  if (fixture->preparer.version == 259)
    {
      request = nym_message_new_repliable (tag, NYM_REPLIABLE_ADDITIONAL_SURBS_V2, (NymReplySurb *) surbs->data,
                                           surbs->len, NYM_KEY_ROTATION_ODD, NULL, 0);
      request_bytes = nym_message_to_bytes (request, &error);
      g_assert_no_error (error);
      received_request = nym_message_parse (request_bytes->data, request_bytes->len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (received_request->reply_surbs->len, ==, surbs->len);
      g_array_set_size (surbs, 0);
      g_array_append_vals (surbs, received_request->reply_surbs->data, received_request->reply_surbs->len);
    }

  /* Replier: one packet per fragment, each on its own SURB. */
  for (guint i = fragments->len; i > 0; i--)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i - 1);
      const NymReplySurb *surb = &g_array_index (surbs, NymReplySurb, i - 1);
      NymPreparedPacket prepared = { 0 };
      NymReceived received = { 0 };
      g_autoptr(GBytes) plaintext = NULL;
      g_autoptr(GBytes) ack = NULL;
      const uint8_t *surb_ack = NULL;
      const uint8_t *delivered = NULL;
      size_t delivered_len = 0;
      NymNodeAddress ack_first_hop;
      const uint8_t *ack_packet = NULL;
      uint8_t id[5];
      NymReassemblyStatus status;

      g_assert_true (nym_prepare_reply_packet (&fixture->preparer, surb, fragment, &prepared, &error));
      g_assert_no_error (error);
      g_assert_cmpint (prepared.rotation, ==, NYM_KEY_ROTATION_ODD);
      /* The reply's header is the SURB's header byte for byte. */
      g_assert_cmpmem (g_bytes_get_data (prepared.packet, NULL), NYM_SPHINX_HEADER_SIZE, surb->header, NYM_SPHINX_HEADER_SIZE);
      plaintext = test_network_deliver (network, &prepared.first_hop, g_bytes_get_data (prepared.packet, NULL),
                                        g_bytes_get_size (prepared.packet), 4, fixture->preparer.version,
                                        network->client.identity);
      g_assert_true (nym_final_payload_split (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                              &surb_ack, &delivered, &delivered_len, &error));
      g_assert_true (nym_surb_ack_parse (surb_ack, NYM_SURB_ACK_LEN, &ack_first_hop, &ack_packet, &error));
      ack = test_network_deliver (network, &ack_first_hop, ack_packet, NYM_ACK_PACKET_LEN, 4,
                                  fixture->preparer.version, network->client.identity);
      g_assert_true (nym_ack_payload_decrypt (network->ack_key, g_bytes_get_data (ack, NULL), g_bytes_get_size (ack),
                                              id, &error));
      g_assert_cmpmem (id, 5, prepared.fragment_id, 5);

      g_assert_true (nym_received_open (network->client_private, network->ack_key, lookup, fixture,
                                        delivered, delivered_len, &received, &error));
      g_assert_no_error (error);
      g_assert_cmpint (received.kind, ==, NYM_RECEIVED_REPLY_FRAGMENT);
      g_assert_cmpmem (received.fragment->data, received.fragment->len,
                       g_bytes_get_data (fragment->bytes, NULL), g_bytes_get_size (fragment->bytes));
      status = nym_reassembler_insert (reassembler, received.fragment->data, received.fragment->len, 0,
                                       &reassembled, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, i == 1 ? NYM_REASSEMBLY_COMPLETE : NYM_REASSEMBLY_PENDING);
      nym_received_clear (&received);
      nym_prepared_packet_clear (&prepared);
    }
  g_assert_true (nym_message_unpadded_len (reassembled->data, reassembled->len, &unpadded, &error));
  parsed = nym_message_parse (reassembled->data, unpadded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->type, ==, NYM_MESSAGE_REPLY);
  g_assert_cmpuint (parsed->content_tag, ==, NYM_REPLY_DATA);
  g_assert_cmpmem (g_bytes_get_data (parsed->data, NULL), g_bytes_get_size (parsed->data), data, len);
}

static void
test_reply_small (Fixture       *fixture,
                  gconstpointer  data)
{
  reply_round_trip (fixture, 33);
}

static void
test_reply_multi (Fixture       *fixture,
                  gconstpointer  data)
{
  reply_round_trip (fixture, 5000);
}

static void
test_reply_invalid (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  uint8_t plaintext[100] = { 0 };
  uint8_t packet[2413];
  NymNodeAddress first_hop;
  NymReplySurb surb;
  g_autoptr(GBytes) unused = NULL;
  g_autofree uint8_t *out = g_malloc (2413);
  NymSphinxUnwrapped result;
  GBytes *secret;

  g_assert_true (nym_prepare_reply_surb (&fixture->preparer, &surb, &error));
  g_assert_false (nym_reply_surb_seal (&surb, plaintext, sizeof plaintext, NYM_PACKET_SIZE_ACK, packet, &first_hop, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  /* A modified SURB header fails the first hop's MAC. */
  surb.header[100] ^= 1;
  g_assert_true (nym_reply_surb_seal (&surb, plaintext, sizeof plaintext, NYM_PACKET_SIZE_REGULAR, packet, &first_hop, &error));
  g_assert_no_error (error);
  secret = g_hash_table_lookup (fixture->network.secrets, GUINT_TO_POINTER (first_hop.port));
  g_assert_false (nym_sphinx_packet_unwrap (g_bytes_get_data (secret, NULL), packet, sizeof packet, out, &result, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_MAC);
  (void) unused;
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add ("/reply-surb/259/create", Fixture, GUINT_TO_POINTER (259), fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/reply-surb/258/create", Fixture, GUINT_TO_POINTER (258), fixture_set_up, test_create, fixture_tear_down);
  g_test_add ("/reply-surb/259/reply-small", Fixture, GUINT_TO_POINTER (259), fixture_set_up, test_reply_small, fixture_tear_down);
  g_test_add ("/reply-surb/258/reply-small", Fixture, GUINT_TO_POINTER (258), fixture_set_up, test_reply_small, fixture_tear_down);
  g_test_add ("/reply-surb/259/reply-multi", Fixture, GUINT_TO_POINTER (259), fixture_set_up, test_reply_multi, fixture_tear_down);
  g_test_add ("/reply-surb/258/reply-multi", Fixture, GUINT_TO_POINTER (258), fixture_set_up, test_reply_multi, fixture_tear_down);
  g_test_add ("/reply-surb/259/invalid", Fixture, GUINT_TO_POINTER (259), fixture_set_up, test_reply_invalid, fixture_tear_down);
  return g_test_run ();
}
