/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Takes every packet the real Nym client (wasm 1.4.1) sent apart with the packet layer, and rebuilds what is deterministic (spec nym-packet.md §25, vectors/README.md). */
#include <gcrypt.h>
#include <string.h>

#include "crypto/nym-aes.h"
#include "packet/nym-ack.h"
#include "packet/nym-cover.h"
#include "packet/nym-e2e.h"
#include "packet/nym-fragment.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-reassembler.h"
#include "packet/nym-receiver.h"
#include "packet/nym-recipient.h"
#include "sphinx/nym-sphinx-packet.h"
#include "packet-test-util.h"

/* The node secret of a hop's node label ("mix1", …, "gateway"). */
static void
node_secret (const char *label,
             uint8_t     secret[static 32])
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (test_wasm_capture ()), "nodes");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member (node, "label"), label) == 0)
        {
          test_json_hex_into (node, "x25519_sphinx_private", secret, 32);
          return;
        }
    }
  g_assert_not_reached ();
}

/*
 * Unwraps packet through the recorded hops, comparing each hop's output with the capture,
 * and returns the final hop's message (the sphinx plaintext).
 */
static GBytes *
unwrap_hops (const uint8_t *packet,
             size_t         len,
             JsonArray     *hops,
             const uint8_t  destination[static 32])
{
  g_autofree uint8_t *current = g_memdup2 (packet, len);
  g_autofree uint8_t *out = g_malloc (len);
  guint n = json_array_get_length (hops);

  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *hop = json_array_get_object_element (hops, i);
      g_autoptr(GError) error = NULL;
      NymSphinxUnwrapped result = { 0 };
      uint8_t secret[32];

      node_secret (json_object_get_string_member (hop, "node"), secret);
      g_assert_true (nym_sphinx_packet_unwrap (secret, current, len, out, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.version, ==, json_object_get_int_member (hop, "version"));
      if (i + 1 < n)
        {
          g_autoptr(GBytes) next = test_json_hex (hop, "next_hop_address");
          g_autoptr(GBytes) after = test_json_hex (hop, "packet_after_hop");

          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
          test_assert_bytes (result.next_hop_address, 32, next);
          g_assert_cmpuint (result.delay_ns, ==, json_object_get_int_member (hop, "delay_ns"));
          test_assert_bytes (out, len, after);
          memcpy (current, out, len);
        }
      else
        {
          g_autoptr(GBytes) plaintext = test_json_hex (hop, "payload_plaintext");
          g_autoptr(GBytes) surb_id = test_json_hex (hop, "surb_identifier");

          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
          g_assert_cmpmem (result.destination, 32, destination, 32);
          test_assert_bytes (result.surb_identifier, 16, surb_id);
          test_assert_bytes (result.message, result.message_len, plaintext);
          return g_bytes_new (result.message, result.message_len);
        }
    }
  g_assert_not_reached ();
}

typedef struct
{
  JsonObject *capture;
  uint8_t     gateway_key[32];
  uint8_t     ack_key[16];
  uint8_t     x25519_private[32];
  uint8_t     identity[32];
  GHashTable *reply_keys; /* digest hex → 16-byte key (owned GBytes) */
} Capture;

static const uint8_t *
lookup_reply_key (const uint8_t digest[32],
                  gpointer      user_data)
{
  Capture *capture = user_data;
  g_autofree char *hex = g_malloc0 (65);
  GBytes *key;

  for (unsigned i = 0; i < 32; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", digest[i]);
  key = g_hash_table_lookup (capture->reply_keys, hex);
  return key != NULL ? g_bytes_get_data (key, NULL) : NULL;
}

static void
capture_load (Capture    *capture,
              const char *name)
{
  JsonObject *client;
  JsonArray *messages;

  capture->capture = test_capture_named (name);
  client = json_object_get_object_member (capture->capture, "client");
  test_json_hex_into (client, "gateway_shared_key", capture->gateway_key, 32);
  test_json_hex_into (client, "ack_key", capture->ack_key, 16);
  test_json_hex_into (client, "x25519_private", capture->x25519_private, 32);
  test_json_hex_into (client, "ed25519_public", capture->identity, 32);
  capture->reply_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);

  /* The reply keys this client handed out are those of the SURBs in its repliable messages. */
  messages = json_object_has_member (capture->capture, "messages")
               ? json_object_get_array_member (capture->capture, "messages") : NULL;
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonObject *parsed = json_object_get_object_member (json_array_get_object_element (messages, i), "parsed");
      JsonArray *surbs;

      if (!json_object_has_member (parsed, "reply_surbs"))
        continue;
      surbs = json_object_get_array_member (parsed, "reply_surbs");
      for (guint j = 0; j < json_array_get_length (surbs); j++)
        {
          JsonObject *surb = json_array_get_object_element (surbs, j);

          g_hash_table_insert (capture->reply_keys,
                               g_strdup (json_object_get_string_member (surb, "surb_key_digest_blake3")),
                               test_json_hex (surb, "surb_key"));
        }
    }
}

