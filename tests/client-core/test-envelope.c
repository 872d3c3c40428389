/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the NymMessage envelope, reply SURB lists, sender tags and padding (spec nym-packet.md §17, §20). */
#include "packet/nym-message.h"
#include "packet/nym-packet-size.h"
#include "packet/nym-reply-surb.h"
#include "packet-test-util.h"

static void
random_surb (NymReplySurb *surb,
             unsigned      hops,
             bool          seeds)
{
  memset (surb, 0, sizeof *surb);
  nym_random_bytes (surb->key, sizeof surb->key);
  nym_random_bytes (surb->header, sizeof surb->header);
  memset (surb->first_hop, 0, 32);
  surb->first_hop[0] = 4;
  surb->first_hop[2] = 80;
  surb->hops = hops;
  surb->uses_seeds = seeds;
  nym_random_bytes (surb->material, hops * (seeds ? 16 : 192));
}

static void
assert_same_surbs (GArray             *got,
                   const NymReplySurb *expected,
                   size_t              count)
{
  g_assert_cmpuint (got->len, ==, count);
  for (size_t i = 0; i < count; i++)
    {
      const NymReplySurb *a = &g_array_index (got, NymReplySurb, i);
      const NymReplySurb *b = &expected[i];

      g_assert_cmpmem (a->key, 16, b->key, 16);
      g_assert_cmpmem (a->header, sizeof a->header, b->header, sizeof b->header);
      g_assert_cmpmem (a->first_hop, 32, b->first_hop, 32);
      g_assert_cmpuint (a->hops, ==, b->hops);
      g_assert_cmpint (a->uses_seeds, ==, b->uses_seeds);
      g_assert_cmpmem (a->material, a->hops * (a->uses_seeds ? 16 : 192), b->material, b->hops * (b->uses_seeds ? 16 : 192));
    }
}

static NymMessage *
round_trip (const NymMessage *message,
            size_t            expected_len)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GError) error = NULL;
  NymMessage *parsed;

  bytes = nym_message_to_bytes (message, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bytes->len, ==, expected_len);
  g_assert_cmpuint (bytes->data[0], ==, message->type);
  parsed = nym_message_parse (bytes->data, bytes->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->type, ==, message->type);
  g_assert_cmpuint (parsed->content_tag, ==, message->content_tag);
  if (message->data != NULL)
    g_assert_true (g_bytes_equal (parsed->data, message->data));
  else
    g_assert_null (parsed->data);
  return parsed;
}

static void
test_plain (void)
{
  g_autoptr(NymMessage) message = nym_message_new_plain ((const uint8_t *) "hello nymph", 11);
  g_autoptr(NymMessage) parsed = round_trip (message, 12);
  g_autoptr(NymMessage) empty = nym_message_new_plain (NULL, 0);
  g_autoptr(NymMessage) empty_parsed = round_trip (empty, 1);

  g_assert_cmpuint (g_bytes_get_size (empty_parsed->data), ==, 0);
}

