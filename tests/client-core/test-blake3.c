/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the BLAKE3 implementation against the official test vectors, with every way of splitting the input. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-blake3.h"
#include "crypto-test-vectors.h"

typedef enum
{
  MODE_HASH,
  MODE_KEYED,
  MODE_DERIVE,
} Blake3Mode;

typedef struct
{
  JsonParser *parser;
  JsonArray  *cases;
  uint8_t     key[32];
  const char *context;
} VectorsFixture;

static void
vectors_setup (VectorsFixture *fixture,
               gconstpointer   user_data)
{
  JsonObject *root;
  const char *key;

  fixture->parser = crypto_test_load_json ("blake3-test-vectors.json");
  root = json_node_get_object (json_parser_get_root (fixture->parser));
  fixture->cases = json_object_get_array_member (root, "cases");
  key = json_object_get_string_member (root, "key");
  g_assert_cmpuint (strlen (key), ==, 32);
  memcpy (fixture->key, key, 32);
  fixture->context = json_object_get_string_member (root, "context_string");
  g_assert_nonnull (fixture->context);
}

static void
vectors_teardown (VectorsFixture *fixture,
                  gconstpointer   user_data)
{
  g_clear_object (&fixture->parser);
}

/* The official vectors hash a repeating 0, 1, ..., 250 pattern. */
static uint8_t *
pattern_input (size_t len)
{
  uint8_t *input = g_malloc (len + 1);

  for (size_t i = 0; i < len; i++)
    input[i] = (uint8_t) (i % 251);
  return input;
}

static void
start (NymBlake3            *hasher,
       Blake3Mode            mode,
       const VectorsFixture *fixture)
{
  switch (mode)
    {
    case MODE_HASH:
      nym_blake3_init (hasher);
      break;
    case MODE_KEYED:
      nym_blake3_init_keyed (hasher, fixture->key);
      break;
    case MODE_DERIVE:
      nym_blake3_init_derive_key (hasher, fixture->context);
      break;
    default:
      g_assert_not_reached ();
    }
}

static const char *
mode_member (Blake3Mode mode)
{
  return mode == MODE_HASH ? "hash" : mode == MODE_KEYED ? "keyed_hash" : "derive_key";
}

/* Hashes input by feeding it in pieces whose lengths cycle through splits[], so that block
 * (64 B) and chunk (1024 B) boundaries fall at every position relative to the updates. */
static void
hash_split (Blake3Mode            mode,
            const VectorsFixture *fixture,
            const uint8_t        *input,
            size_t                len,
            const size_t         *splits,
            size_t                n_splits,
            uint8_t              *out,
            size_t                out_len)
{
  NymBlake3 hasher;
  size_t pos = 0;

  start (&hasher, mode, fixture);
  for (size_t i = 0; pos < len; i++)
    {
      size_t take = splits[i % n_splits];

      if (take > len - pos)
        take = len - pos;
      nym_blake3_update (&hasher, input + pos, take);
      pos += take;
    }
  nym_blake3_finalize (&hasher, out, out_len);
}

static void
check_case (const VectorsFixture *fixture,
            JsonObject           *test_case,
            Blake3Mode            mode)
{
  static const size_t one_shot[] = { G_MAXSIZE };
  static const size_t bytewise[] = { 1 };
  static const size_t awkward[] = { 63, 1, 65, 1023, 2, 1025, 64, 1024, 7, 3000 };
  static const size_t block_edges[] = { 64, 960, 1, 1023 };
  const size_t *split_sets[] = { one_shot, bytewise, awkward, block_edges };
  const size_t split_lens[] = { 1, 1, G_N_ELEMENTS (awkward), G_N_ELEMENTS (block_edges) };
  size_t len = (size_t) json_object_get_int_member (test_case, "input_len");
  g_autofree uint8_t *input = pattern_input (len);
  g_autoptr(GBytes) expected = crypto_test_json_hex (test_case, mode_member (mode));
  size_t expected_len = g_bytes_get_size (expected);
  g_autofree uint8_t *out = g_malloc (expected_len);
  size_t random_splits[8];

  for (size_t i = 0; i < G_N_ELEMENTS (random_splits); i++)
    random_splits[i] = (size_t) g_test_rand_int_range (1, 2100);

  for (size_t s = 0; s < G_N_ELEMENTS (split_sets); s++)
    {
      /* Byte-by-byte updates of the 100 KiB input would only repeat the shorter cases. */
      if (split_sets[s] == bytewise && len > 9000)
        continue;
      memset (out, 0, expected_len);
      hash_split (mode, fixture, input, len, split_sets[s], split_lens[s], out, expected_len);
      crypto_test_assert_bytes (out, expected_len, expected);
    }

  memset (out, 0, expected_len);
  hash_split (mode, fixture, input, len, random_splits, G_N_ELEMENTS (random_splits),
              out, expected_len);
  crypto_test_assert_bytes (out, expected_len, expected);

  /* The default output is the first 32 bytes of the extended output. */
  if (mode == MODE_HASH)
    {
      uint8_t digest[32];

      nym_blake3 (input, len, digest);
      g_assert_cmpmem (digest, sizeof digest, g_bytes_get_data (expected, NULL), 32);
    }
}

static void
test_blake3_official (VectorsFixture *fixture,
                      gconstpointer   user_data)
{
  Blake3Mode mode = GPOINTER_TO_INT (user_data);
  unsigned n = json_array_get_length (fixture->cases);

  g_assert_cmpuint (n, >=, 22);
  for (unsigned i = 0; i < n; i++)
    check_case (fixture, json_array_get_object_element (fixture->cases, i), mode);
}

