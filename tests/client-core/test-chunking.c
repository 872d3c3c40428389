/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests fragment headers, fragment identifiers and splitting into (linked) sets (spec nym-packet.md §17, §24 V6). */
#include "packet/nym-fragment.h"
#include "packet/nym-message.h"
#include "packet/nym-packet-size.h"
#include "packet-test-util.h"

#define CAPACITY 1611 /* a regular packet's fragment capacity */

static void
test_header_vectors (void)
{
  g_autoptr(GKeyFile) vectors = test_packet_vectors ();
  g_autoptr(GBytes) unlinked = test_vector_bytes (vectors, "fragment-headers", "unlinked");
  g_autoptr(GBytes) unlinked_id = test_vector_bytes (vectors, "fragment-headers", "unlinked_fragment_id");
  g_autoptr(GBytes) linked_next = test_vector_bytes (vectors, "fragment-headers", "linked_next");
  g_autoptr(GBytes) linked_previous = test_vector_bytes (vectors, "fragment-headers", "linked_previous");
  g_autoptr(GError) error = NULL;
  NymFragmentHeader header;
  size_t header_len = 0;
  uint8_t out[10];
  uint8_t id[5];
  int32_t set_id = 0;
  uint8_t position = 0;

  g_assert_true (nym_fragment_header_decode (g_bytes_get_data (unlinked, NULL), 7, &header, &header_len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header_len, ==, 7);
  g_assert_cmpint (header.set_id, ==, 0x42e2f473);
  g_assert_cmpuint (header.total, ==, 4);
  g_assert_cmpuint (header.current, ==, 3);
  g_assert_cmpint (header.previous_set_id, ==, 0);
  g_assert_cmpint (header.next_set_id, ==, 0);
  g_assert_cmpuint (nym_fragment_header_encode (&header, out), ==, 7);
  test_assert_bytes (out, 7, unlinked);
  /* §17: the id drops the flag bit and uses the 1-based position. */
  nym_fragment_id_encode (header.set_id, header.current, id);
  test_assert_bytes (id, 5, unlinked_id);
  g_assert_true (nym_fragment_id_decode (id, &set_id, &position, &error));
  g_assert_cmpint (set_id, ==, header.set_id);
  g_assert_cmpuint (position, ==, 3);
  g_assert_false (nym_fragment_id_is_cover (id));

  g_assert_true (nym_fragment_header_decode (g_bytes_get_data (linked_next, NULL), 10, &header, &header_len, &error));
  g_assert_cmpuint (header_len, ==, 10);
  g_assert_cmpint (header.set_id, ==, 0x16ec28e2);
  g_assert_cmpuint (header.current, ==, 255);
  g_assert_cmpint (header.next_set_id, ==, 0x43917ab4);
  g_assert_cmpint (header.previous_set_id, ==, 0);
  g_assert_cmpuint (nym_fragment_header_encode (&header, out), ==, 10);
  test_assert_bytes (out, 10, linked_next);

  /* A one-fragment continuation set links back to the previous set. */
  g_assert_true (nym_fragment_header_decode (g_bytes_get_data (linked_previous, NULL), 10, &header, &header_len, &error));
  g_assert_cmpint (header.set_id, ==, 0x43917ab4);
  g_assert_cmpuint (header.total, ==, 1);
  g_assert_cmpint (header.previous_set_id, ==, 0x16ec28e2);
  g_assert_cmpint (header.next_set_id, ==, 0);
  g_assert_cmpuint (nym_fragment_header_encode (&header, out), ==, 10);
  test_assert_bytes (out, 10, linked_previous);
  g_assert_no_error (error);

  memset (id, 0, sizeof id);
  g_assert_true (nym_fragment_id_is_cover (id));
}

static void
test_header_invalid (void)
{
  static const struct
  {
    const char *hex;
    int         code;
  } cases[] = {
    { "c2e2f4730403", NYM_PACKET_ERROR_TRUNCATED },          /* 6 bytes */
    { "42e2f473040300", NYM_PACKET_ERROR_INVALID_FRAGMENT },   /* no flag */
    { "80000000010100", NYM_PACKET_ERROR_INVALID_FRAGMENT },   /* set id 0 */
    { "c2e2f473000000", NYM_PACKET_ERROR_INVALID_FRAGMENT },   /* total 0 */
    { "c2e2f473040000", NYM_PACKET_ERROR_INVALID_FRAGMENT },   /* current 0 */
    { "c2e2f473040500", NYM_PACKET_ERROR_INVALID_FRAGMENT },   /* current > total */
    { "c2e2f473040296ec28e2", NYM_PACKET_ERROR_INVALID_FRAGMENT }, /* link on a middle fragment */
    { "c2e2f4730a0a96ec28e2", NYM_PACKET_ERROR_INVALID_FRAGMENT }, /* forward link on 10/10 */
    { "c2e2f473040196ec28", NYM_PACKET_ERROR_TRUNCATED },     /* linked, 9 bytes */
    { "c2e2f473040116ec28e2", NYM_PACKET_ERROR_INVALID_FRAGMENT }, /* link without flag */
    { "c2e2f4730401c2e2f473", NYM_PACKET_ERROR_INVALID_FRAGMENT }, /* link to itself */
    { "f0ffffffffff80000000", NYM_PACKET_ERROR_INVALID_FRAGMENT }, /* link to set 0 (found by fuzzing) */
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = test_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      NymFragmentHeader header = { 0 };
      NymFragmentHeader untouched = { 0 };

      g_assert_false (nym_fragment_header_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                                  &header, NULL, &error));
      g_assert_error (error, NYM_PACKET_ERROR, cases[i].code);
      g_assert_cmpmem (&header, sizeof header, &untouched, sizeof untouched);
    }
  {
    g_autoptr(GError) error = NULL;
    static const uint8_t negative[5] = { 0x80, 0, 0, 1, 1 };
    int32_t set_id = 7;
    uint8_t position = 7;

    g_assert_false (nym_fragment_id_decode (negative, &set_id, &position, &error));
    g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
    g_assert_cmpint (set_id, ==, 7);
  }
}

