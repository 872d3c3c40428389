/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests reassembly of fragments in any order, with duplicates, gaps, linked sets and timeouts (spec nym-packet.md §17). */
#include "packet/nym-fragment.h"
#include "packet/nym-reassembler.h"
#include "packet-test-util.h"

#define CAPACITY 1611

typedef struct
{
  NymReassembler *reassembler;
  uint8_t        *message;
  size_t          len;
  GPtrArray      *fragments;
} Fixture;

/* A message of three linked sets (so both kinds of link occur), split with fixed ids. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  size_t len = GPOINTER_TO_SIZE (data);
  int32_t ids[4] = { 1001, 1002, 1003, 1004 };
  g_autoptr(GError) error = NULL;

  fixture->reassembler = nym_reassembler_new ();
  fixture->len = len;
  fixture->message = g_malloc (len);
  nym_random_bytes (fixture->message, len);
  fixture->fragments = nym_fragment_split (fixture->message, len, CAPACITY, ids, 4, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->reassembler, nym_reassembler_free);
  g_clear_pointer (&fixture->message, g_free);
  g_clear_pointer (&fixture->fragments, g_ptr_array_unref);
}

static NymReassemblyStatus
insert (Fixture     *fixture,
        guint        index,
        int64_t      now_us,
        GByteArray **message)
{
  NymFragment *fragment = g_ptr_array_index (fixture->fragments, index);
  g_autoptr(GError) error = NULL;
  NymReassemblyStatus status;

  status = nym_reassembler_insert (fixture->reassembler, g_bytes_get_data (fragment->bytes, NULL),
                                   g_bytes_get_size (fragment->bytes), now_us, message, &error);
  g_assert_no_error (error);
  return status;
}

/* Inserts every fragment in the given order; only the last insert completes the message. */
static void
insert_all (Fixture     *fixture,
            const guint *order)
{
  g_autoptr(GByteArray) message = NULL;

  for (guint i = 0; i < fixture->fragments->len; i++)
    {
      NymReassemblyStatus status = insert (fixture, order[i], 0, &message);

      if (i + 1 < fixture->fragments->len)
        {
          g_assert_cmpint (status, ==, NYM_REASSEMBLY_PENDING);
          g_assert_null (message);
        }
      else
        g_assert_cmpint (status, ==, NYM_REASSEMBLY_COMPLETE);
    }
  g_assert_nonnull (message);
  g_assert_cmpmem (message->data, message->len, fixture->message, fixture->len);
  g_assert_cmpuint (nym_reassembler_pending_sets (fixture->reassembler), ==, 0);
}

static void
test_in_order (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree guint *order = g_new (guint, fixture->fragments->len);

  for (guint i = 0; i < fixture->fragments->len; i++)
    order[i] = i;
  insert_all (fixture, order);
}

static void
test_reverse (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree guint *order = g_new (guint, fixture->fragments->len);

  for (guint i = 0; i < fixture->fragments->len; i++)
    order[i] = fixture->fragments->len - 1 - i;
  insert_all (fixture, order);
}

static void
test_shuffled (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree guint *order = g_new (guint, fixture->fragments->len);

  for (guint i = 0; i < fixture->fragments->len; i++)
    order[i] = i;
  for (guint i = fixture->fragments->len; i > 1; i--)
    {
      uint8_t raw[4];
      guint j;
      guint tmp;

      nym_random_bytes (raw, sizeof raw);
      j = (((guint) raw[0] << 24) | ((guint) raw[1] << 16) | ((guint) raw[2] << 8) | raw[3]) % i;
      tmp = order[i - 1];
      order[i - 1] = order[j];
      order[j] = tmp;
    }
  insert_all (fixture, order);
}

