/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests node routing addresses and client Recipient addresses (spec nym-packet.md §16, §24 V4, V6). */
#include "packet/nym-node-address.h"
#include "packet/nym-recipient.h"
#include "packet-test-util.h"

static void
test_node_address_vectors (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) bytes_1 = test_vector_bytes (vectors, "node-address", "bytes_1");
  g_autoptr(GBytes) unpadded_2 = test_vector_bytes (vectors, "node-address", "unpadded_2");
  g_autoptr(GBytes) padded19_2 = test_vector_bytes (vectors, "node-address", "padded19_2");
  g_autofree char *text_1 = g_key_file_get_string (vectors, "node-address", "text_1", NULL);
  g_autofree char *text_2 = g_key_file_get_string (vectors, "node-address", "text_2", NULL);
  g_autofree char *again = NULL;
  g_autoptr(GError) error = NULL;
  NymNodeAddress address;
  NymNodeAddress decoded;
  uint8_t out[32];
  uint8_t raw[19];
  size_t consumed = 0;

  g_assert_true (nym_node_address_parse (text_1, &address, &error));
  g_assert_no_error (error);
  nym_node_address_encode_padded (&address, out, 32);
  test_assert_bytes (out, 32, bytes_1);
  g_assert_true (nym_node_address_decode (out, 32, &decoded, &consumed, &error));
  g_assert_cmpuint (consumed, ==, 7);
  g_assert_true (nym_node_address_equal (&address, &decoded));
  again = nym_node_address_to_string (&decoded);
  g_assert_cmpstr (again, ==, text_1);

  g_assert_true (nym_node_address_parse (text_2, &address, &error));
  g_assert_cmpuint (nym_node_address_encode (&address, raw), ==, 7);
  test_assert_bytes (raw, 7, unpadded_2);
  nym_node_address_encode_padded (&address, out, 19);
  test_assert_bytes (out, 19, padded19_2);
  g_assert_no_error (error);
}

