/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests BIP39: the word list, the Trezor vectors, generation, and every kind of bad mnemonic. */
#include <sodium.h>

#include "crypto/nyx-bip39.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"

typedef struct
{
  GPtrArray *records;
} VectorFixture;

static void
vector_setup (VectorFixture *fixture,
              gconstpointer  data)
{
  fixture->records = nyx_test_load_records (data, 4);
}

static void
vector_teardown (VectorFixture *fixture,
                 gconstpointer  data)
{
  g_ptr_array_unref (fixture->records);
}

/* The compiled list must be the data file, and the data file the published list. */
static void
test_wordlist_matches_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "wallet", "data", "bip39-english.txt", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *digest = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
  g_assert_cmpstr (digest, ==, "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda");

  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, NYX_BIP39_WORDLIST_SIZE + 1);
  for (unsigned int i = 0; i < NYX_BIP39_WORDLIST_SIZE; i++)
    {
      g_assert_cmpstr (nyx_bip39_word (i), ==, lines[i]);
      g_assert_cmpint (nyx_bip39_word_index (lines[i], strlen (lines[i])), ==, (int) i);
    }
  g_assert_null (nyx_bip39_word (NYX_BIP39_WORDLIST_SIZE));
  g_assert_cmpint (nyx_bip39_word_index ("abandonx", 8), ==, -1);
  g_assert_cmpint (nyx_bip39_word_index ("aban", 4), ==, -1);
  g_assert_cmpint (nyx_bip39_word_index ("zzz", 3), ==, -1);
  g_assert_cmpint (nyx_bip39_word_index ("", 0), ==, -1);
  /* A prefix of a longer buffer is looked up by its length only. */
  g_assert_cmpint (nyx_bip39_word_index ("zoozoo", 3), ==, 2047);
}