/* A duplicate changes nothing; the message still completes once. */
static void
test_duplicates (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GByteArray) message = NULL;
  guint n = fixture->fragments->len;

  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_cmpint (insert (fixture, i, 0, &message), ==, NYM_REASSEMBLY_PENDING);
      g_assert_cmpint (insert (fixture, i, 0, &message), ==, NYM_REASSEMBLY_DUPLICATE);
      g_assert_null (message);
    }
  g_assert_cmpint (insert (fixture, n - 1, 0, &message), ==, NYM_REASSEMBLY_COMPLETE);
  g_assert_cmpmem (message->data, message->len, fixture->message, fixture->len);
  g_clear_pointer (&message, g_byte_array_unref);
  /* A late copy of any fragment (a retransmission whose ack was slow) after completion is a
   * duplicate too: it neither starts a new set nor delivers the message a second time, even
   * when every fragment of the message arrives again. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (insert (fixture, i, 0, &message), ==, NYM_REASSEMBLY_DUPLICATE);
      g_assert_null (message);
    }
  g_assert_cmpuint (nym_reassembler_pending_sets (fixture->reassembler), ==, 0);
}

/* The ids of delivered messages are forgotten after the timeout, and only then. */
static void
test_completed_ids_expire (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GByteArray) message = NULL;
  int64_t t0 = 1000 * G_USEC_PER_SEC;
  guint n = fixture->fragments->len;

  for (guint i = 0; i < n; i++)
    (void) insert (fixture, i, t0, &message);
  g_assert_nonnull (message);
  g_clear_pointer (&message, g_byte_array_unref);
  g_assert_cmpuint (nym_reassembler_expire (fixture->reassembler, t0 + NYM_REASSEMBLY_TIMEOUT_US - 1,
                                            NYM_REASSEMBLY_TIMEOUT_US), ==, 0);
  g_assert_cmpint (insert (fixture, 0, t0, &message), ==, NYM_REASSEMBLY_DUPLICATE);
  (void) nym_reassembler_expire (fixture->reassembler, t0 + NYM_REASSEMBLY_TIMEOUT_US, NYM_REASSEMBLY_TIMEOUT_US);
  /* Forgotten: the same set id is a new message again and can complete. */
  for (guint i = 0; i < n; i++)
    (void) insert (fixture, i, t0 + NYM_REASSEMBLY_TIMEOUT_US, &message);
  g_assert_nonnull (message);
  g_assert_cmpmem (message->data, message->len, fixture->message, fixture->len);
}

/* A missing fragment (in the middle of the chain) keeps the message incomplete. */
static void
test_missing (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GByteArray) message = NULL;
  guint n = fixture->fragments->len;
  guint missing = n / 2;

  for (guint i = 0; i < n; i++)
    if (i != missing)
      g_assert_cmpint (insert (fixture, i, 0, &message), ==, NYM_REASSEMBLY_PENDING);
  g_assert_null (message);
  g_assert_cmpuint (nym_reassembler_pending_sets (fixture->reassembler), >, 0);
  g_assert_cmpint (insert (fixture, missing, 0, &message), ==, NYM_REASSEMBLY_COMPLETE);
  g_assert_cmpmem (message->data, message->len, fixture->message, fixture->len);
}

/* §17: incomplete messages are dropped after 30 minutes without a new fragment. */
static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GByteArray) message = NULL;
  int64_t t0 = 1000 * G_USEC_PER_SEC;
  guint n = fixture->fragments->len;

  for (guint i = 0; i + 1 < n; i++)
    g_assert_cmpint (insert (fixture, i, t0, &message), ==, NYM_REASSEMBLY_PENDING);
  g_assert_cmpuint (nym_reassembler_expire (fixture->reassembler, t0 + NYM_REASSEMBLY_TIMEOUT_US - 1,
                                            NYM_REASSEMBLY_TIMEOUT_US), ==, 0);
  g_assert_cmpuint (nym_reassembler_expire (fixture->reassembler, t0 + NYM_REASSEMBLY_TIMEOUT_US,
                                            NYM_REASSEMBLY_TIMEOUT_US), >, 0);
  g_assert_cmpuint (nym_reassembler_pending_sets (fixture->reassembler), ==, 0);
  /* The last fragment alone no longer completes anything. */
  g_assert_cmpint (insert (fixture, n - 1, t0 + NYM_REASSEMBLY_TIMEOUT_US, &message), ==, NYM_REASSEMBLY_PENDING);
  g_assert_null (message);
}

static void
test_invalid (Fixture       *fixture,
              gconstpointer  data)
{
  NymFragment *first = g_ptr_array_index (fixture->fragments, 0);
  g_autoptr(GBytes) conflicting = NULL;
  g_autoptr(GByteArray) message = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t *copy;
  gsize len = 0;

  g_assert_cmpint (nym_reassembler_insert (fixture->reassembler, (const uint8_t *) "\x01\x02", 2, 0, &message, &error),
                   ==, NYM_REASSEMBLY_INVALID);
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_assert_cmpint (insert (fixture, 1, 0, &message), ==, NYM_REASSEMBLY_PENDING);
  /* The same set id with another fragment count. */
  len = g_bytes_get_size (first->bytes);
  copy = g_memdup2 (g_bytes_get_data (first->bytes, NULL), len);
  copy[4] = (uint8_t) (copy[4] - 1);
  conflicting = g_bytes_new_take (copy, len);
  g_assert_cmpint (nym_reassembler_insert (fixture->reassembler, g_bytes_get_data (conflicting, NULL), len, 0,
                                           &message, &error), ==, NYM_REASSEMBLY_INVALID);
  g_assert_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_FRAGMENT);
  g_assert_null (message);
  g_assert_cmpuint (nym_reassembler_pending_sets (fixture->reassembler), ==, 1);
}

