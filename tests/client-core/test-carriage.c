/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the client↔gateway carriage: ForwardSphinx(V2) plaintexts and the AES-256-GCM-SIV binary frame (spec nym-gateway.md §1.8, §9.2). */
#include "packet/nym-gateway-frame.h"
#include "packet-test-util.h"

/* Gateway §9.2: the pushed "hello nym" frame with nonce D0×12. */
static void
test_pushed_vector (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) key = test_vector_bytes (vectors, "gateway-9.2", "key");
  g_autoptr(GBytes) nonce = test_vector_bytes (vectors, "gateway-9.2", "nonce");
  g_autoptr(GBytes) plaintext = test_vector_bytes (vectors, "gateway-9.2", "plaintext");
  g_autoptr(GBytes) frame = test_vector_bytes (vectors, "gateway-9.2", "frame");
  g_autoptr(GByteArray) sealed = NULL;
  g_autoptr(GByteArray) opened = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t kind = 0;

  sealed = nym_gateway_frame_seal (NYM_GATEWAY_RESPONSE_PUSHED_MIX_MESSAGE, g_bytes_get_data (key, NULL),
                                   g_bytes_get_data (nonce, NULL), g_bytes_get_data (plaintext, NULL),
                                   g_bytes_get_size (plaintext), &error);
  g_assert_no_error (error);
  test_assert_bytes (sealed->data, sealed->len, frame);
  opened = nym_gateway_frame_open (g_bytes_get_data (key, NULL), g_bytes_get_data (frame, NULL),
                                   g_bytes_get_size (frame), &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kind, ==, 1);
  test_assert_bytes (opened->data, opened->len, plaintext);
}

