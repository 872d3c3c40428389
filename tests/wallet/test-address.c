/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests Nyx addresses: the spec §2.2 key vectors end to end, validation, and bad keys and addresses. */
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bech32.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-bip39.h"
#include "nyx-test-util.h"
#include "nyx-wallet.h"

#define ABANDON_ART \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
  "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art"
#define MIXNET_CONTRACT "n17srjznxl9dvzdkpwpw24gg668wc73val88a6m5ajg6ankwvz9wtst0cznr"

typedef struct
{
  GPtrArray *records;
  uint8_t   *private_key;  /* sodium_malloc()ed, as real callers keep it */
} KeysFixture;

static void
keys_setup (KeysFixture  *fixture,
            gconstpointer data)
{
  fixture->records = nyx_test_load_records ("nyx-keys.vectors", 5);
  fixture->private_key = sodium_malloc (NYX_PRIVATE_KEY_SIZE);
  g_assert_nonnull (fixture->private_key);
}

static void
keys_teardown (KeysFixture  *fixture,
               gconstpointer data)
{
  g_ptr_array_unref (fixture->records);
  sodium_free (fixture->private_key);
}

static void
test_spec_vectors (KeysFixture  *fixture,
                   gconstpointer data)
{
  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      g_autofree char *address = NULL;
      g_autofree char *again = NULL;
      g_autoptr(GError) error = NULL;
      uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
      uint8_t hash[NYX_ADDRESS_HASH_SIZE], decoded[NYX_ADDRESS_HASH_SIZE];

      g_assert_true (nyx_address_derive_from_mnemonic (v[0], 0, public_key, fixture->private_key,
                                                       &address, &error));
      g_assert_no_error (error);
      nyx_test_assert_hex (fixture->private_key, NYX_PRIVATE_KEY_SIZE, v[2]);
      nyx_test_assert_hex (public_key, sizeof public_key, v[3]);
      g_assert_cmpmem (address, strlen (address), v[4], strlen (v[4]));

      again = nyx_address_from_public_key (NULL, public_key, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again, ==, address);
      nyx_address_hash (public_key, hash);
      g_assert_true (nyx_address_decode (address, "n", decoded, &error));
      g_assert_cmpmem (hash, sizeof hash, decoded, sizeof decoded);
      g_assert_true (nyx_address_validate (address, NULL, &error));
      g_assert_no_error (error);
    }
}

/* Spec §2.2: the three mnemonics of nym's own Rust test give the addresses that test expects. */
static void
test_nym_repo_vectors (void)
{
  g_autoptr(GPtrArray) records = nyx_test_load_records ("nym-repo-addresses.vectors", 2);

  g_assert_cmpuint (records->len, ==, 3);
  for (guint i = 0; i < records->len; i++)
    {
      char **v = g_ptr_array_index (records, i);
      g_autofree char *address = NULL;
      g_autoptr(GError) error = NULL;
      uint8_t public_key[NYX_PUBLIC_KEY_SIZE];

      g_assert_true (nyx_address_derive_from_mnemonic (v[0], 0, public_key, NULL, &address, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (address, strlen (address), v[1], strlen (v[1]));
    }
}

/* Outputs are optional, and account 1 is another key than account 0. */
static void
test_accounts (KeysFixture  *fixture,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address0 = NULL;
  g_autofree char *address1 = NULL;
  uint8_t pub0[NYX_PUBLIC_KEY_SIZE], pub1[NYX_PUBLIC_KEY_SIZE], pub_only[NYX_PUBLIC_KEY_SIZE];

  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, 0, pub0, NULL, &address0, &error));
  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, 1, pub1, NULL, &address1, &error));
  g_assert_true (nyx_address_derive_from_mnemonic (ABANDON_ART, 0, pub_only, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pub0, sizeof pub0, pub_only, sizeof pub_only);
  g_assert_cmpstr (address0, ==, "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6");
  g_assert_cmpstr (address1, !=, address0);

  g_assert_false (nyx_address_derive_from_mnemonic (ABANDON_ART, NYX_BIP32_HARDENED, pub0, NULL, NULL, &error));
  g_assert_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH);
  g_clear_error (&error);

  g_assert_false (nyx_address_derive_from_mnemonic ("abandon abandon", 0, pub0, NULL, NULL, &error));
  g_assert_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_WORD_COUNT);
}

