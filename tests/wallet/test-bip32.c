/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests BIP32 against the published vectors 1 and 2, the Trezor master keys, and bad paths and seeds. */
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-bip39.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

typedef struct
{
  NyxBip32Key *master;
  NyxBip32Key *derived;
} KeyFixture;

static void
key_setup (KeyFixture   *fixture,
           gconstpointer data)
{
  fixture->master = nyx_bip32_key_new ();
  fixture->derived = nyx_bip32_key_new ();
  g_assert_nonnull (fixture->master);
  g_assert_nonnull (fixture->derived);
}

static void
key_teardown (KeyFixture   *fixture,
              gconstpointer data)
{
  nyx_bip32_key_free (fixture->master);
  nyx_bip32_key_free (fixture->derived);
}

static void
assert_serialized (const NyxBip32Key *key,
                   const char        *xpub,
                   const char        *xprv)
{
  g_autoptr(GBytes) expected_pub = nyx_test_base58check (xpub);
  g_autoptr(GBytes) expected_prv = nyx_test_base58check (xprv);
  uint8_t out[NYX_BIP32_SERIALIZED_SIZE];

  nyx_bip32_serialize (key, false, out);
  g_assert_cmpmem (out, sizeof out, g_bytes_get_data (expected_pub, NULL), g_bytes_get_size (expected_pub));
  nyx_bip32_serialize (key, true, out);
  g_assert_cmpmem (out, sizeof out, g_bytes_get_data (expected_prv, NULL), g_bytes_get_size (expected_prv));
}

static void
test_published_vectors (KeyFixture   *fixture,
                        gconstpointer data)
{
  g_autofree char *path = nyx_test_data_path ("bip32.vectors");
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint n_checked = 0;
  bool have_master = false;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (g_str_has_prefix (lines[i], "seed "))
        {
          g_autoptr(GBytes) seed = nyx_test_hex (lines[i] + 5);

          g_assert_true (nyx_bip32_master_from_seed (g_bytes_get_data (seed, NULL), g_bytes_get_size (seed),
                                                     fixture->master, &error));
          g_assert_no_error (error);
          have_master = true;
          continue;
        }
      g_assert_true (have_master);
      fields = g_strsplit (lines[i], "|", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, 3);

      g_assert_true (nyx_bip32_derive_path (fixture->master, fields[0], fixture->derived, &error));
      g_assert_no_error (error);
      assert_serialized (fixture->derived, fields[1], fields[2]);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, ==, 12);
}