static void
capture_clear (Capture *capture)
{
  g_clear_pointer (&capture->reply_keys, g_hash_table_unref);
}

/* Gateway frame → ForwardSphinx(V2) plaintext → the sphinx packet and its first hop. */
static GBytes *
open_client_frame (Capture    *capture,
                   JsonObject *packet)
{
  JsonObject *frame = json_object_get_object_member (packet, "frame");
  g_autoptr(GBytes) raw = test_json_hex (frame, "hex");
  g_autoptr(GBytes) sphinx = test_json_hex (packet, "sphinx_packet");
  g_autoptr(GBytes) first_hop = test_json_hex (packet, "first_hop_address_unpadded");
  g_autoptr(GByteArray) plaintext = NULL;
  g_autoptr(GByteArray) rebuilt = NULL;
  g_autoptr(GByteArray) reframed = NULL;
  g_autoptr(GError) error = NULL;
  NymForwardSphinx forward;
  uint8_t address[19];
  size_t address_len;
  uint8_t kind = 0;
  uint8_t nonce[12];

  plaintext = nym_gateway_frame_open (capture->gateway_key, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                                      &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kind, ==, json_object_get_int_member (frame, "kind"));
  g_assert_cmpuint (plaintext->len, ==, json_object_get_int_member (frame, "plaintext_len"));
  g_assert_true (nym_forward_sphinx_decode ((NymGatewayRequestKind) kind, plaintext->data, plaintext->len,
                                            &forward, &error));
  g_assert_no_error (error);
  g_assert_cmpint (forward.type, ==, json_object_get_int_member (packet, "packet_type"));
  if (kind == NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2)
    g_assert_cmpint (forward.rotation, ==, json_object_get_int_member (packet, "key_rotation"));
  else
    g_assert_cmpint (forward.rotation, ==, NYM_KEY_ROTATION_UNKNOWN);
  address_len = nym_node_address_encode (&forward.first_hop, address);
  test_assert_bytes (address, address_len, first_hop);
  test_assert_bytes (forward.packet, forward.packet_len, sphinx);
  g_assert_cmpint (forward.size, ==, NYM_PACKET_SIZE_REGULAR);

  /* Rebuild the plaintext and, with the captured nonce, the whole frame. */
  rebuilt = nym_forward_sphinx_encode ((NymGatewayRequestKind) kind, forward.type, forward.rotation,
                                       &forward.first_hop, forward.packet, forward.packet_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (rebuilt->data, rebuilt->len, plaintext->data, plaintext->len);
  test_json_hex_into (frame, "nonce", nonce, 12);
  reframed = nym_gateway_frame_seal (kind, capture->gateway_key, nonce, rebuilt->data, rebuilt->len, &error);
  g_assert_no_error (error);
  test_assert_bytes (reframed->data, reframed->len, raw);
  return g_bytes_ref (sphinx);
}

/* The SURB-ACK: address, its own four hops to the sender, the 21-byte payload and the id. */
static void
check_surb_ack (Capture       *capture,
                JsonObject    *surb_ack,
                const uint8_t *bytes,
                uint8_t        fragment_id[static 5])
{
  g_autoptr(GBytes) padded = test_json_hex (surb_ack, "first_hop_address_zero_padded_19");
  g_autoptr(GBytes) ack_packet = test_json_hex (surb_ack, "ack_packet");
  g_autoptr(GBytes) payload21 = test_json_hex (surb_ack, "ack_payload_21");
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *decrypted = json_object_get_object_member (surb_ack, "ack_decrypted");
  g_autoptr(GBytes) expected_id = test_json_hex (decrypted, "fragment_identifier");
  NymNodeAddress first_hop;
  const uint8_t *packet = NULL;
  uint8_t padded_again[19];
  uint8_t rebuilt[21];
  uint8_t iv[16];
  int32_t set_id = 0;
  uint8_t position = 0;

  g_assert_true (nym_surb_ack_parse (bytes, NYM_SURB_ACK_LEN, &first_hop, &packet, &error));
  g_assert_no_error (error);
  nym_node_address_encode_padded (&first_hop, padded_again, sizeof padded_again);
  test_assert_bytes (padded_again, sizeof padded_again, padded);
  test_assert_bytes (packet, NYM_ACK_PACKET_LEN, ack_packet);

  message = unwrap_hops (packet, NYM_ACK_PACKET_LEN, json_object_get_array_member (surb_ack, "hops"),
                         capture->identity);
  test_assert_bytes (g_bytes_get_data (message, NULL), g_bytes_get_size (message), payload21);
  g_assert_true (nym_ack_payload_decrypt (capture->ack_key, g_bytes_get_data (message, NULL),
                                          g_bytes_get_size (message), fragment_id, &error));
  g_assert_no_error (error);
  test_assert_bytes (fragment_id, 5, expected_id);
  g_assert_true (nym_fragment_id_decode (fragment_id, &set_id, &position, &error));
  g_assert_no_error (error);
  g_assert_cmpint (set_id, ==, json_object_get_int_member (decrypted, "set_id"));
  g_assert_cmpuint (position, ==, json_object_get_int_member (decrypted, "position"));
  g_assert_cmpint (nym_fragment_id_is_cover (fragment_id), ==, json_object_get_boolean_member (decrypted, "is_cover"));

  /* The ack payload is deterministic given its IV. */
  test_json_hex_into (decrypted, "iv", iv, 16);
  g_assert_true (nym_ack_payload_encrypt (capture->ack_key, iv, fragment_id, rebuilt));
  test_assert_bytes (rebuilt, sizeof rebuilt, payload21);
}

/* Everything about one packet; returns the decrypted fragment (NULL for cover). */
static GBytes *
check_packet (Capture    *capture,
              JsonObject *packet)
{
  JsonObject *final = json_object_get_object_member (packet, "final");
  JsonObject *e2e = json_object_get_object_member (final, "e2e");
  g_autoptr(GBytes) sphinx = open_client_frame (capture, packet);
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) delivers = test_json_hex (final, "gateway_delivers");
  g_autoptr(GError) error = NULL;
  NymReceived received = { 0 };
  const uint8_t *surb_ack = NULL;
  const uint8_t *delivered = NULL;
  size_t delivered_len = 0;
  uint8_t fragment_id[5];
  GBytes *fragment = NULL;

  plaintext = unwrap_hops (g_bytes_get_data (sphinx, NULL), g_bytes_get_size (sphinx),
                           json_object_get_array_member (packet, "hops"), capture->identity);
  g_assert_cmpuint (g_bytes_get_size (plaintext), ==, nym_packet_size_plaintext (NYM_PACKET_SIZE_REGULAR));
  g_assert_true (nym_final_payload_split (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                          &surb_ack, &delivered, &delivered_len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (delivered_len, ==, nym_packet_size_delivered (NYM_PACKET_SIZE_REGULAR));
  test_assert_bytes (delivered, delivered_len, delivers);
  check_surb_ack (capture, json_object_get_object_member (final, "surb_ack"), surb_ack, fragment_id);

  g_assert_true (nym_received_open (capture->x25519_private, capture->ack_key, lookup_reply_key, capture,
                                    delivered, delivered_len, &received, &error));
  g_assert_no_error (error);
  if (g_strcmp0 (json_object_get_string_member (e2e, "kind"), "reply") == 0)
    {
      uint8_t key[16];
      g_autofree uint8_t *again = g_malloc (delivered_len);

      g_assert_cmpint (received.kind, ==, NYM_RECEIVED_REPLY_FRAGMENT);
      /* A reply's encryption has no randomness: rebuild it whole. */
      test_json_hex_into (e2e, "surb_key", key, 16);
      g_assert_true (nym_e2e_encrypt_reply (key, received.fragment->data, received.fragment->len, again, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (again, delivered_len, delivered, delivered_len);
    }
  else
    {
      uint8_t key[16];
      uint8_t zero_iv[16] = { 0 };
      g_autoptr(GBytes) expected_key = test_json_hex (e2e, "aes128_key");
      g_autofree uint8_t *again = g_malloc (delivered_len - 32);
      g_autofree uint8_t *opened = g_malloc (delivered_len - 32);

      g_assert_true (nym_e2e_derive_key (capture->x25519_private, delivered, key, &error));
      g_assert_no_error (error);
      test_assert_bytes (key, 16, expected_key);
      g_assert_true (nym_e2e_decrypt_fragment (capture->x25519_private, delivered, delivered_len, opened, &error));
      g_assert_no_error (error);
      /* Given the same key the fragment encrypts to the captured bytes. */
      g_assert_true (nym_aes128_ctr_xor (key, zero_iv, opened, again, delivered_len - 32));
      g_assert_cmpmem (again, delivered_len - 32, delivered + 32, delivered_len - 32);
      if (json_object_has_member (final, "cover"))
        {
          g_autoptr(GBytes) cover_plaintext = test_json_hex (e2e, "plaintext");
          g_autofree uint8_t *cover = g_malloc (delivered_len - 32);

          g_assert_cmpint (received.kind, ==, NYM_RECEIVED_COVER);
          g_assert_true (nym_fragment_id_is_cover (fragment_id));
          test_assert_bytes (opened, delivered_len - 32, cover_plaintext);
          nym_cover_payload_fill (cover, delivered_len - 32);
          g_assert_cmpmem (cover, delivered_len - 32, opened, delivered_len - 32);
        }
      else
        g_assert_cmpint (received.kind, ==, NYM_RECEIVED_FRAGMENT);
    }

  if (received.fragment != NULL)
    {
      JsonObject *header_json = json_object_get_object_member (final, "fragment_header");
      g_autoptr(GBytes) expected = test_json_hex (final, "fragment_decrypted");
      g_autoptr(GBytes) header_bytes = test_json_hex (header_json, "header");
      NymFragmentHeader header;
      size_t header_len = 0;
      uint8_t encoded[10];
      uint8_t id_again[5];

      test_assert_bytes (received.fragment->data, received.fragment->len, expected);
      g_assert_true (nym_fragment_header_decode (received.fragment->data, received.fragment->len, &header,
                                                 &header_len, &error));
      g_assert_no_error (error);
      g_assert_cmpint (header.set_id, ==, json_object_get_int_member (header_json, "set_id"));
      g_assert_cmpuint (header.total, ==, json_object_get_int_member (header_json, "total_fragments"));
      g_assert_cmpuint (header.current, ==, json_object_get_int_member (header_json, "current_fragment"));
      g_assert_cmpuint (header_len, ==, json_object_get_int_member (header_json, "header_len"));
      g_assert_cmpuint (nym_fragment_header_encode (&header, encoded), ==, header_len);
      test_assert_bytes (encoded, header_len, header_bytes);
      /* §17: the ack names exactly this fragment. */
      nym_fragment_id_encode (header.set_id, header.current, id_again);
      g_assert_cmpmem (id_again, 5, fragment_id, 5);
      fragment = g_bytes_new (received.fragment->data, received.fragment->len);
    }
  nym_received_clear (&received);
  return fragment;
}

static GBytes *
sent_bytes (JsonObject *capture,
            const char *name)
{
  JsonArray *sent = json_object_get_array_member (capture, "sent");

  /* The reply the client sent through a SURB is recorded apart from the API sends. */
  if (g_strcmp0 (name, "send_reply") == 0)
    return test_json_hex (json_object_get_object_member (capture, "reply_sent"), "hex");
  for (guint i = 0; i < json_array_get_length (sent); i++)
    {
      JsonObject *entry = json_array_get_object_element (sent, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "name"), name) == 0)
        return test_json_hex (entry, "hex");
    }
  g_assert_not_reached ();
}

/* The parsed fields of a NymMessage against the capture's "parsed" object. */
static void
check_parsed_message (Capture          *capture,
                      const NymMessage *message,
                      JsonObject       *parsed)
{
  g_assert_cmpint (message->type, ==, json_object_get_int_member (parsed, "type"));
  if (json_object_has_member (parsed, "data"))
    {
      g_autoptr(GBytes) data = test_json_hex (parsed, "data");

      g_assert_nonnull (message->data);
      g_assert_true (g_bytes_equal (message->data, data));
    }
  if (message->type == NYM_MESSAGE_REPLIABLE)
    {
      JsonArray *surbs = json_object_get_array_member (parsed, "reply_surbs");
      g_autoptr(GBytes) tag = test_json_hex (parsed, "sender_tag");

      test_assert_bytes (message->sender_tag, 16, tag);
      g_assert_cmpuint (message->content_tag, ==, json_object_get_int_member (parsed, "content_tag"));
      g_assert_cmpuint (message->reply_surbs->len, ==, json_object_get_int_member (parsed, "num_surbs"));
      g_assert_cmpuint (message->surb_rotation, ==, json_object_get_int_member (parsed, "surbs_key_rotation"));
      for (guint i = 0; i < message->reply_surbs->len; i++)
        {
          const NymReplySurb *surb = &g_array_index (message->reply_surbs, NymReplySurb, i);
          JsonObject *expected = json_array_get_object_element (surbs, i);
          JsonArray *material = json_object_get_array_member (expected, "payload_key_material");
          g_autoptr(GBytes) key = test_json_hex (expected, "surb_key");
          g_autoptr(GBytes) digest = test_json_hex (expected, "surb_key_digest_blake3");
          g_autoptr(GBytes) header = test_json_hex (expected, "header");
          g_autoptr(GBytes) first_hop = test_json_hex (expected, "first_hop_address");
          uint8_t computed[32];

          test_assert_bytes (surb->key, 16, key);
          nym_reply_surb_key_digest (surb->key, computed);
          test_assert_bytes (computed, 32, digest);
          test_assert_bytes (surb->header, NYM_SPHINX_HEADER_SIZE, header);
          test_assert_bytes (surb->first_hop, 32, first_hop);
          g_assert_true (surb->uses_seeds);
          g_assert_cmpuint (surb->hops, ==, json_object_get_int_member (parsed, "surbs_hops"));
          g_assert_cmpuint (nym_reply_surb_len (surb), ==, json_object_get_int_member (expected, "bytes_len"));
          for (guint h = 0; h < surb->hops; h++)
            {
              g_autoptr(GBytes) seed = test_hex (json_array_get_string_element (material, h));

              test_assert_bytes (surb->material + 16 * h, 16, seed);
            }
        }
    }
  if (message->type == NYM_MESSAGE_REPLY)
    {
      g_assert_cmpuint (message->content_tag, ==, json_object_get_int_member (parsed, "content_tag"));
      if (message->content_tag == NYM_REPLY_SURB_REQUEST)
        {
          JsonObject *recipient = json_object_get_object_member (parsed, "surb_request_recipient");
          g_autoptr(GBytes) identity = test_json_hex (recipient, "identity");
          g_autoptr(GBytes) key = test_json_hex (recipient, "encryption_key");
          g_autoptr(GBytes) gateway = test_json_hex (recipient, "gateway");

          test_assert_bytes (message->surb_request_recipient.identity, 32, identity);
          test_assert_bytes (message->surb_request_recipient.encryption_key, 32, key);
          test_assert_bytes (message->surb_request_recipient.gateway, 32, gateway);
          g_assert_cmpuint (message->surb_request_amount, ==, json_object_get_int_member (parsed, "surb_request_amount"));
        }
    }
  (void) capture;
}

/*
 * Every message: its fragments reassemble (fed in reverse order, with a duplicate) into the
 * padded message, which unpads to the NymMessage and parses to what the client was given; and
 * padding + chunking the NymMessage with the captured set id rebuilds every fragment exactly.
 */
static void
check_messages (Capture   *capture,
                GPtrArray *fragments)
{
  JsonArray *messages = json_object_get_array_member (capture->capture, "messages");

  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonObject *entry = json_array_get_object_element (messages, i);
      JsonArray *indices = json_object_get_array_member (entry, "packet_indices");
      JsonArray *chain = json_object_get_array_member (entry, "set_chain");
      JsonArray *matches = json_object_get_array_member (entry, "matches_sent");
      g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
      g_autoptr(GByteArray) padded = NULL;
      g_autoptr(GByteArray) serialized = NULL;
      g_autoptr(GByteArray) repadded = NULL;
      g_autoptr(GPtrArray) rebuilt = NULL;
      g_autoptr(NymMessage) message = NULL;
      g_autoptr(GBytes) nym_message = test_json_hex (entry, "nym_message");
      g_autoptr(GError) error = NULL;
      int32_t set_ids[4] = { 0 };
      size_t unpadded_len = 0;
      guint n = json_array_get_length (indices);

      for (guint k = n; k > 0; k--)
        {
          GBytes *fragment = g_ptr_array_index (fragments, json_array_get_int_element (indices, k - 1));
          NymReassemblyStatus status;

          g_assert_nonnull (fragment);
          status = nym_reassembler_insert (reassembler, g_bytes_get_data (fragment, NULL),
                                           g_bytes_get_size (fragment), 0, &padded, &error);
          g_assert_no_error (error);
          g_assert_cmpint (status, ==, k == 1 ? NYM_REASSEMBLY_COMPLETE : NYM_REASSEMBLY_PENDING);
          if (k == n && n > 1)
            {
              g_assert_cmpint (nym_reassembler_insert (reassembler, g_bytes_get_data (fragment, NULL),
                                                       g_bytes_get_size (fragment), 0, &padded, &error),
                               ==, NYM_REASSEMBLY_DUPLICATE);
              g_assert_no_error (error);
            }
        }
      g_assert_nonnull (padded);
      g_assert_cmpuint (padded->len, ==, json_object_get_int_member (entry, "padded_len"));
      g_assert_true (nym_message_unpadded_len (padded->data, padded->len, &unpadded_len, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (padded->len - unpadded_len - 1, ==, json_object_get_int_member (entry, "zero_bytes_after_0x01"));
      test_assert_bytes (padded->data, unpadded_len, nym_message);

      message = nym_message_parse (padded->data, unpadded_len, &error);
      g_assert_no_error (error);
      check_parsed_message (capture, message, json_object_get_object_member (entry, "parsed"));
      for (guint m = 0; m < json_array_get_length (matches); m++)
        {
          g_autoptr(GBytes) sent = sent_bytes (capture->capture, json_array_get_string_element (matches, m));

          g_assert_true (g_bytes_equal (message->data, sent));
        }
      serialized = nym_message_to_bytes (message, &error);
      g_assert_no_error (error);
      test_assert_bytes (serialized->data, serialized->len, nym_message);

      /* Rebuild: pad with the fragment capacity of a regular packet and split with the set ids. */
      repadded = nym_message_pad (serialized->data, serialized->len,
                                  nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR));
      g_assert_cmpmem (repadded->data, repadded->len, padded->data, padded->len);
      g_assert_cmpuint (json_array_get_length (chain), <=, G_N_ELEMENTS (set_ids));
      for (guint s = 0; s < json_array_get_length (chain); s++)
        set_ids[s] = (int32_t) json_array_get_int_element (chain, s);
      rebuilt = nym_fragment_split (repadded->data, repadded->len,
                                    nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR),
                                    set_ids, json_array_get_length (chain), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rebuilt->len, ==, n);
      for (guint k = 0; k < n; k++)
        {
          NymFragment *ours = g_ptr_array_index (rebuilt, k);
          GBytes *theirs = g_ptr_array_index (fragments, json_array_get_int_element (indices, k));

          g_assert_true (g_bytes_equal (ours->bytes, theirs));
        }
    }
}

/* Gateway → client pushes: open, rebuild with the same nonce, and classify. */
static void
check_pushes (Capture *capture)
{
  JsonArray *pushes = json_object_get_array_member (capture->capture, "gateway_pushes");

  g_assert_cmpuint (json_array_get_length (pushes), >, 0);
  for (guint i = 0; i < json_array_get_length (pushes); i++)
    {
      JsonObject *push = json_array_get_object_element (pushes, i);
      g_autoptr(GBytes) frame = test_json_hex (push, "frame_hex");
      g_autoptr(GBytes) expected = test_json_hex (push, "plaintext");
      g_autoptr(GByteArray) plaintext = NULL;
      g_autoptr(GByteArray) sealed = NULL;
      g_autoptr(GError) error = NULL;
      NymReceived received = { 0 };
      uint8_t nonce[12];
      uint8_t kind = 0;

      plaintext = nym_gateway_frame_open (capture->gateway_key, g_bytes_get_data (frame, NULL),
                                          g_bytes_get_size (frame), &kind, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (kind, ==, NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE);
      test_assert_bytes (plaintext->data, plaintext->len, expected);
      test_json_hex_into (push, "nonce", nonce, 12);
      sealed = nym_gateway_frame_seal (NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE, capture->gateway_key, nonce,
                                       plaintext->data, plaintext->len, &error);
      g_assert_no_error (error);
      test_assert_bytes (sealed->data, sealed->len, frame);
      g_assert_true (nym_received_open (capture->x25519_private, capture->ack_key, lookup_reply_key, capture,
                                        plaintext->data, plaintext->len, &received, &error));
      g_assert_no_error (error);
      if (plaintext->len == NYM_ACK_PAYLOAD_LEN)
        g_assert_cmpint (received.kind, ==, NYM_RECEIVED_ACK);
      else
        g_assert_cmpint (received.kind, !=, NYM_RECEIVED_ACK);
      nym_received_clear (&received);
    }
}

/*
 * The reply packets (§20) are the SURB's header and the SURB keys' LIONESS encryption of the
 * plaintext: with the SURB from the repliable message, the whole sphinx packet is rebuilt.
 */
static void
check_reply_rebuild (Capture    *capture,
                     JsonObject *packet,
                     GArray     *surbs)
{
  JsonObject *final = json_object_get_object_member (packet, "final");
  JsonObject *e2e = json_object_get_object_member (final, "e2e");
  JsonArray *hops = json_object_get_array_member (packet, "hops");
  g_autoptr(GBytes) sphinx = test_json_hex (packet, "sphinx_packet");
  g_autoptr(GBytes) plaintext = test_json_hex (json_array_get_object_element (hops, 3), "payload_plaintext");
  g_autoptr(GError) error = NULL;
  uint8_t key[16];
  uint8_t rebuilt[2413];
  NymNodeAddress first_hop;
  bool found = false;

  test_json_hex_into (e2e, "surb_key", key, 16);
  for (guint i = 0; i < surbs->len; i++)
    {
      const NymReplySurb *surb = &g_array_index (surbs, NymReplySurb, i);

      if (memcmp (surb->key, key, 16) != 0)
        continue;
      g_assert_true (nym_reply_surb_seal (surb, g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                          NYM_PACKET_SIZE_REGULAR, rebuilt, &first_hop, &error));
      g_assert_no_error (error);
      test_assert_bytes (rebuilt, sizeof rebuilt, sphinx);
      g_assert_cmpuint (first_hop.port, ==, 11791);
      found = true;
    }
  g_assert_true (found);
  (void) capture;
}

static void
maybe_bytes_unref (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

static void
run_capture (const char *name)
{
  Capture capture = { 0 };
  JsonArray *packets;
  g_autoptr(GPtrArray) fragments = g_ptr_array_new_with_free_func (maybe_bytes_unref);
  g_autoptr(GArray) surbs = g_array_new (FALSE, TRUE, sizeof (NymReplySurb));

  capture_load (&capture, name);
  packets = json_object_get_array_member (capture.capture, "packets");
  g_assert_cmpuint (json_array_get_length (packets), >, 0);
  for (guint i = 0; i < json_array_get_length (packets); i++)
    {
      JsonObject *packet = json_array_get_object_element (packets, i);
      guint index = (guint) json_object_get_int_member (packet, "index");
      GBytes *fragment = check_packet (&capture, packet);

      if (fragments->len <= index)
        g_ptr_array_set_size (fragments, (gint) index + 1);
      g_ptr_array_index (fragments, index) = fragment;
      if (fragment != NULL)
        {
          /* Collect the SURBs of repliable messages that fit in one packet. */
          g_autoptr(NymMessage) message = NULL;
          NymFragmentHeader header;
          size_t header_len = 0;
          size_t unpadded = 0;
          const uint8_t *data = g_bytes_get_data (fragment, NULL);

          g_assert_true (nym_fragment_header_decode (data, g_bytes_get_size (fragment), &header, &header_len, NULL));
          if (header.total == 1
              && nym_message_unpadded_len (data + header_len, g_bytes_get_size (fragment) - header_len, &unpadded, NULL)
              && (message = nym_message_parse (data + header_len, unpadded, NULL)) != NULL
              && message->type == NYM_MESSAGE_REPLIABLE)
            g_array_append_vals (surbs, message->reply_surbs->data, message->reply_surbs->len);
        }
    }
  if (json_object_has_member (capture.capture, "messages") && g_strcmp0 (name, "linked-sets") != 0)
    check_messages (&capture, fragments);
  if (json_object_has_member (capture.capture, "gateway_pushes"))
    check_pushes (&capture);
  if (g_strcmp0 (name, "messages") == 0)
    {
      guint replies = 0;

      for (guint i = 0; i < json_array_get_length (packets); i++)
        {
          JsonObject *packet = json_array_get_object_element (packets, i);
          JsonObject *e2e = json_object_get_object_member (json_object_get_object_member (packet, "final"), "e2e");

          if (g_strcmp0 (json_object_get_string_member (e2e, "kind"), "reply") == 0)
            {
              check_reply_rebuild (&capture, packet, surbs);
              replies++;
            }
        }
      g_assert_cmpuint (replies, ==, 2);
    }
  capture_clear (&capture);
}

static void
test_capture_messages (void)
{
  run_capture ("messages");
}

static void
test_capture_cover (void)
{
  run_capture ("cover");
}

static void
test_capture_kind1 (void)
{
  run_capture ("kind1-frames");
}

/* The 410 000-byte message, regenerated from its formula, as the three captured fragments. */
static void
test_capture_linked_sets (void)
{
  JsonObject *capture = test_capture_named ("linked-sets");
  JsonObject *entry = json_array_get_object_element (json_object_get_array_member (capture, "messages"), 0);
  JsonObject *sent = json_array_get_object_element (json_object_get_array_member (capture, "sent"), 0);
  JsonArray *headers = json_object_get_array_member (capture, "fragment_headers_all");
  JsonArray *chain = json_object_get_array_member (entry, "set_chain");
  JsonArray *packets = json_object_get_array_member (capture, "packets");
  g_autoptr(GBytes) sent_sha = test_json_hex (sent, "sha256");
  g_autoptr(GBytes) message_sha = test_json_hex (entry, "nym_message_sha256");
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GByteArray) serialized = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  g_autoptr(GByteArray) reassembled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree uint8_t *data = g_malloc (410000);
  Capture capture_state = { 0 };
  int32_t set_ids[2];
  uint8_t digest[32];
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  for (size_t i = 0; i < 410000; i++)
    data[i] = (uint8_t) ((i * 13 + (i >> 11)) & 0xff);
  g_assert_cmpuint (json_object_get_int_member (sent, "len"), ==, 410000);
  gcry_md_hash_buffer (GCRY_MD_SHA256, digest, data, 410000);
  test_assert_bytes (digest, 32, sent_sha);

  message = nym_message_new_plain (data, 410000);
  serialized = nym_message_to_bytes (message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (serialized->len, ==, json_object_get_int_member (entry, "nym_message_len"));
  gcry_md_hash_buffer (GCRY_MD_SHA256, digest, serialized->data, serialized->len);
  test_assert_bytes (digest, 32, message_sha);
  padded = nym_message_pad (serialized->data, serialized->len, capacity);
  g_assert_cmpuint (padded->len, ==, json_object_get_int_member (entry, "padded_len"));
  g_assert_cmpuint (nym_fragment_set_count (padded->len, capacity), ==, 2);

  set_ids[0] = (int32_t) json_array_get_int_element (chain, 0);
  set_ids[1] = (int32_t) json_array_get_int_element (chain, 1);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, set_ids, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fragments->len, ==, json_array_get_length (headers));
  g_assert_cmpuint (fragments->len, ==, 256);
  for (guint i = 0; i < fragments->len; i++)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i);
      JsonObject *header = json_array_get_object_element (headers, i);
      g_autoptr(GBytes) expected = test_json_hex (header, "header");

      g_assert_cmpuint (json_object_get_int_member (header, "index"), ==, i);
      test_assert_bytes (g_bytes_get_data (fragment->bytes, NULL), g_bytes_get_size (expected), expected);
    }

  /* The captured packets decrypt to exactly our fragments. */
  capture_load (&capture_state, "linked-sets");
  for (guint i = 0; i < json_array_get_length (packets); i++)
    {
      JsonObject *packet = json_array_get_object_element (packets, i);
      guint index = (guint) json_object_get_int_member (packet, "index");
      g_autoptr(GBytes) fragment = check_packet (&capture_state, packet);
      NymFragment *ours = g_ptr_array_index (fragments, index);

      g_assert_true (g_bytes_equal (fragment, ours->bytes));
    }
  capture_clear (&capture_state);

  /* And all 256 reassemble, last set first, into the message. */
  for (guint k = fragments->len; k > 0; k--)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, k - 1);
      NymReassemblyStatus status;

      status = nym_reassembler_insert (reassembler, g_bytes_get_data (fragment->bytes, NULL),
                                       g_bytes_get_size (fragment->bytes), 0, &reassembled, &error);
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, k == 1 ? NYM_REASSEMBLY_COMPLETE : NYM_REASSEMBLY_PENDING);
    }
  g_assert_cmpmem (reassembled->data, reassembled->len, padded->data, padded->len);
  g_assert_cmpuint (nym_reassembler_pending_sets (reassembler), ==, 0);
}