/* Two messages interleaved complete independently. */
static void
test_interleaved (void)
{
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  uint8_t a[5000];
  uint8_t b[3000];
  int32_t id_a = 7;
  int32_t id_b = 8;
  g_autoptr(GPtrArray) fa = NULL;
  g_autoptr(GPtrArray) fb = NULL;
  unsigned completed = 0;

  nym_random_bytes (a, sizeof a);
  nym_random_bytes (b, sizeof b);
  fa = nym_fragment_split (a, sizeof a, CAPACITY, &id_a, 1, NULL);
  fb = nym_fragment_split (b, sizeof b, CAPACITY, &id_b, 1, NULL);
  for (guint i = 0; i < MAX (fa->len, fb->len); i++)
    {
      GPtrArray *lists[2] = { fa, fb };

      for (int l = 0; l < 2; l++)
        if (i < lists[l]->len)
          {
            NymFragment *fragment = g_ptr_array_index (lists[l], i);
            g_autoptr(GByteArray) message = NULL;
            g_autoptr(GError) error = NULL;

            if (nym_reassembler_insert (reassembler, g_bytes_get_data (fragment->bytes, NULL),
                                        g_bytes_get_size (fragment->bytes), 0, &message, &error)
                == NYM_REASSEMBLY_COMPLETE)
              {
                completed++;
                if (l == 0)
                  g_assert_cmpmem (message->data, message->len, a, sizeof a);
                else
                  g_assert_cmpmem (message->data, message->len, b, sizeof b);
              }
            g_assert_no_error (error);
          }
    }
  g_assert_cmpuint (completed, ==, 2);
}

/* A set whose back link does not match the previous set's forward link never completes. */
static void
test_broken_link (void)
{
  g_autoptr(NymReassembler) reassembler = nym_reassembler_new ();
  size_t len = 255 * 1604 + 100;
  g_autofree uint8_t *message = g_malloc0 (len);
  int32_t ids[2] = { 31, 32 };
  g_autoptr(GPtrArray) fragments = nym_fragment_split (message, len, CAPACITY, ids, 2, NULL);
  NymFragment *tail = g_ptr_array_index (fragments, fragments->len - 1);
  NymFragmentHeader forged = tail->header;
  g_autoptr(NymFragment) forged_fragment = NULL;
  size_t payload_len = 0;
  const uint8_t *payload = nym_fragment_payload (tail, &payload_len);
  g_autoptr(GByteArray) out = NULL;

  forged.previous_set_id = 99;
  forged_fragment = nym_fragment_new (&forged, payload, payload_len);
  for (guint i = 0; i + 1 < fragments->len; i++)
    {
      NymFragment *fragment = g_ptr_array_index (fragments, i);

      g_assert_cmpint (nym_reassembler_insert (reassembler, g_bytes_get_data (fragment->bytes, NULL),
                                               g_bytes_get_size (fragment->bytes), 0, &out, NULL),
                       ==, NYM_REASSEMBLY_PENDING);
    }
  g_assert_cmpint (nym_reassembler_insert (reassembler, g_bytes_get_data (forged_fragment->bytes, NULL),
                                           g_bytes_get_size (forged_fragment->bytes), 0, &out, NULL),
                   ==, NYM_REASSEMBLY_PENDING);
  g_assert_null (out);
}

int
main (int argc, char *argv[])
{
  size_t three_sets = 2 * (255 * 1604 - 3) + 5000;
  size_t one_set = 20000;

  g_test_init (&argc, &argv, NULL);
  test_init_core ();
  g_test_add ("/reassembly/one-set/in-order", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_in_order, fixture_tear_down);
  g_test_add ("/reassembly/one-set/reverse", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_reverse, fixture_tear_down);
  g_test_add ("/reassembly/one-set/duplicates", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_duplicates, fixture_tear_down);
  g_test_add ("/reassembly/one-set/missing", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_missing, fixture_tear_down);
  g_test_add ("/reassembly/one-set/timeout", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_timeout, fixture_tear_down);
  g_test_add ("/reassembly/one-set/invalid", Fixture, GSIZE_TO_POINTER (one_set), fixture_set_up, test_invalid, fixture_tear_down);
  g_test_add ("/reassembly/linked/in-order", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_in_order, fixture_tear_down);
  g_test_add ("/reassembly/linked/reverse", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_reverse, fixture_tear_down);
  g_test_add ("/reassembly/linked/shuffled", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_shuffled, fixture_tear_down);
  g_test_add ("/reassembly/linked/duplicates", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_duplicates, fixture_tear_down);
  g_test_add ("/reassembly/linked/completed-ids-expire", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_completed_ids_expire, fixture_tear_down);
  g_test_add ("/reassembly/linked/missing", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_missing, fixture_tear_down);
  g_test_add ("/reassembly/linked/timeout", Fixture, GSIZE_TO_POINTER (three_sets), fixture_set_up, test_timeout, fixture_tear_down);
  g_test_add_func ("/reassembly/interleaved", test_interleaved);
  g_test_add_func ("/reassembly/broken-link", test_broken_link);
  return g_test_run ();
}