/* Spec §2.2: with the passphrase "TREZOR" the address differs; nym-wallet never uses one. */
static void
test_trezor_passphrase_negative (void)
{
  g_autoptr(NyxBip32Key) key = nyx_bip32_key_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  uint8_t seed[NYX_BIP39_SEED_SIZE];

  g_assert_true (nyx_bip39_to_seed (ABANDON_ART, "TREZOR", seed, &error));
  g_assert_true (nyx_bip32_master_from_seed (seed, sizeof seed, key, &error));
  g_assert_true (nyx_bip32_derive_path (key, NYX_COSMOS_HD_PATH, key, &error));
  address = nyx_address_from_public_key ("n", key->public_key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "n1fj7mckvsrxhmaung670n53ex4zrhswkmmruan5");
  g_assert_cmpstr (address, !=, "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6");
}

static void
test_validate (void)
{
  static const char *bad[] = {
    "",
    "cosmos1r5v5srda7xfth3hn2s26txvrcrntldjumt8mhl",  /* another chain's prefix */
    "N1R5V5SRDA7XFTH3HN2S26TXVRCRNTLDJUF0SEG6",      /* valid bech32, but upper case */
    "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg7",      /* a typo in the checksum */
    "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg",       /* truncated */
    "n1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq",  /* wrong checksum and size */
    "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6 ",     /* trailing space */
    "nvaloper1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6",
  };
  uint8_t hash[NYX_ADDRESS_HASH_SIZE];
  uint8_t nineteen[19] = { 0 };
  g_autofree char *short_address = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (nyx_address_validate (MIXNET_CONTRACT, "n", &error));
  g_assert_no_error (error);
  /* A contract address is valid, but it is not an account's 20-byte hash. */
  memset (hash, 0x55, sizeof hash);
  g_assert_false (nyx_address_decode (MIXNET_CONTRACT, "n", hash, &error));
  g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID);
  g_assert_cmpuint (hash[0], ==, 0x55);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad address “%s”", bad[i]);
      g_assert_false (nyx_address_validate (bad[i], "n", &error));
      g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (nyx_address_decode (bad[i], "n", hash, &error));
      g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID);
      g_assert_cmpuint (hash[0], ==, 0x55);
      g_clear_error (&error);
    }

  short_address = nyx_bech32_encode ("n", nineteen, sizeof nineteen, &error);
  g_assert_false (nyx_address_validate (short_address, "n", &error));
  g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "19 bytes"));
}

static void
test_bad_public_key (void)
{
  g_autoptr(GError) error = NULL;
  uint8_t key[NYX_PUBLIC_KEY_SIZE] = { 0x04 };
  g_autoptr(GBytes) good = nyx_test_hex ("02ba66a84cf7839af172a13e7fc9f5e7008cb8bca1585f8f3bafb3039eda3c1fdd");

  g_assert_null (nyx_address_from_public_key (NULL, key, &error));
  g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID_KEY);
  g_clear_error (&error);

  /* x = 0 is not on the curve. */
  key[0] = 0x02;
  g_assert_null (nyx_address_from_public_key (NULL, key, &error));
  g_assert_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID_KEY);
  g_clear_error (&error);

  memcpy (key, g_bytes_get_data (good, NULL), sizeof key);
  {
    g_autofree char *address = nyx_address_from_public_key ("cosmos", key, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (address, ==, "cosmos1r5v5srda7xfth3hn2s26txvrcrntldjumt8mhl");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add ("/address/spec-vectors", KeysFixture, NULL, keys_setup, test_spec_vectors, keys_teardown);
  g_test_add ("/address/accounts", KeysFixture, NULL, keys_setup, test_accounts, keys_teardown);
  g_test_add_func ("/address/nym-repo-vectors", test_nym_repo_vectors);
  g_test_add_func ("/address/trezor-passphrase-negative", test_trezor_passphrase_negative);
  g_test_add_func ("/address/validate", test_validate);
  g_test_add_func ("/address/bad-public-key", test_bad_public_key);
  return g_test_run ();
}