static void
test_trezor_vectors (VectorFixture *fixture,
                     gconstpointer  data)
{
  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      g_autoptr(GBytes) entropy = nyx_test_hex (v[0]);
      g_autoptr(GError) error = NULL;
      uint8_t seed[NYX_BIP39_SEED_SIZE];
      uint8_t decoded[NYX_BIP39_MAX_ENTROPY_SIZE];
      size_t decoded_len = 0;
      char *mnemonic;

      mnemonic = nyx_bip39_mnemonic_from_entropy (g_bytes_get_data (entropy, NULL),
                                                  g_bytes_get_size (entropy), &error);
      g_assert_no_error (error);
      g_assert_cmpmem (mnemonic, strlen (mnemonic), v[1], strlen (v[1]));
      nyx_bip39_mnemonic_free (mnemonic);

      g_assert_true (nyx_bip39_validate (v[1], &error));
      g_assert_no_error (error);
      g_assert_true (nyx_bip39_to_entropy (v[1], decoded, &decoded_len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (decoded, decoded_len, g_bytes_get_data (entropy, NULL), g_bytes_get_size (entropy));

      g_assert_true (nyx_bip39_to_seed (v[1], "TREZOR", seed, &error));
      g_assert_no_error (error);
      nyx_test_assert_hex (seed, sizeof seed, v[2]);
    }
}

/* Spec nyx-wallet.md §2.2: the seeds with the empty passphrase nym-wallet uses. */
static void
test_nyx_seeds (void)
{
  g_autoptr(GPtrArray) records = nyx_test_load_records ("nyx-keys.vectors", 5);

  for (guint i = 0; i < records->len; i++)
    {
      char **v = g_ptr_array_index (records, i);
      g_autoptr(GError) error = NULL;
      uint8_t seed[NYX_BIP39_SEED_SIZE];
      uint8_t seed_null[NYX_BIP39_SEED_SIZE];

      g_assert_true (nyx_bip39_to_seed (v[0], "", seed, &error));
      g_assert_no_error (error);
      nyx_test_assert_hex (seed, sizeof seed, v[1]);
      /* NULL is the empty passphrase. */
      g_assert_true (nyx_bip39_to_seed (v[0], NULL, seed_null, &error));
      g_assert_cmpmem (seed, sizeof seed, seed_null, sizeof seed_null);
    }
}

static void
test_normalize (void)
{
  g_autoptr(GError) error = NULL;
  uint8_t seed_a[NYX_BIP39_SEED_SIZE], seed_b[NYX_BIP39_SEED_SIZE];
  unsigned int n = 0;
  char *canonical;

  /* White space of any kind and length, and upper case, give the canonical mnemonic. */
  canonical = nyx_bip39_normalize ("\n  Abandon\tabandon  abandon abandon abandon abandon abandon abandon "
                                   "abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                                   "abandon abandon abandon abandon abandon abandon ART \r\n", &n, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canonical, ==, ABANDON_ART);
  g_assert_cmpuint (n, ==, 24);
  nyx_bip39_mnemonic_free (canonical);

  g_assert_true (nyx_bip39_to_seed (ABANDON_ART, "", seed_a, &error));
  g_assert_true (nyx_bip39_to_seed ("  " ABANDON_ART "\n", "", seed_b, &error));
  g_assert_cmpmem (seed_a, sizeof seed_a, seed_b, sizeof seed_b);
}

/* The passphrase is NFKD-normalised: a precomposed and a decomposed "é" give the same seed. */
static void
test_passphrase_nfkd (void)
{
  g_autoptr(GError) error = NULL;
  uint8_t seed_a[NYX_BIP39_SEED_SIZE], seed_b[NYX_BIP39_SEED_SIZE];

  g_assert_true (nyx_bip39_to_seed (ABANDON_ART, "caf\xc3\xa9", seed_a, &error));
  g_assert_true (nyx_bip39_to_seed (ABANDON_ART, "cafe\xcc\x81", seed_b, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (seed_a, sizeof seed_a, seed_b, sizeof seed_b);
}

static void
test_generate (void)
{
  static const unsigned int counts[] = { 12, 15, 18, 21, 24 };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr(GError) error = NULL;
      char *a = nyx_bip39_generate (counts[i], &error);
      char *b = nyx_bip39_generate (counts[i], &error);
      char *canonical;
      unsigned int n = 0;

      g_assert_no_error (error);
      g_assert_nonnull (a);
      canonical = nyx_bip39_normalize (a, &n, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, counts[i]);
      g_assert_cmpstr (canonical, ==, a);
      /* Two fresh mnemonics are equal with probability 2^-128 or less. */
      g_assert_cmpstr (a, !=, b);
      nyx_bip39_mnemonic_free (canonical);
      nyx_bip39_mnemonic_free (a);
      nyx_bip39_mnemonic_free (b);
    }
}

typedef struct
{
  const char *mnemonic;
  int code;
  const char *must_contain[3];
} BadMnemonic;

static const BadMnemonic bad_mnemonics[] = {
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandonx",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 12", "abandonx", NULL } },
  { "abandon abandon abandno abandon abandon abandon abandon abandon abandon abandon abandon about",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 3", "abandno", NULL } },
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon ab0ut",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 12", "ab0ut", NULL } },
  { "abandon, abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 1", "abandon,", NULL } },
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandonabandon about",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 11", "abandonabandon", NULL } },
  { "\xc3\xa9t\xc3\xa9 abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    NYX_BIP39_ERROR_UNKNOWN_WORD, { "Word 1", "\xc3\xa9t\xc3\xa9", NULL } },
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    NYX_BIP39_ERROR_WORD_COUNT, { "11 words", NULL } },
  { "", NYX_BIP39_ERROR_WORD_COUNT, { "0 words", NULL } },
  { " \n\t ", NYX_BIP39_ERROR_WORD_COUNT, { "0 words", NULL } },
  { "abandon", NYX_BIP39_ERROR_WORD_COUNT, { "1 word;", NULL } },
  { ABANDON_ART " abandon", NYX_BIP39_ERROR_WORD_COUNT, { "25 words", NULL } },
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    NYX_BIP39_ERROR_WORD_COUNT, { "13 words", NULL } },
  { "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    NYX_BIP39_ERROR_CHECKSUM, { "checksum", NULL } },
  { "about abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    NYX_BIP39_ERROR_CHECKSUM, { "checksum", NULL } },
  { "\xff\xfe abandon", NYX_BIP39_ERROR_INVALID_TEXT, { "UTF-8", NULL } },
};

static void
test_bad_mnemonics (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_mnemonics); i++)
    {
      const BadMnemonic *bad = &bad_mnemonics[i];
      g_autoptr(GError) error = NULL;
      uint8_t seed[NYX_BIP39_SEED_SIZE];
      uint8_t untouched[NYX_BIP39_SEED_SIZE];
      uint8_t entropy[NYX_BIP39_MAX_ENTROPY_SIZE];
      size_t entropy_len = 1234;

      g_test_message ("bad mnemonic %u", i);
      g_assert_false (nyx_bip39_validate (bad->mnemonic, &error));
      g_assert_error (error, NYX_BIP39_ERROR, bad->code);
      for (guint j = 0; bad->must_contain[j] != NULL; j++)
        g_assert_nonnull (strstr (error->message, bad->must_contain[j]));
      g_clear_error (&error);

      /* Failing calls leave their outputs alone. */
      memset (seed, 0xaa, sizeof seed);
      memset (untouched, 0xaa, sizeof untouched);
      g_assert_false (nyx_bip39_to_seed (bad->mnemonic, "", seed, &error));
      g_assert_error (error, NYX_BIP39_ERROR, bad->code);
      g_assert_cmpmem (seed, sizeof seed, untouched, sizeof untouched);
      g_clear_error (&error);

      memset (entropy, 0xaa, sizeof entropy);
      g_assert_false (nyx_bip39_to_entropy (bad->mnemonic, entropy, &entropy_len, &error));
      g_assert_error (error, NYX_BIP39_ERROR, bad->code);
      g_assert_cmpuint (entropy_len, ==, 1234);
      g_assert_cmpmem (entropy, sizeof entropy, untouched, sizeof entropy);
      g_clear_error (&error);

      g_assert_null (nyx_bip39_normalize (bad->mnemonic, NULL, &error));
      g_assert_error (error, NYX_BIP39_ERROR, bad->code);
    }
}

