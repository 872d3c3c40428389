/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests NyxKeyDeriver: the spec §2.2 vectors through one deriver across re-blindings, agreement with the one-shot functions, and bad input. */
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-key-deriver.h"
#include "crypto/nyx-key-deriver-private.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"
/* Valid words, wrong checksum. */
#define BAD_CHECKSUM \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"

typedef struct
{
  NyxKeyDeriver *deriver;
  GPtrArray     *records;      /* nyx-keys.vectors */
  uint8_t       *private_key;  /* sodium_malloc()ed, as real callers keep it */
} DeriverFixture;

static void
deriver_setup (DeriverFixture *fixture,
               gconstpointer   data)
{
  g_autoptr(GError) error = NULL;

  fixture->deriver = nyx_key_deriver_new (&error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->deriver);
  fixture->records = nyx_test_load_records ("nyx-keys.vectors", 5);
  g_assert_cmpuint (fixture->records->len, >, 0);
  fixture->private_key = sodium_malloc (NYX_PRIVATE_KEY_SIZE);
  g_assert_nonnull (fixture->private_key);
}

static void
deriver_teardown (DeriverFixture *fixture,
                  gconstpointer   data)
{
  g_clear_pointer (&fixture->deriver, nyx_key_deriver_free);
  g_ptr_array_unref (fixture->records);
  sodium_free (fixture->private_key);
}

static void
assert_scratch_wiped (NyxKeyDeriver *deriver)
{
  size_t size = 0;
  const uint8_t *scratch = nyx_key_deriver_peek_scratch (deriver, &size);

  g_assert_nonnull (scratch);
  g_assert_cmpuint (size, >=, NYX_BIP39_SEED_SIZE + NYX_PRIVATE_KEY_SIZE);
  g_assert_true (sodium_is_zero (scratch, size));
}

/* The scratch block appears with the first mnemonic and holds nothing after each derivation. */
static void
test_new_and_free (DeriverFixture *fixture,
                   gconstpointer   data)
{
  g_autoptr(NyxKeyDeriver) other = NULL;
  g_autoptr(GError) error = NULL;
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  size_t size = 1;

  g_assert_null (nyx_key_deriver_peek_scratch (fixture->deriver, &size));
  g_assert_cmpuint (size, ==, 0);
  g_assert_cmpuint (nyx_key_deriver_get_blindings (fixture->deriver), ==, 1);

  g_assert_true (nyx_key_deriver_derive_account (fixture->deriver, ABANDON_ART, 0, public_key,
                                                 fixture->private_key, NULL, &error));
  g_assert_no_error (error);
  assert_scratch_wiped (fixture->deriver);

  /* Freeing a deriver that never derived a mnemonic, and freeing NULL, are fine. */
  other = nyx_key_deriver_new (&error);
  g_assert_no_error (error);
  nyx_key_deriver_free (NULL);
}

/*
 * Every vector, many times over through one deriver: more uses than three blindings cover,
 * so derivations right before and after each re-randomisation are checked byte for byte.
 */
static void
test_vectors_across_blindings (DeriverFixture *fixture,
                               gconstpointer   data)
{
  guint rounds = 3 * NYX_KEY_DERIVER_USES_PER_BLINDING + 1;
  guint uses = 0;

  for (guint round = 0; round < rounds; round++)
    for (guint i = 0; i < fixture->records->len; i++)
      {
        char **v = g_ptr_array_index (fixture->records, i);
        g_autofree char *address = NULL;
        g_autoptr(GError) error = NULL;
        uint8_t public_key[NYX_PUBLIC_KEY_SIZE];

        g_assert_true (nyx_key_deriver_derive_account (fixture->deriver, v[0], 0, public_key,
                                                       fixture->private_key, &address, &error));
        g_assert_no_error (error);
        uses++;
        nyx_test_assert_hex (fixture->private_key, NYX_PRIVATE_KEY_SIZE, v[2]);
        nyx_test_assert_hex (public_key, sizeof public_key, v[3]);
        g_assert_cmpmem (address, strlen (address), v[4], strlen (v[4]));
        assert_scratch_wiped (fixture->deriver);
        /* The first blinding covers the first uses; each later one the next batch. */
        g_assert_cmpuint (nyx_key_deriver_get_blindings (fixture->deriver), ==,
                          (uses + NYX_KEY_DERIVER_USES_PER_BLINDING - 1) / NYX_KEY_DERIVER_USES_PER_BLINDING);
      }
}