/* The client address string is the three keys in base58 (§16). */
static void
test_capture_address (void)
{
  JsonObject *client = json_object_get_object_member (test_capture_named ("messages"), "client");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NymRecipient recipient;
  uint8_t expected[32];

  g_assert_true (nym_recipient_parse (json_object_get_string_member (client, "address"), &recipient, &error));
  g_assert_no_error (error);
  test_json_hex_into (client, "ed25519_public", expected, 32);
  g_assert_cmpmem (recipient.identity, 32, expected, 32);
  test_json_hex_into (client, "x25519_public", expected, 32);
  g_assert_cmpmem (recipient.encryption_key, 32, expected, 32);
  test_json_hex_into (client, "gateway_ed25519_public", expected, 32);
  g_assert_cmpmem (recipient.gateway, 32, expected, 32);
  text = nym_recipient_to_string (&recipient);
  g_assert_cmpstr (text, ==, json_object_get_string_member (client, "address"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/packet-capture/messages", test_capture_messages);
  g_test_add_func ("/packet-capture/cover", test_capture_cover);
  g_test_add_func ("/packet-capture/kind1-frames", test_capture_kind1);
  g_test_add_func ("/packet-capture/linked-sets", test_capture_linked_sets);
  g_test_add_func ("/packet-capture/address", test_capture_address);
  return g_test_run ();
}