static void
test_bad_entropy_and_counts (void)
{
  static const size_t bad_sizes[] = { 0, 12, 15, 17, 33, 64 };
  uint8_t entropy[64] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_sizes); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (nyx_bip39_mnemonic_from_entropy (entropy, bad_sizes[i], &error));
      g_assert_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_ENTROPY_SIZE);
    }
  for (unsigned int n = 0; n < 30; n++)
    {
      g_autoptr(GError) error = NULL;
      char *mnemonic;

      if (n >= 12 && n <= 24 && n % 3 == 0)
        continue;
      mnemonic = nyx_bip39_generate (n, &error);
      g_assert_null (mnemonic);
      g_assert_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_WORD_COUNT);
    }
}

static void
test_bad_passphrase (void)
{
  g_autoptr(GError) error = NULL;
  uint8_t seed[NYX_BIP39_SEED_SIZE];

  g_assert_false (nyx_bip39_to_seed (ABANDON_ART, "\xc3", seed, &error));
  g_assert_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/bip39/wordlist", test_wordlist_matches_file);
  g_test_add ("/bip39/trezor-vectors", VectorFixture, "bip39-trezor.vectors",
              vector_setup, test_trezor_vectors, vector_teardown);
  g_test_add_func ("/bip39/nyx-seeds", test_nyx_seeds);
  g_test_add_func ("/bip39/normalize", test_normalize);
  g_test_add_func ("/bip39/passphrase-nfkd", test_passphrase_nfkd);
  g_test_add_func ("/bip39/generate", test_generate);
  g_test_add_func ("/bip39/bad-mnemonics", test_bad_mnemonics);
  g_test_add_func ("/bip39/bad-entropy-and-counts", test_bad_entropy_and_counts);
  g_test_add_func ("/bip39/bad-passphrase", test_bad_passphrase);
  return g_test_run ();
}