/* §17: V2 = count u16 ‖ hops u8 ‖ rotation u8 ‖ SURBs (460 bytes each for 4 hops). */
static void
test_repliable_v2 (void)
{
  NymReplySurb surbs[3];
  uint8_t tag[16];
  g_autoptr(NymMessage) data = NULL;
  g_autoptr(NymMessage) parsed = NULL;
  g_autoptr(NymMessage) additional = NULL;
  g_autoptr(NymMessage) additional_parsed = NULL;
  g_autoptr(NymMessage) heartbeat = NULL;
  g_autoptr(NymMessage) heartbeat_parsed = NULL;
  g_autoptr(GByteArray) bytes = NULL;

  nym_sender_tag_new_random (tag);
  for (size_t i = 0; i < G_N_ELEMENTS (surbs); i++)
    random_surb (&surbs[i], 4, true);
  g_assert_cmpuint (nym_reply_surb_len (&surbs[0]), ==, 460);

  data = nym_message_new_repliable (tag, NYM_REPLIABLE_DATA_V2, surbs, 2, NYM_KEY_ROTATION_ODD,
                                    (const uint8_t *) "anonymous hello", 15);
  bytes = nym_message_to_bytes (data, NULL);
  /* 01 ‖ tag ‖ 03 ‖ 00 02 04 01 ‖ SURBs ‖ data, as the real client sends it. */
  g_assert_cmpuint (bytes->data[0], ==, 1);
  g_assert_cmpmem (bytes->data + 1, 16, tag, 16);
  g_assert_cmpuint (bytes->data[17], ==, 3);
  g_assert_cmpuint (bytes->data[18], ==, 0);
  g_assert_cmpuint (bytes->data[19], ==, 2);
  g_assert_cmpuint (bytes->data[20], ==, 4);
  g_assert_cmpuint (bytes->data[21], ==, 1);
  parsed = round_trip (data, 1 + 16 + 1 + 4 + 2 * 460 + 15);
  g_assert_cmpmem (parsed->sender_tag, 16, tag, 16);
  g_assert_cmpint (parsed->surb_rotation, ==, NYM_KEY_ROTATION_ODD);
  assert_same_surbs (parsed->reply_surbs, surbs, 2);

  additional = nym_message_new_repliable (tag, NYM_REPLIABLE_ADDITIONAL_SURBS_V2, surbs, 3,
                                          NYM_KEY_ROTATION_EVEN, NULL, 0);
  additional_parsed = round_trip (additional, 1 + 16 + 1 + 4 + 3 * 460);
  assert_same_surbs (additional_parsed->reply_surbs, surbs, 3);
  heartbeat = nym_message_new_repliable (tag, NYM_REPLIABLE_HEARTBEAT_V2, NULL, 0, NYM_KEY_ROTATION_EVEN, NULL, 0);
  heartbeat_parsed = round_trip (heartbeat, 1 + 16 + 1 + 4);
  g_assert_cmpuint (heartbeat_parsed->reply_surbs->len, ==, 0);
}