/* Splits len bytes and checks the fragments cover the message in order, with correct headers. */
static void
check_split (size_t len,
             size_t expected_sets,
             size_t expected_fragments)
{
  g_autofree uint8_t *message = g_malloc (len + 1);
  g_autoptr(GPtrArray) fragments = NULL;
  g_autoptr(GByteArray) joined = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  int32_t ids[8] = { 11, 22, 33, 44, 55, 66, 77, 88 };
  size_t set = 0;

  for (size_t i = 0; i < len; i++)
    message[i] = (uint8_t) (i * 7 + (i >> 8));
  g_assert_cmpuint (nym_fragment_set_count (len, CAPACITY), ==, expected_sets);
  g_assert_cmpuint (nym_fragment_count (len, CAPACITY, NULL), ==, expected_fragments);
  fragments = nym_fragment_split (message, len, CAPACITY, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fragments->len, ==, expected_fragments);
  for (guint i = 0; i < fragments->len; i++)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i);
      g_autoptr(NymFragment) parsed = NULL;
      size_t payload_len = 0;
      const uint8_t *payload = nym_fragment_payload (fragment, &payload_len);

      if (fragment->header.set_id != ids[set])
        set++;
      g_assert_cmpint (fragment->header.set_id, ==, ids[set]);
      g_assert_cmpuint (g_bytes_get_size (fragment->bytes), <=, CAPACITY);
      /* Links: back on fragment 1 of later sets, forward on fragment 255 of earlier sets. */
      g_assert_cmpint (fragment->header.previous_set_id, ==,
                       (fragment->header.current == 1 && set > 0) ? ids[set - 1] : 0);
      g_assert_cmpint (fragment->header.next_set_id, ==,
                       (fragment->header.current == 255 && set + 1 < expected_sets) ? ids[set + 1] : 0);
      if (fragment->header.current < fragment->header.total)
        g_assert_cmpuint (g_bytes_get_size (fragment->bytes), ==, CAPACITY);
      parsed = nym_fragment_parse (g_bytes_get_data (fragment->bytes, NULL), g_bytes_get_size (fragment->bytes), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (&parsed->header, sizeof parsed->header, &fragment->header, sizeof fragment->header);
      g_byte_array_append (joined, payload, (guint) payload_len);
    }
  g_assert_cmpuint (set + 1, ==, expected_sets);
  g_assert_cmpmem (joined->data, joined->len, message, len);
}

/* §17: one set up to 255·1604 bytes; the first and last of a chain carry 3 bytes less, middle sets 6. */
static void
test_split_boundaries (void)
{
  size_t set_max = 255 * 1604;
  size_t one_way = set_max - 3;
  size_t two_way = set_max - 6;

  check_split (0, 1, 1);
  check_split (1, 1, 1);
  check_split (1604, 1, 1);
  check_split (1605, 1, 2);
  check_split (5001, 1, 4);
  check_split (set_max, 1, 255);
  check_split (set_max + 1, 2, 256);
  check_split (2 * one_way, 2, 510);
  check_split (2 * one_way + 1, 3, 511);
  check_split (2 * one_way + two_way, 3, 765);
  check_split (2 * one_way + two_way + 1, 4, 766);
  /* §17 real capture: 410 001 + 1 bytes with padding fill 256 fragments. */
  check_split (410618, 2, 256);
}