static void
test_frame_invalid (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) key = test_vector_bytes (vectors, "gateway-9.2", "key");
  g_autoptr(GBytes) frame = test_vector_bytes (vectors, "gateway-9.2", "frame");
  const uint8_t *k = g_bytes_get_data (key, NULL);
  size_t len = g_bytes_get_size (frame);
  g_autofree uint8_t *copy = g_memdup2 (g_bytes_get_data (frame, NULL), len);
  uint8_t wrong_key[32];
  uint8_t kind = 77;

  memcpy (wrong_key, k, 32);
  wrong_key[0] ^= 1;
  for (size_t cut = 0; cut < 2 + 12 + 16; cut++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (nym_gateway_frame_open (k, copy, cut, &kind, &error));
      g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
    }
  {
    g_autoptr(GError) error = NULL;

    /* A wrong GCM-SIV tag: flipped tag, flipped ciphertext, wrong key, dropped last byte. */
    copy[len - 1] ^= 1;
    g_assert_null (nym_gateway_frame_open (k, copy, len, &kind, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
    g_clear_error (&error);
    copy[len - 1] ^= 1;
    copy[15] ^= 0x80;
    g_assert_null (nym_gateway_frame_open (k, copy, len, &kind, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
    g_clear_error (&error);
    copy[15] ^= 0x80;
    g_assert_null (nym_gateway_frame_open (wrong_key, copy, len, &kind, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
    g_clear_error (&error);
    g_assert_null (nym_gateway_frame_open (k, copy, len - 1, &kind, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_DECRYPTION_FAILED);
    g_clear_error (&error);
    /* An encryption flag other than 0 or 1. */
    copy[1] = 2;
    g_assert_null (nym_gateway_frame_open (k, copy, len, &kind, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAME);
  }
  g_assert_cmpuint (kind, ==, 77);
}

/* Flag 0 (never sent by real peers) carries the plaintext after the nonce slot. */
static void
test_frame_unencrypted (void)
{
  static const uint8_t frame[] = { 1, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 'h', 'i' };
  uint8_t key[32] = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) plaintext = NULL;
  uint8_t kind = 0;

  plaintext = nym_gateway_frame_open (key, frame, sizeof frame, &kind, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kind, ==, 1);
  g_assert_cmpmem (plaintext->data, plaintext->len, "hi", 2);
}

static void
test_forward_round_trip (void)
{
  static const NymPacketSize sizes[] = { NYM_PACKET_SIZE_REGULAR, NYM_PACKET_SIZE_ACK, NYM_PACKET_SIZE_EXTENDED8,
                                         NYM_PACKET_SIZE_EXTENDED16, NYM_PACKET_SIZE_EXTENDED32 };
  static const char *hosts[] = { "127.0.0.1:11791", "[fe80::1]:1789" };
  uint8_t key[32];

  nym_random_bytes (key, sizeof key);
  for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (size_t h = 0; h < G_N_ELEMENTS (hosts); h++)
      for (int kind = 1; kind <= 2; kind++)
        {
          size_t len = nym_packet_size_total (sizes[s]);
          g_autofree uint8_t *packet = g_malloc (len);
          g_autoptr(GByteArray) plaintext = NULL;
          g_autoptr(GByteArray) frame = NULL;
          g_autoptr(GByteArray) opened = NULL;
          g_autoptr(GError) error = NULL;
          NymNodeAddress first_hop;
          NymForwardSphinx forward;
          uint8_t frame_kind = 0;

          nym_random_bytes (packet, len);
          g_assert_true (nym_node_address_parse (hosts[h], &first_hop, &error));
          plaintext = nym_forward_sphinx_encode ((NymGatewayRequestKind) kind, NYM_PACKET_TYPE_MIX,
                                                 NYM_KEY_ROTATION_EVEN, &first_hop, packet, len, &error);
          g_assert_no_error (error);
          /* §15.3: 2436 / 2421 bytes for a regular packet behind an IPv4 hop. */
          g_assert_cmpuint (plaintext->len, ==, 1 + (kind == 2) + nym_node_address_encoded_len (&first_hop) + len);
          frame = nym_gateway_frame_seal ((uint8_t) kind, key, NULL, plaintext->data, plaintext->len, &error);
          g_assert_cmpuint (frame->len, ==, plaintext->len + 30);
          opened = nym_gateway_frame_open (key, frame->data, frame->len, &frame_kind, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (frame_kind, ==, kind);
          g_assert_true (nym_forward_sphinx_decode ((NymGatewayRequestKind) frame_kind, opened->data, opened->len,
                                                    &forward, &error));
          g_assert_no_error (error);
          g_assert_true (nym_node_address_equal (&forward.first_hop, &first_hop));
          g_assert_cmpint (forward.size, ==, sizes[s]);
          g_assert_cmpint (forward.rotation, ==, kind == 2 ? NYM_KEY_ROTATION_EVEN : NYM_KEY_ROTATION_UNKNOWN);
          g_assert_cmpmem (forward.packet, forward.packet_len, packet, len);
        }
}

static void
test_forward_invalid (void)
{
  g_autofree uint8_t *plaintext = g_malloc0 (2 + 7 + 2414);
  g_autoptr(GError) error = NULL;
  NymForwardSphinx forward;
  NymNodeAddress first_hop;
  uint8_t *p = plaintext;

  p[0] = 0;
  p[1] = 1;
  p[2] = 4;
  /* Truncated and oversized packets, which match no packet size. */
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 2 + 7 + 2412, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 2 + 7 + 2414, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  g_assert_true (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 2 + 7 + 2413, &forward, &error));
  g_assert_no_error (error);
  /* Kind 1 reads the rotation byte as the address version. */
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX, p, 2 + 7 + 2413, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  p[1] = 3;
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 2 + 7 + 2413, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  p[1] = 1;
  p[0] = 1;
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 2 + 7 + 2413, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  g_assert_false (nym_forward_sphinx_decode (3, p, 2 + 7 + 2413, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 1, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_assert_false (nym_forward_sphinx_decode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX_V2, p, 5, &forward, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);

  g_assert_true (nym_node_address_parse ("127.0.0.1:1", &first_hop, &error));
  g_assert_null (nym_forward_sphinx_encode (NYM_GATEWAY_REQUEST_FORWARD_SPHINX, NYM_PACKET_TYPE_MIX,
                                            NYM_KEY_ROTATION_UNKNOWN, &first_hop, plaintext, 1000, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/carriage/pushed-vector", test_pushed_vector);
  g_test_add_func ("/carriage/frame-invalid", test_frame_invalid);
  g_test_add_func ("/carriage/frame-unencrypted", test_frame_unencrypted);
  g_test_add_func ("/carriage/forward-round-trip", test_forward_round_trip);
  g_test_add_func ("/carriage/forward-invalid", test_forward_invalid);
  return g_test_run ();
}