/* The same keys as the one-shot functions, for many accounts and for BIP32 paths from a seed. */
static void
test_matches_one_shot (DeriverFixture *fixture,
                       gconstpointer   data)
{
  static const char *const paths[] = {
    "m", "m/0", "m/0'", "m/0'/1/2'/2/1000000000", NYX_COSMOS_HD_PATH, "m/44'/118'/0'/0/7", "m/1/2/3/4/5/6/7/8",
  };
  static const uint32_t accounts[] = { 0, 1, 2, 7, 1000, 0x7fffffff };
  g_autoptr(NyxBip32Key) ours = nyx_bip32_key_new ();
  g_autoptr(NyxBip32Key) theirs = nyx_bip32_key_new ();
  uint8_t *one_shot_private = sodium_malloc (NYX_PRIVATE_KEY_SIZE);
  uint8_t seed[64];

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *address = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;
      uint8_t public_key[NYX_PUBLIC_KEY_SIZE], expected_public[NYX_PUBLIC_KEY_SIZE];

      g_test_message ("account %u", accounts[i]);
      g_assert_true (nyx_key_deriver_derive_account (fixture->deriver, ABANDON_ART, accounts[i], public_key,
                                                     fixture->private_key, &address, &error));
      g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, accounts[i], expected_public,
                                                       one_shot_private, &expected, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (public_key, sizeof public_key, expected_public, sizeof expected_public);
      g_assert_cmpmem (fixture->private_key, NYX_PRIVATE_KEY_SIZE, one_shot_private, NYX_PRIVATE_KEY_SIZE);
      g_assert_cmpstr (address, ==, expected);
    }
  sodium_free (one_shot_private);

  for (guint i = 0; i < sizeof seed; i++)
    seed[i] = (uint8_t) (3 * i + 1);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    for (int signing_only = 0; signing_only <= 1; signing_only++)
      {
        g_autoptr(GError) error = NULL;

        g_test_message ("path %s, signing only %d", paths[i], signing_only);
        g_assert_true (nyx_key_deriver_derive_from_seed (fixture->deriver, seed, sizeof seed, paths[i],
                                                         signing_only, ours, &error));
        if (signing_only)
          g_assert_true (nyx_bip32_derive_key_pair_from_seed (seed, sizeof seed, paths[i], theirs, &error));
        else
          g_assert_true (nyx_bip32_derive_from_seed (seed, sizeof seed, paths[i], theirs, &error));
        g_assert_no_error (error);
        g_assert_cmpmem (ours, sizeof *ours, theirs, sizeof *theirs);
      }
}

/*
 * Several accounts from one seed give, account by account, what a derivation of each alone
 * gives, also across re-blindings, up to the last account index; the outputs are optional.
 */