/* The brief's list of lengths must all be present in the stored vector file. */
static void
test_blake3_lengths_present (VectorsFixture *fixture,
                             gconstpointer   user_data)
{
  static const gint64 wanted[] = { 0, 1, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097,
                                   5120, 5121, 6144, 6145, 7168, 7169, 8192, 8193, 16384,
                                   31744, 102400 };

  for (size_t w = 0; w < G_N_ELEMENTS (wanted); w++)
    {
      gboolean found = FALSE;

      for (unsigned i = 0; i < json_array_get_length (fixture->cases); i++)
        {
          JsonObject *test_case = json_array_get_object_element (fixture->cases, i);

          if (json_object_get_int_member (test_case, "input_len") == wanted[w])
            found = TRUE;
        }
      g_assert_true (found);
    }
}

/* Every prefix of the extended output is the output of that length. */
static void
test_blake3_xof_prefixes (VectorsFixture *fixture,
                          gconstpointer   user_data)
{
  g_autofree uint8_t *input = pattern_input (3073);
  uint8_t full[300];
  NymBlake3 hasher;

  nym_blake3_init (&hasher);
  nym_blake3_update (&hasher, input, 3073);
  nym_blake3_finalize (&hasher, full, sizeof full);

  for (size_t len = 0; len <= sizeof full; len++)
    {
      uint8_t part[300];

      memset (part, 0xee, sizeof part);
      nym_blake3_finalize (&hasher, part, len);
      g_assert_cmpmem (part, len, full, len);
      for (size_t i = len; i < sizeof part; i++)
        g_assert_cmpuint (part[i], ==, 0xee);
    }
}

/* finalize() does not consume the hasher: more input may follow and the result is that of
 * the whole input. */
static void
test_blake3_finalize_then_update (VectorsFixture *fixture,
                                  gconstpointer   user_data)
{
  g_autofree uint8_t *input = pattern_input (5000);
  uint8_t early[32], late[32], expected_early[32], expected_late[32];
  NymBlake3 hasher;

  nym_blake3 (input, 2048, expected_early);
  nym_blake3 (input, 5000, expected_late);

  nym_blake3_init (&hasher);
  nym_blake3_update (&hasher, input, 2048);
  nym_blake3_finalize (&hasher, early, sizeof early);
  nym_blake3_update (&hasher, input + 2048, 5000 - 2048);
  nym_blake3_finalize (&hasher, late, sizeof late);

  g_assert_cmpmem (early, sizeof early, expected_early, sizeof expected_early);
  g_assert_cmpmem (late, sizeof late, expected_late, sizeof expected_late);
}

/* A deeper tree than the vectors reach (over 1000 chunks, an uneven count) must not depend
 * on how the input was split either. */
static void
test_blake3_large_tree (VectorsFixture *fixture,
                        gconstpointer   user_data)
{
  size_t len = 1025 * 1024 + 513;
  g_autofree uint8_t *input = pattern_input (len);
  uint8_t reference[64], out[64];
  NymBlake3 hasher;
  size_t pos = 0;

  nym_blake3_init_keyed (&hasher, fixture->key);
  nym_blake3_update (&hasher, input, len);
  nym_blake3_finalize (&hasher, reference, sizeof reference);

  nym_blake3_init_keyed (&hasher, fixture->key);
  while (pos < len)
    {
      size_t take = (size_t) g_test_rand_int_range (1, 5000);

      if (take > len - pos)
        take = len - pos;
      nym_blake3_update (&hasher, input + pos, take);
      pos += take;
    }
  nym_blake3_finalize (&hasher, out, sizeof out);
  g_assert_cmpmem (out, sizeof out, reference, sizeof reference);

  /* And a one-byte change anywhere changes the hash. */
  input[len / 2] ^= 1;
  nym_blake3_init_keyed (&hasher, fixture->key);
  nym_blake3_update (&hasher, input, len);
  nym_blake3_finalize (&hasher, out, sizeof out);
  g_assert_true (memcmp (out, reference, sizeof out) != 0);
}

/* nym-packet.md §24 V3: the reply-key digest BLAKE3(16 × 0x01). */
static void
test_blake3_spec_reply_digest (void)
{
  static const uint8_t ones[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  g_autoptr(GBytes) expected =
    crypto_test_hex ("4c6343d67f36fad1677f2f455cfcc6a7bc3fec6e63522d18c4a183d0a106ec95");
  uint8_t digest[32];

  nym_blake3 (ones, sizeof ones, digest);
  crypto_test_assert_bytes (digest, sizeof digest, expected);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/blake3/official/hash", VectorsFixture, GINT_TO_POINTER (MODE_HASH),
              vectors_setup, test_blake3_official, vectors_teardown);
  g_test_add ("/blake3/official/keyed-hash", VectorsFixture, GINT_TO_POINTER (MODE_KEYED),
              vectors_setup, test_blake3_official, vectors_teardown);
  g_test_add ("/blake3/official/derive-key", VectorsFixture, GINT_TO_POINTER (MODE_DERIVE),
              vectors_setup, test_blake3_official, vectors_teardown);
  g_test_add ("/blake3/official/lengths-present", VectorsFixture, NULL,
              vectors_setup, test_blake3_lengths_present, vectors_teardown);
  g_test_add ("/blake3/xof/prefixes", VectorsFixture, NULL,
              vectors_setup, test_blake3_xof_prefixes, vectors_teardown);
  g_test_add ("/blake3/incremental/finalize-then-update", VectorsFixture, NULL,
              vectors_setup, test_blake3_finalize_then_update, vectors_teardown);
  g_test_add ("/blake3/incremental/large-tree", VectorsFixture, NULL,
              vectors_setup, test_blake3_large_tree, vectors_teardown);
  g_test_add_func ("/blake3/spec/reply-key-digest", test_blake3_spec_reply_digest);

  return g_test_run ();
}
