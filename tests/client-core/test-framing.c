/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests packet sizes, type and rotation bytes, and the node-to-node frame (spec nym-packet.md §13, §15.1, §24 V5). */
#include "packet/nym-node-frame.h"
#include "packet/nym-packet-size.h"
#include "packet-test-util.h"

static void
test_sizes_table (void)
{
  static const struct
  {
    NymPacketSize size;
    size_t        total;
    size_t        plaintext;
    size_t        capacity;
    size_t        delivered;
    const char   *name;
  } table[] = {
    { NYM_PACKET_SIZE_REGULAR,    2413,  2048,  1611,  1643,  "regular" },
    { NYM_PACKET_SIZE_ACK,        386,   21,    0,     21,    "ack" },
    { NYM_PACKET_SIZE_EXTENDED32, 33133, 32768, 32331, 32363, "extended32" },
    { NYM_PACKET_SIZE_EXTENDED8,  8557,  8192,  7755,  7787,  "extended8" },
    { NYM_PACKET_SIZE_EXTENDED16, 16749, 16384, 15947, 15979, "extended16" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;
      NymPacketSize found = 0;

      g_assert_cmpuint (nym_packet_size_total (table[i].size), ==, table[i].total);
      g_assert_cmpuint (nym_packet_size_payload (table[i].size), ==, table[i].total - 348);
      g_assert_cmpuint (nym_packet_size_plaintext (table[i].size), ==, table[i].plaintext);
      g_assert_cmpuint (nym_packet_size_fragment_capacity (table[i].size), ==, table[i].capacity);
      g_assert_cmpuint (nym_packet_size_delivered (table[i].size), ==, table[i].delivered);
      g_assert_cmpstr (nym_packet_size_name (table[i].size), ==, table[i].name);
      g_assert_true (nym_packet_size_from_tag ((uint8_t) table[i].size, &found, &error));
      g_assert_cmpint (found, ==, table[i].size);
      g_assert_true (nym_packet_size_from_length (table[i].total, &found, &error));
      g_assert_cmpint (found, ==, table[i].size);
      g_assert_true (nym_packet_size_from_plaintext (table[i].plaintext, &found, &error));
      g_assert_cmpint (found, ==, table[i].size);
      g_assert_true (nym_packet_size_from_name (table[i].name, &found, &error));
      g_assert_cmpint (found, ==, table[i].size);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (NYM_SURB_ACK_LEN, ==, 405);
  g_assert_cmpuint (NYM_ACK_PACKET_LEN, ==, 386);
}

static void
test_sizes_unknown (void)
{
  static const uint8_t bad_tags[] = { 0, 6, 7, 8, 255 };
  static const size_t bad_lengths[] = { 0, 385, 387, 2412, 2414, 2452, 33134 };
  NymPacketSize found = NYM_PACKET_SIZE_REGULAR;

  for (size_t i = 0; i < G_N_ELEMENTS (bad_tags); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (nym_packet_size_from_tag (bad_tags[i], &found, &error));
      g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (bad_lengths); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (nym_packet_size_from_length (bad_lengths[i], &found, &error));
      g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_packet_size_from_name ("huge", &found, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  }
  /* Nothing was written on failure. */
  g_assert_cmpint (found, ==, NYM_PACKET_SIZE_REGULAR);
  g_assert_cmpuint (nym_packet_size_total (NYM_PACKET_SIZE_OUTFOX_REGULAR), ==, 0);
}

static void
test_type_and_rotation (void)
{
  g_autoptr(GError) error = NULL;
  NymPacketType type = NYM_PACKET_TYPE_MIX;
  NymKeyRotation rotation = NYM_KEY_ROTATION_UNKNOWN;

  g_assert_true (nym_packet_type_from_byte (0, &type, &error));
  g_assert_cmpint (type, ==, NYM_PACKET_TYPE_MIX);
  g_assert_true (nym_packet_type_from_byte (2, &type, &error));
  g_assert_cmpint (type, ==, NYM_PACKET_TYPE_OUTFOX);
  g_assert_no_error (error);
  /* §13: 1 was the old "Vpn" type and is rejected. */
  g_assert_false (nym_packet_type_from_byte (1, &type, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);
  g_assert_false (nym_packet_type_from_byte (255, &type, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);
  g_clear_error (&error);

  for (uint8_t b = 0; b <= 2; b++)
    {
      g_assert_true (nym_key_rotation_from_byte (b, &rotation, &error));
      g_assert_cmpint (rotation, ==, b);
    }
  g_assert_false (nym_key_rotation_from_byte (3, &rotation, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_TYPE);

  g_assert_cmpint (nym_key_rotation_from_id (0), ==, NYM_KEY_ROTATION_UNKNOWN);
  g_assert_cmpint (nym_key_rotation_from_id (G_MAXUINT32), ==, NYM_KEY_ROTATION_UNKNOWN);
  g_assert_cmpint (nym_key_rotation_from_id (1), ==, NYM_KEY_ROTATION_ODD);
  g_assert_cmpint (nym_key_rotation_from_id (2), ==, NYM_KEY_ROTATION_EVEN);
  g_assert_cmpint (nym_key_rotation_from_id (25), ==, NYM_KEY_ROTATION_ODD);
  g_assert_cmpint (nym_key_rotation_from_id (G_MAXUINT32 - 1), ==, NYM_KEY_ROTATION_EVEN);
}

/* §24 V5: the default current header is 08 01 00 00; the initial version has 3 bytes. */
static void
test_frame_header_vectors (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) current = test_vector_bytes (vectors, "node-frame-v5", "current_header");
  g_autoptr(GBytes) legacy = test_vector_bytes (vectors, "node-frame-v5", "legacy_header");
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree uint8_t *packet = g_malloc0 (2413);
  NymNodeFrameHeader header = { 8, NYM_PACKET_SIZE_REGULAR, NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_UNKNOWN };

  g_assert_true (nym_node_frame_encode (&header, packet, 2413, out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 4 + 2413);
  test_assert_bytes (out->data, 4, current);

  g_byte_array_set_size (out, 0);
  header.version = 7;
  header.rotation = NYM_KEY_ROTATION_EVEN; /* not carried by version 7 */
  g_assert_true (nym_node_frame_encode (&header, packet, 2413, out, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, 3 + 2413);
  test_assert_bytes (out->data, 3, legacy);
}

static void
test_frame_round_trip (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (nym_packet_sphinx_sizes); i++)
    for (uint8_t version = 7; version <= 8; version++)
      {
        NymPacketSize size = nym_packet_sphinx_sizes[i];
        size_t len = nym_packet_size_total (size);
        g_autofree uint8_t *packet = g_malloc (len);
        g_autoptr(GByteArray) stream = g_byte_array_new ();
        g_autoptr(GError) error = NULL;
        NymNodeFrameHeader header = { version, size, NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_ODD };
        NymNodeFrameHeader decoded;
        const uint8_t *body = NULL;
        size_t body_len = 0;
        size_t consumed = 0;
        size_t frame_len;

        nym_random_bytes (packet, len);
        /* Two frames back to back on one stream, the second with a different rotation. */
        g_assert_true (nym_node_frame_encode (&header, packet, len, stream, &error));
        frame_len = stream->len;
        header.rotation = NYM_KEY_ROTATION_EVEN;
        g_assert_true (nym_node_frame_encode (&header, packet, len, stream, &error));
        g_assert_no_error (error);

        /* Byte by byte, the first frame is incomplete until its last byte. */
        for (size_t have = 0; have < frame_len; have++)
          {
            g_assert_cmpint (nym_node_frame_decode (stream->data, have, &decoded, &body, &body_len, &consumed, &error),
                             ==, NYM_NODE_FRAME_INCOMPLETE);
            g_assert_cmpuint (consumed, ==, 0);
          }
        g_assert_cmpint (nym_node_frame_decode (stream->data, stream->len, &decoded, &body, &body_len, &consumed, &error),
                         ==, NYM_NODE_FRAME_COMPLETE);
        g_assert_no_error (error);
        g_assert_cmpuint (consumed, ==, frame_len);
        g_assert_cmpuint (decoded.version, ==, version);
        g_assert_cmpint (decoded.size, ==, size);
        g_assert_cmpint (decoded.type, ==, NYM_PACKET_TYPE_MIX);
        g_assert_cmpint (decoded.rotation, ==, version == 8 ? NYM_KEY_ROTATION_ODD : NYM_KEY_ROTATION_UNKNOWN);
        g_assert_cmpmem (body, body_len, packet, len);

        g_assert_cmpint (nym_node_frame_decode (stream->data + consumed, stream->len - consumed, &decoded, &body,
                                                &body_len, &consumed, &error), ==, NYM_NODE_FRAME_COMPLETE);
        g_assert_cmpint (decoded.rotation, ==, version == 8 ? NYM_KEY_ROTATION_EVEN : NYM_KEY_ROTATION_UNKNOWN);
        g_assert_cmpmem (body, body_len, packet, len);
      }
}

/* §24 V5: version 123, size 255, type 255 are rejected (and versions 6 and 9, rotation 3). */
static void
test_frame_invalid (void)
{
  static const struct
  {
    uint8_t head[4];
    int     code;
  } cases[] = {
    { { 123, 1, 0, 0 }, NYM_PACKET_ERROR_UNSUPPORTED_VERSION },
    { { 6, 1, 0, 0 },   NYM_PACKET_ERROR_UNSUPPORTED_VERSION },
    { { 9, 1, 0, 0 },   NYM_PACKET_ERROR_UNSUPPORTED_VERSION },
    { { 0, 1, 0, 0 },   NYM_PACKET_ERROR_UNSUPPORTED_VERSION },
    { { 8, 255, 0, 0 }, NYM_PACKET_ERROR_UNKNOWN_SIZE },
    { { 8, 6, 2, 0 },   NYM_PACKET_ERROR_UNKNOWN_SIZE },
    { { 7, 255, 0, 0 }, NYM_PACKET_ERROR_UNKNOWN_SIZE },
    { { 8, 1, 255, 0 }, NYM_PACKET_ERROR_UNKNOWN_TYPE },
    { { 7, 1, 1, 0 },   NYM_PACKET_ERROR_UNKNOWN_TYPE },
    { { 8, 1, 0, 3 },   NYM_PACKET_ERROR_UNKNOWN_TYPE },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      NymNodeFrameHeader decoded = { 0 };
      const uint8_t *body = NULL;
      size_t body_len = 0;
      size_t consumed = 99;

      g_assert_cmpint (nym_node_frame_decode (cases[i].head, 4, &decoded, &body, &body_len, &consumed, &error),
                       ==, NYM_NODE_FRAME_INVALID);
      g_assert_error (error, NYM_PACKET_ERROR, cases[i].code);
      g_assert_cmpuint (consumed, ==, 0);
      g_assert_null (body);
    }
}

static void
test_frame_encode_invalid (void)
{
  g_autofree uint8_t *packet = g_malloc0 (2414);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  NymNodeFrameHeader header = { 8, NYM_PACKET_SIZE_REGULAR, NYM_PACKET_TYPE_MIX, NYM_KEY_ROTATION_UNKNOWN };

  /* A packet whose length does not match its size tag (truncated and oversized). */
  g_assert_false (nym_node_frame_encode (&header, packet, 2412, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  g_assert_false (nym_node_frame_encode (&header, packet, 2414, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  header.size = NYM_PACKET_SIZE_OUTFOX_ACK;
  g_assert_false (nym_node_frame_encode (&header, packet, 2413, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNKNOWN_SIZE);
  g_clear_error (&error);
  header.size = NYM_PACKET_SIZE_REGULAR;
  header.version = 5;
  g_assert_false (nym_node_frame_encode (&header, packet, 2413, out, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_UNSUPPORTED_VERSION);
  g_assert_cmpuint (out->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/framing/sizes/table", test_sizes_table);
  g_test_add_func ("/framing/sizes/unknown", test_sizes_unknown);
  g_test_add_func ("/framing/type-and-rotation", test_type_and_rotation);
  g_test_add_func ("/framing/frame/header-vectors", test_frame_header_vectors);
  g_test_add_func ("/framing/frame/round-trip", test_frame_round_trip);
  g_test_add_func ("/framing/frame/invalid", test_frame_invalid);
  g_test_add_func ("/framing/frame/encode-invalid", test_frame_encode_invalid);
  return g_test_run ();
}