/* §24 V6: IPv6 uses 19 bytes (6 ‖ port ‖ 16 octets) and still fits the 32-byte form. */
static void
test_node_address_ipv6 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NymNodeAddress address;
  NymNodeAddress decoded;
  uint8_t out[32];
  size_t consumed = 0;

  g_assert_true (nym_node_address_parse ("[2001:db8::1]:1789", &address, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (address.ip_version, ==, 6);
  g_assert_cmpuint (nym_node_address_encoded_len (&address), ==, 19);
  nym_node_address_encode_padded (&address, out, 32);
  g_assert_cmpuint (out[0], ==, 6);
  g_assert_cmpuint (out[1], ==, 0x06);
  g_assert_cmpuint (out[2], ==, 0xfd);
  g_assert_cmpuint (out[3], ==, 0x20);
  g_assert_cmpuint (out[4], ==, 0x01);
  g_assert_cmpuint (out[18], ==, 0x01);
  for (size_t i = 19; i < 32; i++)
    g_assert_cmpuint (out[i], ==, 0);
  g_assert_true (nym_node_address_decode (out, 32, &decoded, &consumed, &error));
  g_assert_cmpuint (consumed, ==, 19);
  g_assert_true (nym_node_address_equal (&address, &decoded));
  text = nym_node_address_to_string (&decoded);
  g_assert_cmpstr (text, ==, "[2001:db8::1]:1789");
}

static void
test_node_address_invalid (void)
{
  static const char *bad_texts[] = { "", "1.2.3.4", "1.2.3.4:", "1.2.3.4:99999", "1.2.3.4:12a",
                                     "host.example:1789", ":1789", "1.2.3.4:-1", "[::1:80" };
  static const uint8_t v5[7] = { 5, 0, 80, 1, 2, 3, 4 };
  static const uint8_t short_v4[6] = { 4, 0, 80, 1, 2, 3 };
  uint8_t short_v6[18] = { 6, 0, 80 };
  NymNodeAddress address = { 0 };
  NymNodeAddress untouched = { 0 };

  for (size_t i = 0; i < G_N_ELEMENTS (bad_texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (nym_node_address_parse (bad_texts[i], &address, &error));
      g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_node_address_decode (v5, 0, &address, NULL, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
    g_clear_error (&error);
    g_assert_false (nym_node_address_decode (v5, sizeof v5, &address, NULL, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS);
    g_clear_error (&error);
    g_assert_false (nym_node_address_decode (short_v4, sizeof short_v4, &address, NULL, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
    g_clear_error (&error);
    g_assert_false (nym_node_address_decode (short_v6, sizeof short_v6, &address, NULL, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
  }
  g_assert_cmpmem (&address, sizeof address, &untouched, sizeof untouched);
}

/* §24 V4: mock_recipient() of addressing/src/clients.rs and its text form. */
static void
test_recipient_vector (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) bytes = test_vector_bytes (vectors, "recipient-v4", "bytes");
  g_autofree char *text = g_key_file_get_string (vectors, "recipient-v4", "text", NULL);
  g_autofree char *formatted = NULL;
  g_autoptr(GError) error = NULL;
  NymRecipient recipient;
  NymRecipient parsed;
  uint8_t out[96];

  nym_recipient_from_bytes (&recipient, g_bytes_get_data (bytes, NULL));
  formatted = nym_recipient_to_string (&recipient);
  g_assert_cmpstr (formatted, ==, text);
  g_assert_true (nym_recipient_parse (text, &parsed, &error));
  g_assert_no_error (error);
  g_assert_true (nym_recipient_equal (&parsed, &recipient));
  nym_recipient_to_bytes (&parsed, out);
  test_assert_bytes (out, 96, bytes);
}

static void
test_recipient_round_trip (void)
{
  for (int i = 0; i < 50; i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      NymRecipient recipient;
      NymRecipient parsed;

      nym_random_bytes ((uint8_t *) &recipient, sizeof recipient);
      /* Leading zero bytes are the base58 edge case ('1' characters). */
      if (i % 5 == 0)
        recipient.identity[0] = recipient.gateway[0] = recipient.gateway[1] = 0;
      text = nym_recipient_to_string (&recipient);
      g_assert_true (nym_recipient_parse (text, &parsed, &error));
      g_assert_no_error (error);
      g_assert_true (nym_recipient_equal (&recipient, &parsed));
    }
}

static void
test_recipient_invalid (void)
{
  static const char *bad[] = {
    "",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
    /* '0' and 'l' are not in the base58 alphabet. */
    "0WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWYl@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
    /* A part that decodes to 31 or 33 bytes. */
    "WdCMZXZBkGsXwPqzxwJq.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5zz",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1@",
    "5WdCMZXZBkGsXwPqzxwJqf9sSzyRLt3xmhuGDBaXiQh5.7nFB8HqKM9jxExRkfhUoLb6oo2LSCDDesP5uuXH5iWY1@3yv4q@TKVxC5",
    "5WdC.MZXZ.BkGs@3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5",
  };
  NymRecipient recipient = { { 0 } };
  NymRecipient untouched = { { 0 } };

  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (nym_recipient_parse (bad[i], &recipient, &error));
      g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_recipient_parse (NULL, &recipient, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_RECIPIENT);
  }
  g_assert_true (nym_recipient_equal (&recipient, &untouched));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/address/node/vectors", test_node_address_vectors);
  g_test_add_func ("/address/node/ipv6", test_node_address_ipv6);
  g_test_add_func ("/address/node/invalid", test_node_address_invalid);
  g_test_add_func ("/address/recipient/vector", test_recipient_vector);
  g_test_add_func ("/address/recipient/round-trip", test_recipient_round_trip);
  g_test_add_func ("/address/recipient/invalid", test_recipient_invalid);
  return g_test_run ();
}
