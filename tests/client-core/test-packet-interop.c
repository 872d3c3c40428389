/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cross-checks the packet layer against independent code in Node (OpenSSL X25519/AES-CTR, @noble BLAKE3/HKDF/GCM-SIV), both directions (spec nym-packet.md §15.3, §18, §19). */
#include <gio/gio.h>

#include "packet/nym-ack.h"
#include "packet/nym-e2e.h"
#include "packet/nym-gateway-frame.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-preparer.h"
#include "packet/nym-receiver.h"
#include "packet-test-util.h"

static char *node_path;
static char *script_path;
static char *node_modules;

static char *
hex (const uint8_t *data,
     size_t         len)
{
  char *out = g_malloc (2 * len + 1);

  for (size_t i = 0; i < len; i++)
    g_snprintf (out + 2 * i, 3, "%02x", data[i]);
  out[2 * len] = '\0';
  return out;
}

static void
add_hex (JsonBuilder   *builder,
         const char    *name,
         const uint8_t *data,
         size_t         len)
{
  g_autofree char *text = hex (data, len);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

/* The test is skipped (not passed) when Node or the npm peers are missing. */
static bool
node_available (void)
{
  g_autofree char *hashes = NULL;
  g_autofree char *ciphers = NULL;

  if (node_path == NULL || *node_path == '\0' || !g_file_test (node_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("node was not found at configure time");
      return false;
    }
  hashes = g_build_filename (node_modules != NULL ? node_modules : "", "@noble", "hashes", "package.json", NULL);
  ciphers = g_build_filename (node_modules != NULL ? node_modules : "", "@noble", "ciphers", "package.json", NULL);
  if (!g_file_test (hashes, G_FILE_TEST_EXISTS) || !g_file_test (ciphers, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("@noble/hashes or @noble/ciphers is not installed in tests/node_modules (run npm ci in tests/)");
      return false;
    }
  return true;
}

typedef struct
{
  GByteArray *forward_plaintext;
  GByteArray *delivered;
  uint8_t     ack[NYM_ACK_PAYLOAD_LEN];
  uint8_t     fragment_id[5];
  GBytes     *fragment;
} Sent;

static void
sent_clear (Sent *sent)
{
  g_clear_pointer (&sent->forward_plaintext, g_byte_array_unref);
  g_clear_pointer (&sent->delivered, g_byte_array_unref);
  g_clear_pointer (&sent->fragment, g_bytes_unref);
}

static void
test_cross_check (void)
{
  TestNetwork network = { 0 };
  NymPacketPreparer preparer;
  uint8_t gateway_key[32];
  uint8_t message_bytes[5000];
  g_autoptr(NymMessage) message = NULL;
  g_autoptr(GByteArray) serialized = NULL;
  g_autoptr(GByteArray) padded = NULL;
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *errors = NULL;
  g_autofree Sent *sent = NULL;
  JsonArray *opened;
  JsonArray *made;
  uint8_t surb_keys[8][16];
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);

  if (!node_available ())
    return;
  test_network_init (&network, 2);
  nym_packet_preparer_init_defaults (&preparer, network.topology, &network.client, network.ack_key);
  nym_random_bytes (gateway_key, sizeof gateway_key);
  nym_random_bytes (message_bytes, sizeof message_bytes);
  message = nym_message_new_plain (message_bytes, sizeof message_bytes);
  serialized = nym_message_to_bytes (message, &error);
  padded = nym_message_pad (serialized->data, serialized->len, capacity);
  fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fragments->len, <=, G_N_ELEMENTS (surb_keys));
  sent = g_new0 (Sent, fragments->len);

  /* Our side: every fragment as a gateway frame, what the exit gateway delivers, and the ack. */
  for (guint i = 0; i < fragments->len; i++)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i);
      NymPreparedPacket prepared = { 0 };
      g_autoptr(GBytes) plaintext = NULL;
      g_autoptr(GBytes) ack = NULL;
      const uint8_t *surb_ack = NULL;
      const uint8_t *delivered = NULL;
      size_t delivered_len = 0;
      NymNodeAddress ack_first_hop;
      const uint8_t *ack_packet = NULL;

      g_assert_true (nym_prepare_regular_packet (&preparer, &network.client, fragment, &prepared, &error));
      sent[i].forward_plaintext = nym_forward_sphinx_encode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, NYM_PACKET_TYPE_MIX,
                                                             prepared.rotation, &prepared.first_hop,
                                                             g_bytes_get_data (prepared.packet, NULL),
                                                             g_bytes_get_size (prepared.packet), &error);
      g_assert_no_error (error);
      plaintext = test_network_deliver (&network, &prepared.first_hop, g_bytes_get_data (prepared.packet, NULL),
                                        g_bytes_get_size (prepared.packet), 4, preparer.version, network.client.identity);
      g_assert_true (nym_final_payload_split (g_bytes_get_data (plaintext, NULL), g_bytes_get_size (plaintext),
                                              &surb_ack, &delivered, &delivered_len, &error));
      sent[i].delivered = g_byte_array_new ();
      g_byte_array_append (sent[i].delivered, delivered, (guint) delivered_len);
      g_assert_true (nym_surb_ack_parse (surb_ack, NYM_SURB_ACK_LEN, &ack_first_hop, &ack_packet, &error));
      ack = test_network_deliver (&network, &ack_first_hop, ack_packet, NYM_ACK_PACKET_LEN, 4, preparer.version,
                                  network.client.identity);
      g_assert_cmpuint (g_bytes_get_size (ack), ==, NYM_ACK_PAYLOAD_LEN);
      memcpy (sent[i].ack, g_bytes_get_data (ack, NULL), NYM_ACK_PAYLOAD_LEN);
      memcpy (sent[i].fragment_id, prepared.fragment_id, 5);
      sent[i].fragment = g_bytes_ref (fragment->bytes);
      nym_random_bytes (surb_keys[i], 16);
      nym_prepared_packet_clear (&prepared);
    }

  json_builder_begin_object (builder);
  add_hex (builder, "client_private", network.client_private, 32);
  add_hex (builder, "client_public", network.client.encryption_key, 32);
  add_hex (builder, "ack_key", network.ack_key, 16);
  add_hex (builder, "gateway_key", gateway_key, 32);
  json_builder_set_member_name (builder, "open");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fragments->len; i++)
    {
      g_autoptr(GByteArray) frame = nym_gateway_frame_seal (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, gateway_key, NULL,
                                                            sent[i].forward_plaintext->data,
                                                            sent[i].forward_plaintext->len, &error);

      json_builder_begin_object (builder);
      add_hex (builder, "frame", frame->data, frame->len);
      add_hex (builder, "delivered", sent[i].delivered->data, sent[i].delivered->len);
      add_hex (builder, "ack", sent[i].ack, NYM_ACK_PAYLOAD_LEN);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "make");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fragments->len; i++)
    {
      json_builder_begin_object (builder);
      add_hex (builder, "fragment", g_bytes_get_data (sent[i].fragment, NULL), g_bytes_get_size (sent[i].fragment));
      add_hex (builder, "surb_key", surb_keys[i], 16);
      add_hex (builder, "fragment_id", sent[i].fragment_id, 5);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  request = json_generator_to_data (generator, NULL);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, node_path, script_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, request, NULL, &reply, &errors, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("node %s failed: %s", script_path, errors);
  json_parser_load_from_data (parser, reply, -1, &error);
  g_assert_no_error (error);
  opened = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "opened");
  made = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "made");
  g_assert_cmpuint (json_array_get_length (opened), ==, fragments->len);
  g_assert_cmpuint (json_array_get_length (made), ==, fragments->len);

  for (guint i = 0; i < fragments->len; i++)
    {
      JsonObject *theirs = json_array_get_object_element (opened, i);
      JsonObject *built = json_array_get_object_element (made, i);
      g_autoptr(GBytes) forward = test_json_hex (theirs, "forward_plaintext");
      g_autoptr(GBytes) fragment = test_json_hex (theirs, "fragment");
      g_autoptr(GBytes) ack_id = test_json_hex (theirs, "ack_id");
      g_autoptr(GBytes) pushed = test_json_hex (built, "pushed_frame");
      g_autoptr(GBytes) reply_bytes = test_json_hex (built, "reply");
      g_autoptr(GBytes) ack = test_json_hex (built, "ack");
      g_autoptr(GByteArray) pushed_plaintext = NULL;
      g_autofree uint8_t *reply_fragment = g_malloc (g_bytes_get_size (reply_bytes));
      NymReceived received = { 0 };
      uint8_t id[5];
      uint8_t kind = 0;

      /* Node opened what we built. */
      test_assert_bytes (sent[i].forward_plaintext->data, sent[i].forward_plaintext->len, forward);
      g_assert_true (g_bytes_equal (fragment, sent[i].fragment));
      test_assert_bytes (sent[i].fragment_id, 5, ack_id);

      /* We open what Node built: a pushed frame with a sealed fragment, a reply, an ack. */
      pushed_plaintext = nym_gateway_frame_open (gateway_key, g_bytes_get_data (pushed, NULL), g_bytes_get_size (pushed),
                                                 &kind, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (kind, ==, NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE);
      g_assert_true (nym_received_open (network.client_private, network.ack_key, NULL, NULL, pushed_plaintext->data,
                                        pushed_plaintext->len, &received, &error));
      g_assert_no_error (error);
      g_assert_cmpint (received.kind, ==, NYM_RECEIVED_FRAGMENT);
      g_assert_cmpmem (received.fragment->data, received.fragment->len,
                       g_bytes_get_data (sent[i].fragment, NULL), g_bytes_get_size (sent[i].fragment));
      nym_received_clear (&received);
      g_assert_true (nym_e2e_decrypt_reply (surb_keys[i], g_bytes_get_data (reply_bytes, NULL),
                                            g_bytes_get_size (reply_bytes), reply_fragment, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (reply_fragment, g_bytes_get_size (reply_bytes) - 32,
                       g_bytes_get_data (sent[i].fragment, NULL), g_bytes_get_size (sent[i].fragment));
      g_assert_true (nym_ack_payload_decrypt (network.ack_key, g_bytes_get_data (ack, NULL), g_bytes_get_size (ack),
                                              id, &error));
      g_assert_cmpmem (id, 5, sent[i].fragment_id, 5);
    }
  for (guint i = 0; i < fragments->len; i++)
    sent_clear (&sent[i]);
  test_network_clear (&network);
}

int
main (int argc, char *argv[])
{
  GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_FILENAME, &node_path, "Node.js binary", "PATH" },
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path, "tests/interop/packet/packet.mjs", "PATH" },
    { "node-modules", 0, 0, G_OPTION_ARG_FILENAME, &node_modules, "tests/node_modules", "DIR" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  test_init_core ();
  g_test_add_func ("/packet-interop/cross-check", test_cross_check);
  return g_test_run ();
}