/* Deriving one child at a time gives what derive_path gives, including in place. */
static void
test_stepwise (KeyFixture   *fixture,
               gconstpointer data)
{
  static const uint32_t path[] = { 44 | NYX_BIP32_HARDENED, 118 | NYX_BIP32_HARDENED, NYX_BIP32_HARDENED, 0, 0 };
  g_autoptr(NyxBip32Key) step = nyx_bip32_key_new ();
  g_autoptr(GError) error = NULL;
  uint8_t seed[32];

  for (guint i = 0; i < sizeof seed; i++)
    seed[i] = (uint8_t) i;
  g_assert_true (nyx_bip32_master_from_seed (seed, sizeof seed, fixture->master, &error));
  g_assert_true (nyx_bip32_derive_path (fixture->master, NYX_COSMOS_HD_PATH, fixture->derived, &error));
  g_assert_no_error (error);
  memcpy (step, fixture->master, sizeof *step);
  for (guint i = 0; i < G_N_ELEMENTS (path); i++)
    g_assert_true (nyx_bip32_derive_child (step, path[i], step, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (step, sizeof *step, fixture->derived, sizeof *fixture->derived);
  g_assert_cmpuint (step->depth, ==, 5);

  /* Seed to key in one step gives the same key. */
  memset (step, 0, sizeof *step);
  g_assert_true (nyx_bip32_derive_from_seed (seed, sizeof seed, NYX_COSMOS_HD_PATH, step, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (step, sizeof *step, fixture->derived, sizeof *fixture->derived);
  /* Bad input to the one-step form leaves @out alone. */
  g_assert_false (nyx_bip32_derive_from_seed (seed, 15, NYX_COSMOS_HD_PATH, step, &error));
  g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_SEED);
  g_clear_error (&error);
  g_assert_false (nyx_bip32_derive_from_seed (seed, sizeof seed, "m/44'/x", step, &error));
  g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH);
  g_clear_error (&error);
  g_assert_cmpmem (step, sizeof *step, fixture->derived, sizeof *fixture->derived);

  /* "h" and "H" mean hardened too. */
  g_assert_true (nyx_bip32_derive_path (fixture->master, "m/44h/118H/0'/0/0", step, &error));
  g_assert_cmpmem (step, sizeof *step, fixture->derived, sizeof *fixture->derived);
}

/* The Trezor BIP39 vectors also give each seed's BIP32 master key. */
static void
test_trezor_masters (KeyFixture   *fixture,
                     gconstpointer data)
{
  g_autoptr(GPtrArray) records = nyx_test_load_records ("bip39-trezor.vectors", 4);

  for (guint i = 0; i < records->len; i++)
    {
      char **v = g_ptr_array_index (records, i);
      g_autoptr(GBytes) expected = nyx_test_base58check (v[3]);
      g_autoptr(GError) error = NULL;
      uint8_t seed[NYX_BIP39_SEED_SIZE];
      uint8_t out[NYX_BIP32_SERIALIZED_SIZE];

      g_assert_true (nyx_bip39_to_seed (v[1], "TREZOR", seed, &error));
      g_assert_true (nyx_bip32_master_from_seed (seed, sizeof seed, fixture->master, &error));
      g_assert_no_error (error);
      nyx_bip32_serialize (fixture->master, true, out);
      g_assert_cmpmem (out, sizeof out, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
    }
}

/* The signing-only derivation gives the same key pair, whatever mix of hardened steps. */
static void
test_key_pair_only (KeyFixture   *fixture,
                    gconstpointer data)
{
  static const char *const paths[] = {
    "m", "m/0", "m/0'", "m/0/1", "m/0'/1'", "m/0/1'/2", "m/0'/1/2'/2/1000000000", NYX_COSMOS_HD_PATH,
    "m/44'/118'/0'/0/7", "m/1/2/3/4/5/6/7/8",
  };
  g_autoptr(NyxBip32Key) pair = nyx_bip32_key_new ();
  uint8_t seed[64];

  for (guint i = 0; i < sizeof seed; i++)
    seed[i] = (uint8_t) (255 - i);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("path %s", paths[i]);
      g_assert_true (nyx_bip32_derive_from_seed (seed, sizeof seed, paths[i], fixture->derived, &error));
      g_assert_true (nyx_bip32_derive_key_pair_from_seed (seed, sizeof seed, paths[i], pair, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (pair->private_key, 32, fixture->derived->private_key, 32);
      g_assert_cmpmem (pair->chain_code, 32, fixture->derived->chain_code, 32);
      g_assert_cmpmem (pair->public_key, 33, fixture->derived->public_key, 33);
      g_assert_cmpuint (pair->depth, ==, fixture->derived->depth);
      g_assert_cmpuint (pair->child_number, ==, fixture->derived->child_number);
      g_assert_cmpmem (pair->parent_fingerprint, 4, "\0\0\0\0", 4);
    }
}

static void
test_parse_path (void)
{
  static const char *bad[] = {
    "", "x/0", "m/", "m//0", "m/0/", "m/2147483648", "m/0''", "m/a", "m/01", "44'/118'",
    "m/0'/1x", "m/-1", "m 0", "M/0",
  };
  uint32_t indexes[8];
  size_t n = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_bip32_parse_path ("m", indexes, G_N_ELEMENTS (indexes), &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (nyx_bip32_parse_path ("m/44'/118'/0'/0/7", indexes, G_N_ELEMENTS (indexes), &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (indexes[0], ==, 44 | NYX_BIP32_HARDENED);
  g_assert_cmpuint (indexes[1], ==, 118 | NYX_BIP32_HARDENED);
  g_assert_cmpuint (indexes[2], ==, NYX_BIP32_HARDENED);
  g_assert_cmpuint (indexes[3], ==, 0);
  g_assert_cmpuint (indexes[4], ==, 7);
  g_assert_true (nyx_bip32_parse_path ("m/2147483647'", indexes, G_N_ELEMENTS (indexes), &n, &error));
  g_assert_cmpuint (indexes[0], ==, 0xffffffffu);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_clear_error (&error);
      n = 99;
      g_assert_false (nyx_bip32_parse_path (bad[i], indexes, G_N_ELEMENTS (indexes), &n, &error));
      g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_cmpuint (n, ==, 99);
    }
  g_clear_error (&error);
  g_assert_false (nyx_bip32_parse_path ("m/1/2/3", indexes, 2, &n, &error));
  g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH);
}

static void
test_bad_seeds (KeyFixture   *fixture,
                gconstpointer data)
{
  uint8_t seed[65] = { 0 };
  static const size_t sizes[] = { 0, 15, 65 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;

      fixture->master->depth = 77;
      g_assert_false (nyx_bip32_master_from_seed (seed, sizes[i], fixture->master, &error));
      g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_SEED);
      g_assert_cmpuint (fixture->master->depth, ==, 77);
    }
}

static void
test_cosmos_path (void)
{
  g_autofree char *zero = nyx_bip32_cosmos_path (0);
  g_autofree char *seven = nyx_bip32_cosmos_path (7);

  g_assert_cmpstr (zero, ==, NYX_COSMOS_HD_PATH);
  g_assert_cmpstr (seven, ==, "m/44'/118'/0'/0/7");
  g_assert_null (nyx_bip32_cosmos_path (NYX_BIP32_HARDENED));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/bip32/published-vectors", KeyFixture, NULL, key_setup, test_published_vectors, key_teardown);
  g_test_add ("/bip32/stepwise", KeyFixture, NULL, key_setup, test_stepwise, key_teardown);
  g_test_add ("/bip32/trezor-masters", KeyFixture, NULL, key_setup, test_trezor_masters, key_teardown);
  g_test_add ("/bip32/bad-seeds", KeyFixture, NULL, key_setup, test_bad_seeds, key_teardown);
  g_test_add ("/bip32/key-pair-only", KeyFixture, NULL, key_setup, test_key_pair_only, key_teardown);
  g_test_add_func ("/bip32/parse-path", test_parse_path);
  g_test_add_func ("/bip32/cosmos-path", test_cosmos_path);
  return g_test_run ();
}