/* §17: V1 = count u32 ‖ 1164-byte SURBs (4 hops of 192-byte keys); still parsed. */
static void
test_repliable_v1 (void)
{
  NymReplySurb surbs[2];
  uint8_t tag[16];
  g_autoptr(NymMessage) data = NULL;
  g_autoptr(NymMessage) parsed = NULL;
  g_autoptr(NymMessage) seeds = NULL;
  g_autoptr(GError) error = NULL;

  nym_sender_tag_new_random (tag);
  random_surb (&surbs[0], 4, false);
  random_surb (&surbs[1], 4, false);
  g_assert_cmpuint (nym_reply_surb_len (&surbs[0]), ==, NYM_REPLY_SURB_V1_LEN);
  g_assert_cmpuint (NYM_REPLY_SURB_V1_LEN, ==, 1164);
  data = nym_message_new_repliable (tag, NYM_REPLIABLE_DATA_V1, surbs, 2, NYM_KEY_ROTATION_UNKNOWN,
                                    (const uint8_t *) "x", 1);
  parsed = round_trip (data, 1 + 16 + 1 + 4 + 2 * 1164 + 1);
  assert_same_surbs (parsed->reply_surbs, surbs, 2);

  /* A V1 list cannot hold seed SURBs. */
  random_surb (&surbs[0], 4, true);
  seeds = nym_message_new_repliable (tag, NYM_REPLIABLE_DATA_V1, surbs, 1, NYM_KEY_ROTATION_UNKNOWN,
                                     (const uint8_t *) "x", 1);
  g_assert_null (nym_message_to_bytes (seeds, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB);
}

static void
test_reply (void)
{
  NymRecipient recipient;
  g_autoptr(NymMessage) data = nym_message_new_reply_data ((const uint8_t *) "reply sent", 10);
  g_autoptr(NymMessage) data_parsed = round_trip (data, 12);
  g_autoptr(NymMessage) request = NULL;
  g_autoptr(NymMessage) request_parsed = NULL;
  g_autoptr(GByteArray) bytes = NULL;

  nym_random_bytes ((uint8_t *) &recipient, sizeof recipient);
  request = nym_message_new_surb_request (&recipient, 10);
  bytes = nym_message_to_bytes (request, NULL);
  /* 02 01 ‖ recipient(96) ‖ 00 00 00 0a */
  g_assert_cmpuint (bytes->len, ==, 102);
  g_assert_cmpuint (bytes->data[0], ==, 2);
  g_assert_cmpuint (bytes->data[1], ==, 1);
  g_assert_cmpuint (bytes->data[101], ==, 10);
  request_parsed = round_trip (request, 102);
  g_assert_true (nym_recipient_equal (&request_parsed->surb_request_recipient, &recipient));
  g_assert_cmpuint (request_parsed->surb_request_amount, ==, 10);
}

static void
test_parse_invalid (void)
{
  NymReplySurb surb;
  uint8_t tag[16] = { 0 };
  g_autoptr(NymMessage) good = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  g_autoptr(GByteArray) bad_hops = NULL;
  g_autoptr(GByteArray) bad_rotation = NULL;
  g_autoptr(GByteArray) trailing = NULL;
  static const uint8_t type3[] = { 3, 1, 2 };
  static const uint8_t short_repliable[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 };
  static const uint8_t bad_content[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 4, 1 };
  static const uint8_t reply_bad_tag[] = { 2, 2, 1 };
  static const uint8_t reply_empty[] = { 2, 0 };
  static const uint8_t reply_no_tag[] = { 2 };
  static const uint8_t surb_request_short[] = { 2, 1, 1, 2, 3 };
  struct
  {
    const uint8_t *bytes;
    size_t         len;
    int            code;
  } cases[16];
  size_t n = 0;

  random_surb (&surb, 4, true);
  good = nym_message_new_repliable (tag, NYM_REPLIABLE_DATA_V2, &surb, 1, NYM_KEY_ROTATION_ODD,
                                    (const uint8_t *) "abc", 3);
  bytes = nym_message_to_bytes (good, NULL);
  bad_hops = g_byte_array_new ();
  g_byte_array_append (bad_hops, bytes->data, bytes->len);
  bad_hops->data[20] = 0;
  bad_rotation = g_byte_array_new ();
  g_byte_array_append (bad_rotation, bytes->data, bytes->len);
  bad_rotation->data[21] = 3;
  trailing = g_byte_array_new ();
  {
    g_autoptr(NymMessage) additional = nym_message_new_repliable (tag, NYM_REPLIABLE_ADDITIONAL_SURBS_V2, &surb, 1,
                                                                  NYM_KEY_ROTATION_ODD, NULL, 0);
    g_autoptr(GByteArray) additional_bytes = nym_message_to_bytes (additional, NULL);

    g_byte_array_append (trailing, additional_bytes->data, additional_bytes->len);
    g_byte_array_append (trailing, (const uint8_t *) "x", 1);
  }

  cases[n++] = (typeof (cases[0])) { (const uint8_t *) "", 0, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { type3, sizeof type3, NYM_PACKET_ERROR_UNKNOWN_TYPE };
  cases[n++] = (typeof (cases[0])) { short_repliable, sizeof short_repliable, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { bad_content, sizeof bad_content, NYM_PACKET_ERROR_UNKNOWN_TYPE };
  /* The SURB list claims one SURB but is cut short, by one byte and by a whole SURB. */
  cases[n++] = (typeof (cases[0])) { bytes->data, 1 + 16 + 1 + 4 + 459, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { bytes->data, 1 + 16 + 1 + 3, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { bad_hops->data, bad_hops->len, NYM_PACKET_ERROR_INVALID_SURB };
  cases[n++] = (typeof (cases[0])) { bad_rotation->data, bad_rotation->len, NYM_PACKET_ERROR_UNKNOWN_TYPE };
  cases[n++] = (typeof (cases[0])) { trailing->data, trailing->len, NYM_PACKET_ERROR_INVALID_MESSAGE };
  cases[n++] = (typeof (cases[0])) { reply_bad_tag, sizeof reply_bad_tag, NYM_PACKET_ERROR_UNKNOWN_TYPE };
  cases[n++] = (typeof (cases[0])) { reply_empty, sizeof reply_empty, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { reply_no_tag, sizeof reply_no_tag, NYM_PACKET_ERROR_TRUNCATED };
  cases[n++] = (typeof (cases[0])) { surb_request_short, sizeof surb_request_short, NYM_PACKET_ERROR_INVALID_MESSAGE };

  for (size_t i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      NymMessage *parsed = nym_message_parse (cases[i].bytes, cases[i].len, &error);

      g_assert_null (parsed);
      g_assert_error (error, NYM_PACKET_ERROR, cases[i].code);
    }
}

/* §17: "hello nymph" pads to one 1604-byte payload; 5000 bytes to 4 × 1604 with 1414 zeros. */
static void
test_padding (void)
{
  size_t capacity = nym_packet_size_fragment_capacity (NYM_PACKET_SIZE_REGULAR);
  g_autofree uint8_t *message = g_malloc0 (5001);
  g_autoptr(GByteArray) small = nym_message_pad (message, 12, capacity);
  g_autoptr(GByteArray) large = nym_message_pad (message, 5001, capacity);
  g_autoptr(GByteArray) full = nym_message_pad (message, 1603, capacity);
  g_autoptr(GByteArray) over = nym_message_pad (message, 1604, capacity);
  g_autoptr(GError) error = NULL;
  size_t len = 0;

  g_assert_cmpuint (small->len, ==, 1604);
  g_assert_cmpuint (small->data[12], ==, 1);
  g_assert_cmpuint (large->len, ==, 4 * 1604);
  g_assert_cmpuint (large->data[5001], ==, 1);
  g_assert_cmpuint (large->len - 5002, ==, 1414);
  g_assert_cmpuint (full->len, ==, 1604);
  g_assert_cmpuint (over->len, ==, 2 * 1604);
  g_assert_true (nym_message_unpadded_len (large->data, large->len, &len, &error));
  g_assert_cmpuint (len, ==, 5001);
  for (size_t size = 0; size < G_N_ELEMENTS (nym_packet_sphinx_sizes); size++)
    {
      size_t cap = nym_packet_size_fragment_capacity (nym_packet_sphinx_sizes[size]);

      if (cap == 0)
        continue;
      for (size_t n = 0; n < 3 * cap; n += 97)
        g_assert_cmpuint (nym_message_padded_len (n, cap) % (cap - 7), ==, 0);
    }
  g_assert_false (nym_message_unpadded_len (message, 100, &len, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_PADDING);
  g_assert_cmpuint (len, ==, 5001);
}

static void
test_sender_tag (void)
{
  uint8_t tag[16];
  uint8_t parsed[16];
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  nym_sender_tag_new_random (tag);
  text = nym_sender_tag_to_base58 (tag);
  g_assert_true (nym_sender_tag_from_base58 (text, parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (tag, 16, parsed, 16);
  g_assert_false (nym_sender_tag_from_base58 ("3yv4qTKVxC5Vqgtshzkcm8nT1q9zeETnj3RMDiaREeB5", parsed, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
  g_clear_error (&error);
  g_assert_false (nym_sender_tag_from_base58 ("0OIl", parsed, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_MESSAGE);
}

static void
test_reply_surb_bytes (void)
{
  NymReplySurb surb;
  NymReplySurb parsed;
  g_autofree char *text = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  random_surb (&surb, 4, true);
  text = nym_reply_surb_to_base58 (&surb);
  g_assert_true (nym_reply_surb_from_base58 (text, &parsed, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (parsed.key, 16, surb.key, 16);
  g_assert_cmpuint (parsed.hops, ==, 4);
  g_assert_true (parsed.uses_seeds);

  /* Key material that is neither whole seeds nor whole keys. */
  nym_reply_surb_to_bytes (&surb, bytes);
  g_assert_false (nym_reply_surb_from_bytes (bytes->data, bytes->len - 1, &parsed, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB);
  g_clear_error (&error);
  g_assert_false (nym_reply_surb_from_bytes (bytes->data, 16 + 380 + 15, &parsed, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB);
  g_clear_error (&error);
  random_surb (&surb, 4, false);
  g_byte_array_set_size (bytes, 0);
  nym_reply_surb_to_bytes (&surb, bytes);
  g_assert_true (nym_reply_surb_from_bytes (bytes->data, bytes->len, &parsed, &error));
  g_assert_false (parsed.uses_seeds);
  g_assert_false (nym_reply_surb_from_bytes (bytes->data, bytes->len - 16, &parsed, &error));
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_SURB);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add_func ("/envelope/plain", test_plain);
  g_test_add_func ("/envelope/repliable-v2", test_repliable_v2);
  g_test_add_func ("/envelope/repliable-v1", test_repliable_v1);
  g_test_add_func ("/envelope/reply", test_reply);
  g_test_add_func ("/envelope/parse-invalid", test_parse_invalid);
  g_test_add_func ("/envelope/padding", test_padding);
  g_test_add_func ("/envelope/sender-tag", test_sender_tag);
  g_test_add_func ("/envelope/reply-surb-bytes", test_reply_surb_bytes);
  return g_test_run ();
}