static void
test_accounts (DeriverFixture *fixture,
               gconstpointer   data)
{
  static const struct
  {
    uint32_t first;
    size_t   n;
  } ranges[] = {
    { 0, 1 }, { 0, 3 * NYX_KEY_DERIVER_USES_PER_BLINDING + 2 }, { 1000, 5 }, { 0x7ffffffd, 3 },
  };
  g_autoptr(NyxKeyDeriver) single = nyx_key_deriver_new (NULL);
  char **v = g_ptr_array_index (fixture->records, 0);

  g_assert_nonnull (single);
  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      g_autofree uint8_t (*public_keys)[NYX_PUBLIC_KEY_SIZE] = g_malloc (ranges[r].n * NYX_PUBLIC_KEY_SIZE);
      g_autofree uint8_t (*keys_only)[NYX_PUBLIC_KEY_SIZE] = g_malloc (ranges[r].n * NYX_PUBLIC_KEY_SIZE);
      g_autofree char **addresses = g_new0 (char *, ranges[r].n + 1);
      g_autofree char **addresses_only = g_new0 (char *, ranges[r].n + 1);
      g_autoptr(GError) error = NULL;

      g_test_message ("accounts %u + %zu", ranges[r].first, ranges[r].n);
      g_assert_true (nyx_key_deriver_derive_accounts (fixture->deriver, v[0], ranges[r].first, ranges[r].n,
                                                      public_keys, addresses, &error));
      g_assert_no_error (error);
      assert_scratch_wiped (fixture->deriver);
      g_assert_true (nyx_key_deriver_derive_accounts (fixture->deriver, v[0], ranges[r].first, ranges[r].n,
                                                      keys_only, NULL, &error));
      g_assert_true (nyx_key_deriver_derive_accounts (fixture->deriver, v[0], ranges[r].first, ranges[r].n,
                                                      NULL, addresses_only, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (keys_only, ranges[r].n * NYX_PUBLIC_KEY_SIZE, public_keys, ranges[r].n * NYX_PUBLIC_KEY_SIZE);

      for (size_t i = 0; i < ranges[r].n; i++)
        {
          g_autofree char *expected = NULL;
          uint8_t expected_public[NYX_PUBLIC_KEY_SIZE];

          g_assert_true (nyx_key_deriver_derive_account (single, v[0], ranges[r].first + (uint32_t) i, expected_public,
                                                         NULL, &expected, &error));
          g_assert_no_error (error);
          g_assert_cmpmem (public_keys[i], NYX_PUBLIC_KEY_SIZE, expected_public, sizeof expected_public);
          g_assert_cmpstr (addresses[i], ==, expected);
          g_assert_cmpstr (addresses_only[i], ==, expected);
        }
      /* The first account of the spec vector is the vector's own. */
      if (ranges[r].first == 0)
        {
          nyx_test_assert_hex (public_keys[0], NYX_PUBLIC_KEY_SIZE, v[3]);
          g_assert_cmpmem (addresses[0], strlen (addresses[0]), v[4], strlen (v[4]));
        }
      g_strfreev (g_steal_pointer (&addresses));
      g_strfreev (g_steal_pointer (&addresses_only));
    }
}

/*
 * Bad input gives the error of its kind, writes nothing to the outputs, leaves nothing in
 * the scratch block, and does not spoil the next derivation.
 */
static void
test_bad_input (DeriverFixture *fixture,
                gconstpointer   data)
{
  static const struct
  {
    const char *mnemonic;
    uint32_t    account;
    GQuark      domain;
    int         code;
  } cases[] = {
    { BAD_CHECKSUM, 0, 0, NYX_BIP39_ERROR_CHECKSUM },
    { "abandon abandon", 0, 0, NYX_BIP39_ERROR_WORD_COUNT },
    { ABANDON_ART " zzzz", 0, 0, NYX_BIP39_ERROR_UNKNOWN_WORD },
    { "abandon\xff", 0, 0, NYX_BIP39_ERROR_INVALID_TEXT },
    { ABANDON_ART, NYX_BIP32_HARDENED, 1, NYX_BIP32_ERROR_INVALID_PATH },
    { ABANDON_ART, G_MAXUINT32, 1, NYX_BIP32_ERROR_INVALID_PATH },
  };
  g_autoptr(NyxBip32Key) key = nyx_bip32_key_new ();
  char **v = g_ptr_array_index (fixture->records, 0);
  uint8_t seed[64] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *good_address = NULL;
      char *address = (char *) "untouched";
      uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
      uint8_t untouched[NYX_PUBLIC_KEY_SIZE];

      g_test_message ("case %u", i);
      memset (public_key, 0xa5, sizeof public_key);
      memset (untouched, 0xa5, sizeof untouched);
      memset (fixture->private_key, 0x5a, NYX_PRIVATE_KEY_SIZE);
      g_assert_false (nyx_key_deriver_derive_account (fixture->deriver, cases[i].mnemonic, cases[i].account,
                                                      public_key, fixture->private_key, &address, &error));
      g_assert_error (error, (cases[i].domain == 0 ? NYX_BIP39_ERROR : NYX_BIP32_ERROR), cases[i].code);
      g_assert_cmpstr (address, ==, "untouched");
      g_assert_cmpmem (public_key, sizeof public_key, untouched, sizeof untouched);
      for (guint j = 0; j < NYX_PRIVATE_KEY_SIZE; j++)
        g_assert_cmpuint (fixture->private_key[j], ==, 0x5a);
      if (nyx_key_deriver_peek_scratch (fixture->deriver, &(size_t) { 0 }) != NULL)
        assert_scratch_wiped (fixture->deriver);

      g_assert_true (nyx_key_deriver_derive_account (fixture->deriver, v[0], 0, public_key, NULL,
                                                     &good_address, NULL));
      g_assert_cmpmem (good_address, strlen (good_address), v[4], strlen (v[4]));
    }

  {
    static const struct
    {
      const char *mnemonic;
      uint32_t    first;
      size_t      n;
      bool        bip39;
      int         code;
    } range_cases[] = {
      { ABANDON_ART, 0, 0, false, NYX_BIP32_ERROR_INVALID_PATH },
      { ABANDON_ART, 0x7fffffff, 2, false, NYX_BIP32_ERROR_INVALID_PATH },
      { ABANDON_ART, NYX_BIP32_HARDENED, 1, false, NYX_BIP32_ERROR_INVALID_PATH },
      { ABANDON_ART, 1, G_MAXSIZE, false, NYX_BIP32_ERROR_INVALID_PATH },
      { BAD_CHECKSUM, 0, 2, true, NYX_BIP39_ERROR_CHECKSUM },
    };

    for (guint i = 0; i < G_N_ELEMENTS (range_cases); i++)
      {
        g_autoptr(GError) error = NULL;
        uint8_t public_keys[2][NYX_PUBLIC_KEY_SIZE];
        char *addresses[2] = { (char *) "untouched", (char *) "untouched" };

        g_test_message ("range case %u", i);
        memset (public_keys, 0xa5, sizeof public_keys);
        g_assert_false (nyx_key_deriver_derive_accounts (fixture->deriver, range_cases[i].mnemonic, range_cases[i].first,
                                                         range_cases[i].n, public_keys, addresses, &error));
        g_assert_error (error, (range_cases[i].bip39 ? NYX_BIP39_ERROR : NYX_BIP32_ERROR),
                        range_cases[i].code);
        for (guint j = 0; j < sizeof public_keys; j++)
          g_assert_cmpuint (((uint8_t *) public_keys)[j], ==, 0xa5);
        g_assert_cmpstr (addresses[0], ==, "untouched");
        g_assert_cmpstr (addresses[1], ==, "untouched");
        assert_scratch_wiped (fixture->deriver);
      }
  }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nyx_key_deriver_derive_from_seed (fixture->deriver, seed, 15, NYX_COSMOS_HD_PATH, true, key, &error));
    g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_SEED);
    g_clear_error (&error);
    g_assert_false (nyx_key_deriver_derive_from_seed (fixture->deriver, seed, 65, NYX_COSMOS_HD_PATH, false, key, &error));
    g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_SEED);
    g_clear_error (&error);
    g_assert_false (nyx_key_deriver_derive_from_seed (fixture->deriver, seed, sizeof seed, "m/44'/x", true, key, &error));
    g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/key-deriver/new-and-free", DeriverFixture, NULL, deriver_setup, test_new_and_free, deriver_teardown);
  g_test_add ("/key-deriver/vectors-across-blindings", DeriverFixture, NULL, deriver_setup,
              test_vectors_across_blindings, deriver_teardown);
  g_test_add ("/key-deriver/matches-one-shot", DeriverFixture, NULL, deriver_setup, test_matches_one_shot, deriver_teardown);
  g_test_add ("/key-deriver/accounts", DeriverFixture, NULL, deriver_setup, test_accounts, deriver_teardown);
  g_test_add ("/key-deriver/bad-input", DeriverFixture, NULL, deriver_setup, test_bad_input, deriver_teardown);
  return g_test_run ();
}