/* Padding to nym_fragment_count's space fills every fragment exactly, for all sizes. */
static void
test_padding_fills (void)
{
  static const size_t lengths[] = { 1, 100, 1603, 1604, 1605, 409017, 409018, 409020, 818034, 818035, 1000000 };

  for (size_t s = 0; s < G_N_ELEMENTS (nym_packet_sphinx_sizes); s++)
    {
      size_t capacity = nym_packet_size_fragment_capacity (nym_packet_sphinx_sizes[s]);

      if (capacity == 0)
        continue;
      for (size_t i = 0; i < G_N_ELEMENTS (lengths); i++)
        {
          g_autofree uint8_t *message = g_malloc0 (lengths[i]);
          g_autoptr(GByteArray) padded = nym_message_pad (message, lengths[i], capacity);
          g_autoptr(GPtrArray) fragments = NULL;
          g_autoptr(GError) error = NULL;
          size_t count = nym_fragment_count (padded->len, capacity, NULL);
          size_t space = 99;

          fragments = nym_fragment_split (padded->data, padded->len, capacity, NULL, 0, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (fragments->len, ==, count);
          (void) nym_fragment_count (padded->len, capacity, &space);
          g_assert_cmpuint (space, ==, 0);
          for (guint k = 0; k < fragments->len; k++)
            g_assert_cmpuint (g_bytes_get_size (((NymFragment *) g_ptr_array_index (fragments, k))->bytes), ==, capacity);
        }
    }
}

static void
test_set_ids (void)
{
  g_autofree uint8_t *message = g_malloc0 (2 * 255 * 1604);
  g_autoptr(GError) error = NULL;
  int32_t same[2] = { 5, 5 };
  int32_t negative[2] = { 5, -5 };
  g_autoptr(GPtrArray) fragments = NULL;

  g_assert_null (nym_fragment_split (message, 2 * 255 * 1604, CAPACITY, same, 1, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
  g_clear_error (&error);
  g_assert_null (nym_fragment_split (message, 2 * 255 * 1604, CAPACITY, same, 2, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
  g_clear_error (&error);
  g_assert_null (nym_fragment_split (message, 2 * 255 * 1604, CAPACITY, negative, 2, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
  g_clear_error (&error);
  g_assert_null (nym_fragment_split (message, 10, 10, NULL, 0, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
  g_clear_error (&error);

  for (int i = 0; i < 1000; i++)
    g_assert_cmpint (nym_fragment_new_set_id (), >, 0);
  fragments = nym_fragment_split (message, 2 * 255 * 1604, CAPACITY, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((NymFragment *) g_ptr_array_index (fragments, 0))->header.set_id, !=,
                   ((NymFragment *) g_ptr_array_index (fragments, fragments->len - 1))->header.set_id);
}

/*
 * §24 V6: the fragment counts and left-over space that chunking/src/lib.rs expects, for a set of
 * capacities including tiny ones (F = 17 leaves 10 bytes unlinked, 7 linked) and 2048 − 386 − 19.
 */
static void
test_count_reference_cases (void)
{
  static const size_t capacities[] = { 17, 2048 - 386 - 19, 20, 42, 10000, CAPACITY };

  for (size_t c = 0; c < G_N_ELEMENTS (capacities); c++)
    {
      size_t cap = capacities[c];
      size_t unlinked = cap - 7;
      size_t linked = cap - 10;
      size_t edge = 255 * unlinked - 3;
      size_t middle = 255 * unlinked - 6;
      struct
      {
        size_t len;
        size_t fragments;
        size_t space;
      } cases[] = {
        { unlinked - 5, 1, 5 },
        { unlinked, 1, 0 },
        { unlinked + 1, 2, unlinked - 1 },
        { 2 * unlinked, 2, 0 },
        { 42 * unlinked - 5, 42, 5 },
        { 42 * unlinked, 42, 0 },
        { edge + linked - 1, 256, 1 },
        { edge + linked, 256, 0 },
        { edge + linked + 41 * unlinked - 5, 255 + 42, 5 },
        { edge + linked + 41 * unlinked, 255 + 42, 0 },
        { edge + 8 * middle + linked - 1, 9 * 255 + 1, 1 },
        { edge + 8 * middle + linked, 9 * 255 + 1, 0 },
        { edge + 8 * middle + linked + 41 * unlinked - 5, 9 * 255 + 42, 5 },
        { edge + 8 * middle + linked + 41 * unlinked, 9 * 255 + 42, 0 },
      };

      for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          size_t space = 12345;

          g_assert_cmpuint (nym_fragment_count (cases[i].len, cap, &space), ==, cases[i].fragments);
          g_assert_cmpuint (space, ==, cases[i].space);
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/chunking/header/vectors", test_header_vectors);
  g_test_add_func ("/chunking/header/invalid", test_header_invalid);
  g_test_add_func ("/chunking/split/boundaries", test_split_boundaries);
  g_test_add_func ("/chunking/split/padding-fills", test_padding_fills);
  g_test_add_func ("/chunking/split/set-ids", test_set_ids);
  g_test_add_func ("/chunking/count/reference-cases", test_count_reference_cases);
  return g_test_run ();
}
